"""The adding problem (Hochreiter & Schmidhuber 1997): add two marked numbers far apart."""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.engine.tasks._common import (
    BuiltinTask,
    as_numpy,
    fmt,
    last_step_mask,
    make_batch,
    series,
    value_tokens,
)
from rnnviz.engine.tasks.base import Batch, SampleView

#: an answer counts as right when it is within this distance of the target (the paper's 0.04)
TOLERANCE = 0.04


class AddingTask(BuiltinTask):
    name = "adding"
    title = "Adding problem (long-range memory)"
    loss_kind = "mse"
    input_size = 2
    output_size = 1
    seq_len = 50
    io_kind = "many_to_one"
    option_defaults = {"seq_len": 50}
    option_bounds = {"seq_len": (2, 100_000)}
    option_help = {"seq_len": "time steps; the two marked numbers can be this far apart"}

    def configure(self, seq_len: int) -> None:
        self.seq_len = seq_len

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        T, B = self.seq_len, batch_size
        half = T // 2
        values = rng.uniform(-1.0, 1.0, size=(T, B))
        first = rng.integers(0, half, size=B)  # one marker in the first half ...
        second = rng.integers(half, T, size=B)  # ... and one in the second
        markers = np.zeros((T, B))
        columns = np.arange(B)
        markers[first, columns] = 1.0
        markers[second, columns] = 1.0
        x = np.stack([values, markers], axis=-1)  # [T, B, 2]
        y = np.zeros((T, B, 1))
        y[-1, :, 0] = 0.5 + (values[first, columns] + values[second, columns]) / 4.0
        return make_batch(x, y, last_step_mask(T, B), classes=False)

    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        """accuracy: fraction of sequences answered within 0.04 of the target."""
        close = ((y_hat[..., 0] - batch.y[..., 0]).abs() < TOLERANCE).float()
        acc = (close * batch.mask).sum() / batch.mask.sum().clamp_min(1.0)
        return {"accuracy": float(acc)}

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [f"[{v:.2f}]" if m > 0.5 else f"{v:.2f}" for v, m in x]
        targets, predicted = value_tokens(y, y_hat, mask)
        marked = np.flatnonzero(x[:, 1] > 0.5)
        parts = [f"X{i + 1} = {x[t, 0]:.3f} at t = {t}" for i, t in enumerate(marked)]
        target = float(y.reshape(len(y), -1)[-1, 0])
        text = ", ".join(parts) + f"; target 0.5 + (X1 + X2)/4 = {target:.3f}"
        if y_hat is not None:
            text += f"; output {float(y_hat.reshape(len(y_hat), -1)[-1, 0]):.3f}"
        out = series(y, y_hat)
        out["value"] = x[:, 0].astype(np.float32)
        out["marker"] = x[:, 1].astype(np.float32)
        return SampleView(inputs, targets, predicted, out, text)

    def describe(self) -> str:
        return (
            "The adding problem of Hochreiter & Schmidhuber (1997). Each step gives a random "
            "number in [-1, 1] and a marker bit; exactly two steps are marked, one in the first "
            "half of the sequence and one in the second. At the last step the network must "
            "output 0.5 + (X1 + X2)/4, where X1 and X2 are the two marked numbers. The marked "
            f"numbers can be up to {fmt(self.seq_len - 1)} steps before the answer, so the "
            "network must carry them a long way: a plain tanh RNN usually fails as the sequence "
            "grows, while an LSTM, a GRU or an IRNN learns it. Loss: squared error at the last "
            "step only; an answer within 0.04 of the target counts as correct."
        )
