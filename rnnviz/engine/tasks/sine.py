"""Time-series prediction: the next value of a sum of sines."""

from __future__ import annotations

import numpy as np

from rnnviz.engine.tasks._common import (
    BuiltinTask,
    as_numpy,
    make_batch,
    series,
    value_tokens,
)
from rnnviz.engine.tasks.base import Batch, SampleView

#: periods of the waves, in time steps
MIN_PERIOD, MAX_PERIOD = 8.0, 40.0


class SineTask(BuiltinTask):
    """x_t = s(t), target s(t + 1), with s(t) = (1/n) sum_k sin(omega_k t + phi_k); the
    frequencies omega_k and phases phi_k are drawn per sequence."""

    name = "sine"
    title = "Sine waves: predict the next value"
    loss_kind = "mse"
    input_size = 1
    output_size = 1
    seq_len = 50
    io_kind = "many_to_many"
    option_defaults = {"seq_len": 50, "n_waves": 2}
    option_bounds = {"seq_len": (2, 100_000), "n_waves": (1, 10)}
    option_help = {"seq_len": "time steps", "n_waves": "sines summed per sequence"}

    def configure(self, seq_len: int, n_waves: int) -> None:
        self.seq_len, self.n_waves = seq_len, n_waves

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        T, B, n = self.seq_len, batch_size, self.n_waves
        omega = 2 * np.pi / rng.uniform(MIN_PERIOD, MAX_PERIOD, size=(n, 1, B))
        phase = rng.uniform(0.0, 2 * np.pi, size=(n, 1, B))
        t = np.arange(T + 1, dtype=np.float64)[None, :, None]
        signal = np.sin(omega * t + phase).mean(0)  # [T + 1, B]
        x = signal[:-1, :, None]
        y = signal[1:, :, None]
        return make_batch(x, y, np.ones((T, B), dtype=np.float32), classes=False)

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [f"{v:.2f}" for v in x[:, 0]]
        targets, predicted = value_tokens(y, y_hat, mask)
        out = series(y, y_hat)
        out["input"] = x[:, 0].astype(np.float32)
        text = f"a sum of {self.n_waves} sines over {len(x)} steps; predict each next value"
        if y_hat is not None:
            rmse = float(np.sqrt(np.mean((out["prediction"] - out["target"]) ** 2)))
            text += f"; RMS error {rmse:.3f}"
        return SampleView(inputs, targets, predicted, out, text)

    def describe(self) -> str:
        return (
            "Time-series prediction. Each sequence is the average of "
            f"{self.n_waves} sine wave(s) with random frequency (periods of "
            f"{MIN_PERIOD:g} to {MAX_PERIOD:g} steps) and random phase. At every step the "
            "network sees the current value and must predict the next one. From a single value "
            "it cannot tell whether the wave is rising or falling, nor how fast: it has to infer "
            "phase and frequency from the values it has seen, i.e. from its memory. Loss: squared "
            "error at every step."
        )
