"""Instrumented trainer vs a plain torch training loop on torch.nn.LSTM, measured in one run.

Size: input 8, hidden 64, T 50, batch 32, Adam. Prints ms/step and ratios:
- recorded step (every internal, dL/dh_t, dL/dc_t, spectra, sample trace) / plain fused step;
- scalar-only trainer step / plain step;
- steps/s while producing full records at 30 per second / plain steps/s.

    .venv/bin/python bench/bench_engine.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

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


def plain_loop_ms(seconds: float) -> float:
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

    return _time_per_call(step, seconds)


def _time_per_call(fn, seconds: float) -> float:
    for i in range(5):  # warm-up
        fn(i)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn(n)
        n += 1
    return 1000 * (time.perf_counter() - start) / n


def trainer() -> Trainer:
    return Trainer(
        ModelSpec(kind="lstm", hidden_size=H),
        BenchTask(seed=0),
        TrainConfig(optimizer="adam", lr=1e-3, batch_size=B),
    )


def throughput_with_records(seconds: float, rate: float = 30.0) -> tuple[float, int]:
    tr = trainer()
    for _ in range(5):
        tr.step(record=False)
    n, records, last = 0, 0, 0.0
    start = time.perf_counter()
    while (now := time.perf_counter()) - start < seconds:
        record = now - last >= 1.0 / rate
        if record:
            last, records = now, records + 1
        tr.step(record=record)
        n += 1
    return n / (time.perf_counter() - start), records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    plain = plain_loop_ms(args.seconds)
    tr = trainer()
    recorded = _time_per_call(lambda i: tr.step(record=True), args.seconds)
    scalar = _time_per_call(lambda i: tr.step(record=False), args.seconds)
    steps_per_s, records = throughput_with_records(args.seconds)
    print(
        f"LSTM input {I}, hidden {H}, T {T}, batch {B}, Adam; torch threads "
        f"{torch.get_num_threads()}"
    )
    print(f"plain nn.LSTM loop          {plain:7.2f} ms/step")
    print(f"trainer, scalar-only step   {scalar:7.2f} ms/step   ratio {scalar / plain:5.2f}x")
    print(
        f"trainer, recorded step      {recorded:7.2f} ms/step   ratio {recorded / plain:5.2f}x"
        "   (target <= 2x)"
    )
    print(
        f"throughput, records at 30/s {steps_per_s:7.1f} steps/s ({records / args.seconds:.0f} "
        f"records/s)   ratio {steps_per_s * plain / 1000:5.2f}x of plain   (target >= 0.8x)"
    )


if __name__ == "__main__":
    main()
