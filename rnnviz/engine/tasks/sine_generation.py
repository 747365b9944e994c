"""Sequence generation (Koutník et al. 2014, section 4.1): one fixed signal from no input."""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.engine.tasks._common import BuiltinTask, as_numpy, make_batch, series, value_tokens
from rnnviz.engine.tasks.base import Batch, SampleView

#: the fastest wave's period, in time steps (the slowest is the whole sequence)
FASTEST_PERIOD = 20.0


def wave_periods(seq_len: int, n_waves: int) -> np.ndarray:
    """Periods [n] spread evenly on a log scale from ``seq_len`` down to FASTEST_PERIOD."""
    if n_waves == 1:
        return np.array([float(seq_len)])
    return np.geomspace(float(seq_len), min(FASTEST_PERIOD, seq_len), n_waves)


class SineGenerationTask(BuiltinTask):
    """x_t = 0 for every t (no input); the target is one fixed signal, the same in every
    sequence: s(t) = (1/n) sum_k sin(2 pi t / P_k + phi_k), t = 0 .. T-1, with periods
    ``wave_periods`` and phases phi_k drawn once from the task seed. The network must generate
    it from its own dynamics (driven by its biases)."""

    name = "sine_generation"
    title = "Sine generation: produce a fixed sum of sines with no input"
    loss_kind = "mse"
    input_size = 1
    output_size = 1
    seq_len = 320
    io_kind = "many_to_many"
    option_defaults = {"seq_len": 320, "n_waves": 4}
    option_bounds = {"seq_len": (2, 100_000), "n_waves": (1, 10)}
    option_help = {"seq_len": "time steps of the signal", "n_waves": "sines summed"}

    def configure(self, seq_len: int, n_waves: int) -> None:
        self.seq_len, self.n_waves = seq_len, n_waves
        self.periods = wave_periods(seq_len, n_waves)
        phases = np.random.default_rng([self.seed, 7]).uniform(0.0, 2 * np.pi, n_waves)
        t = np.arange(seq_len, dtype=np.float64)[:, None]  # [T, 1]
        self.signal = np.sin(2 * np.pi * t / self.periods + phases).mean(1)  # [T]

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        T, B = self.seq_len, batch_size
        y = np.broadcast_to(self.signal[:, None, None], (T, B, 1))
        return make_batch(np.zeros((T, B, 1)), y, np.ones((T, B)), classes=False)

    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        """``nmse``: the mean squared error over the target's variance (the paper's NMSE)."""
        mse = float(((y_hat - batch.y) ** 2).mean())
        return {"nmse": mse / float(self.signal.var())}

    def view(self, x, y, y_hat, mask) -> SampleView:
        y, y_hat, mask = as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        targets, predicted = value_tokens(y, y_hat, mask)
        out = series(y, y_hat)
        text = f"a fixed sum of {self.n_waves} sines over {len(y)} steps, from no input"
        if y_hat is not None:
            mse = float(np.mean((out["prediction"] - out["target"]) ** 2))
            text += f"; NMSE {mse / float(self.signal.var()):.3f}"
        inputs = [f"{v:.2f}" for v in as_numpy(x)[:, 0]]  # as the sine task writes them
        return SampleView(inputs, targets, predicted, out, text)

    def describe(self) -> str:
        periods = ", ".join(f"{p:.0f}" for p in self.periods)
        return (
            "Sequence generation (Koutník et al. 2014). The input is 0 at every step; the "
            f"target is one fixed signal of {self.seq_len} steps, the average of "
            f"{self.n_waves} sine wave(s) with periods {periods} steps. The network has to "
            "generate it from its own dynamics, so it needs states that change slowly (the "
            "long periods) beside ones that change fast. Loss: squared error at every step; "
            "NMSE is that error over the signal's variance."
        )
