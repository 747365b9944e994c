"""Recording cost: the instrumented trainer against a plain torch loop, at several sizes.

For each model kind (LSTM, GRU) and hidden size (default 64, 256, 512; input 8, T 50,
batch 32, Adam) the cases run in interleaved rounds, at the app's torch thread count
(``engine/threads.py``, printed), and their medians (and spread: min-max over rounds) are
compared with the plain loop of the same round set:

- plain: ``torch.nn.LSTM`` / ``nn.GRU`` + linear head, Adam, the same batches;
- recorded / plain: a trainer step recording everything the panels show (trace, dL/dh_t,
  dL/dc_t, gradient groups, the recurrent matrices). Target <= 1.5x at H64, <= 2x at H512.
  The spectra are not in it: the window computes them off the training path for the record
  on screen (``ui/workers/spectra_job.py``); their cost is printed for information, in plain
  steps;
- throughput at the app's cadence (``RecordCadence``: full records at most 20 a second and
  within a tenth of the time) / plain. Target >= 0.9x.

    .venv/bin/python bench/bench_engine.py [--sizes 64,256,512] [--kinds lstm,gru]
        [--seconds 2] [--rounds 5] [--threads N]

``--seconds``: time per case and round. Other load on the machine hits every case alike
(interleaved), but run it when the machine is quiet.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import torch

from rnnviz.engine.record_cadence import RecordCadence
from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.spectra import decompose
from rnnviz.engine.tasks.base import Batch, SampleView, Task
from rnnviz.engine.threads import use_training_threads
from rnnviz.engine.train_config import TrainConfig
from rnnviz.engine.trainer import Trainer

T, B, I = 50, 32, 8


class BenchTask(Task):
    """Random inputs; target: the running mean of the first input feature (mse)."""

    name, title, loss_kind, input_size, output_size, seq_len = "bench", "Bench", "mse", I, 1, T

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        x = rng.standard_normal((T, batch_size, I)).astype(np.float32)
        y = np.cumsum(x[:, :, :1], 0) / np.arange(1, T + 1)[:, None, None]
        return Batch(
            torch.from_numpy(x), torch.from_numpy(y.astype(np.float32)), torch.ones(T, batch_size)
        )

    def view(self, x, y, y_hat, mask):
        n = len(x)
        return SampleView(
            [f"{v:.2f}" for v in x[:, 0]],
            [""] * n,
            [""] * n,
            {"target": y[:, 0], "prediction": y_hat[:, 0]},
        )


def plain_loop(kind: str, hidden: int) -> Callable[[int], None]:
    """One step of a plain torch loop: the fused module + linear head, Adam, same batches."""
    torch.manual_seed(0)
    task = BenchTask(seed=0)
    rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](I, hidden)
    head = torch.nn.Linear(hidden, 1)
    opt = torch.optim.Adam([*rnn.parameters(), *head.parameters()], lr=1e-3)

    def step(i: int) -> None:
        batch = task.batch(i, B)
        opt.zero_grad()
        out, _ = rnn(batch.x)
        loss = task.loss(head(out), batch)
        loss.backward()
        opt.step()

    return step


def trainer(kind: str, hidden: int) -> Trainer:
    return Trainer(
        ModelSpec(kind=kind, hidden_size=hidden),
        BenchTask(seed=0),
        TrainConfig(optimizer="adam", lr=1e-3, batch_size=B),
    )


def at_app_cadence(tr: Trainer) -> Callable[[int], None]:
    """A trainer step as the app's training worker takes it (``RecordCadence()``)."""
    cadence = RecordCadence()

    def step(i: int) -> None:
        full = cadence.due()
        started = time.monotonic()
        tr.step(record=full)
        if full:
            cadence.recorded(time.monotonic() - started)

    return step


def ms_per_call(fn: Callable[[int], None], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or n < 2:
        fn(n)
        n += 1
    return 1000 * (time.perf_counter() - start) / n


def measure(kind: str, hidden: int, seconds: float, rounds: int) -> dict[str, list[float]]:
    """ms per step of each case, one value per round (cases interleaved in each round)."""
    recorded, cadenced = trainer(kind, hidden), trainer(kind, hidden)
    cases = {
        "plain": plain_loop(kind, hidden),
        "recorded": lambda i: recorded.step(record=True),
        "cadence": at_app_cadence(cadenced),
    }
    for fn in cases.values():  # warm-up
        for i in range(3):
            fn(i)
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            times[name].append(ms_per_call(fn, seconds))
    matrices = recorded.history.last.recurrent
    started = time.perf_counter()
    decompose(matrices)
    times["spectra"] = [1000 * (time.perf_counter() - started)]
    return times


def report(kind: str, hidden: int, times: dict[str, list[float]]) -> list[bool]:
    """Print one size's figures; returns whether each target there was met."""
    plain = float(np.median(times["plain"]))
    ratio = {k: float(np.median(v)) / plain for k, v in times.items()}
    spread = {k: (min(v) / plain, max(v) / plain) for k, v in times.items()}
    limit = 1.5 if hidden <= 64 else 2.0
    rec_ok, thr_ok = ratio["recorded"] <= limit, 1 / ratio["cadence"] >= 0.9
    print(
        f"{kind.upper():4s} H{hidden:<4d} plain {plain:7.2f} ms | "
        f"recorded {ratio['recorded']:4.2f}x "
        f"({spread['recorded'][0]:.2f}-{spread['recorded'][1]:.2f}; target <= {limit:g}x "
        f"{'MET' if rec_ok else 'MISSED'}) | throughput at the app's cadence "
        f"{1 / ratio['cadence']:4.2f}x (target >= 0.9x {'MET' if thr_ok else 'MISSED'}) | "
        f"spectra, off the path: {ratio['spectra']:.2f} plain steps"
    )
    return [rec_ok, thr_ok]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="64,256,512", help="hidden sizes, comma-separated")
    parser.add_argument("--kinds", default="lstm,gru")
    parser.add_argument("--seconds", type=float, default=2.0, help="per case and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="default: the app's count")
    args = parser.parse_args()
    threads = use_training_threads(args.threads)
    print(
        f"input {I}, T {T}, batch {B}, Adam; {threads} torch thread(s) (the app's); medians of "
        f"{args.rounds} interleaved rounds of {args.seconds:g} s per case, spread min-max"
    )
    met = []
    for kind in args.kinds.split(","):
        for hidden in (int(h) for h in args.sizes.split(",")):
            met += report(kind, hidden, measure(kind, hidden, args.seconds, args.rounds))
    print(f"{sum(met)} of {len(met)} targets MET" + ("" if all(met) else "; some MISSED"))


if __name__ == "__main__":
    main()
