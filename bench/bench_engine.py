"""Instrumented trainer vs a plain torch training loop on torch.nn.LSTM, measured in one run.

Size: input 8, hidden 64, T 50, batch 32, Adam. Prints ms/step and ratios:
- recorded step (every internal, dL/dh_t, dL/dc_t, spectra, sample trace) / plain fused step
  (the spectra on the engine's helper thread, as in the app: ``rnnviz/engine/spectra.py``),
  the same without the spectra, and the same with dL/dh_t of the whole batch's loss
  (``gradients_of="batch"``) instead of the shown sequence's;
- scalar-only trainer step / plain step;
- steps/s while producing full records at 30 per second (spectra with SPECTRA_HZ of them, as
  the app asks) / plain steps/s.
Every case runs in interleaved rounds and the medians are compared, so other load on the
machine hits all cases alike.

    .venv/bin/python bench/bench_engine.py [--seconds 12] [--rounds 8] [--threads N]

``--threads``: torch threads for both loops (default torch's own, one per core); the app's
training workers use one core fewer than the machine has, leaving one to the window.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import torch

from rnnviz.engine.record_cadence import SPECTRA_HZ, RecordCadence
from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.tasks.base import Batch, Task
from rnnviz.engine.train_config import TrainConfig
from rnnviz.engine.trainer import Trainer

T, B, I, H = 50, 32, 8, 64


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
        from rnnviz.engine.tasks.base import SampleView

        n = len(x)
        return SampleView(
            [f"{v:.2f}" for v in x[:, 0]],
            [""] * n,
            [""] * n,
            {"target": y[:, 0], "prediction": y_hat[:, 0]},
        )


def plain_loop() -> Callable[[int], None]:
    """One step of a plain torch loop: nn.LSTM + linear head, Adam, the same batches."""
    torch.manual_seed(0)
    task = BenchTask(seed=0)
    lstm, head = torch.nn.LSTM(I, H), torch.nn.Linear(H, 1)
    opt = torch.optim.Adam([*lstm.parameters(), *head.parameters()], lr=1e-3)

    def step(i: int) -> None:
        batch = task.batch(i, B)
        opt.zero_grad()
        out, _ = lstm(batch.x)
        loss = task.loss(head(out), batch)
        loss.backward()
        opt.step()

    return step


def ms_per_call(fn: Callable[[int], None], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn(n)
        n += 1
    return 1000 * (time.perf_counter() - start) / n


def trainer(gradients_of: str = "sequence") -> Trainer:
    return Trainer(
        ModelSpec(kind="lstm", hidden_size=H),
        BenchTask(seed=0),
        TrainConfig(optimizer="adam", lr=1e-3, batch_size=B, gradients_of=gradients_of),
    )


def with_records(tr: Trainer, cadence: RecordCadence, counts: list[int]) -> Callable:
    """A trainer step at the cadence; counts: [full records, records with spectra]."""

    def step(i: int) -> None:
        full, spectra = cadence.due()
        started = time.monotonic()
        tr.step(record=full, spectra=spectra)
        if full:
            cadence.recorded(time.monotonic() - started)
        counts[0] += full
        counts[1] += spectra

    return step


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=12.0, help="total per measurement")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    tr, of_batch = trainer(), trainer("batch")
    counts = [0, 0]
    # records at 30 per second whatever they cost (share 1), spectra as the app asks for them
    cadence = RecordCadence(hz=30.0, share=1.0, spectra_hz=SPECTRA_HZ)
    cases = {
        "plain": plain_loop(),
        "scalar": lambda i: tr.step(record=False),
        "recorded": lambda i: tr.step(record=True),
        "no_spectra": lambda i: tr.step(record=True, spectra=False),
        "batch": lambda i: of_batch.step(record=True),
        "cadence": with_records(tr, cadence, counts),
    }
    for fn in cases.values():  # warm-up
        for i in range(5):
            fn(i)
    counts[:] = [0, 0]
    # interleaved rounds, medians: other processes on the machine hit every case alike
    per_round = args.seconds / args.rounds
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.rounds):
        for name, fn in cases.items():
            times[name].append(ms_per_call(fn, per_round))
    ms = {k: float(np.median(v)) for k, v in times.items()}
    ratio = {k: v / ms["plain"] for k, v in ms.items()}
    print(
        f"LSTM input {I}, hidden {H}, T {T}, batch {B}, Adam; torch threads "
        f"{torch.get_num_threads()}; medians of {args.rounds} interleaved rounds"
    )
    print(f"plain nn.LSTM loop                 {ms['plain']:7.2f} ms/step")
    print(
        f"trainer, scalar-only step          {ms['scalar']:7.2f} ms/step   {ratio['scalar']:5.2f}x"
    )
    print(
        f"trainer, recorded step, everything {ms['recorded']:7.2f} ms/step   "
        f"{ratio['recorded']:5.2f}x   (target <= 2x)"
    )
    print(
        f"  the same without the spectra     {ms['no_spectra']:7.2f} ms/step   "
        f"{ratio['no_spectra']:5.2f}x"
    )
    print(f"  the same, dL/dh_t of the batch   {ms['batch']:7.2f} ms/step   {ratio['batch']:5.2f}x")
    seconds = per_round * args.rounds
    print(
        f"throughput, full records at 30/s   {1000 / ms['cadence']:7.1f} steps/s   "
        f"{1 / ratio['cadence']:5.2f}x of plain   (target >= 0.8x); "
        f"{counts[0] / seconds:.0f} records/s, {counts[1] / seconds:.0f} with spectra"
    )


if __name__ == "__main__":
    main()
