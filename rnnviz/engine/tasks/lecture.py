"""The lecture's LSTM memory example: add, reset and read out a memory."""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.engine.tasks._common import (
    BuiltinTask,
    as_numpy,
    fmt,
    make_batch,
    rounded,
    series,
    value_tokens,
)
from rnnviz.engine.tasks.base import Batch, SampleView

#: the lecture notes' sequence (inputs x1, x2, x3 and the outputs they must give)
NOTES_X1 = (1, 3, 2, 4, 2, 1, 3, 6, 1)
NOTES_X2 = (0, 1, 0, 1, 0, 0, -1, 1, 0)
NOTES_X3 = (0, 0, 0, 0, 0, 1, 0, 0, 1)
NOTES_Y = (0, 0, 0, 0, 0, 7, 0, 0, 6)

P_ADD, P_RESET, P_OUTPUT = 0.3, 0.1, 0.25


def memory_targets(x: np.ndarray) -> np.ndarray:
    """The rule the hand-wired LSTM follows, x [T, B, 3] -> targets [T, B, 1].

    memory_t = memory_{t-1} + x1_t if x2_t = 1; 0 if x2_t = -1; else memory_{t-1};
    target_t = memory_t if x3_t = 1 else 0 (the memory after this step's update).
    """
    memory = np.zeros(x.shape[1], dtype=np.float32)
    targets = np.zeros((x.shape[0], x.shape[1], 1), dtype=np.float32)
    for t in range(x.shape[0]):
        x1, x2, x3 = x[t, :, 0], x[t, :, 1], x[t, :, 2]
        memory = np.where(x2 > 0.5, memory + x1, np.where(x2 < -0.5, 0.0, memory))
        targets[t, :, 0] = np.where(x3 > 0.5, memory, 0.0)
    return targets


class LectureTask(BuiltinTask):
    name = "lecture"
    title = "Lecture LSTM: add, reset, output a memory"
    loss_kind = "mse"
    input_size = 3
    output_size = 1
    seq_len = 9
    io_kind = "many_to_many"
    option_defaults = {"seq_len": 9}
    option_bounds = {"seq_len": (2, 10_000)}
    option_help = {"seq_len": "time steps per sequence"}

    def configure(self, seq_len: int) -> None:
        self.seq_len = seq_len

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        return self._batch_from_inputs(self._random_inputs(rng, batch_size))

    def eval_batch(self, batch_size: int = 64) -> Batch:
        """Fixed; sample 0 begins with the notes' sequence (all of it when seq_len >= 9)."""
        rng = np.random.default_rng([self.seed, 2**31 - 1])
        x = self._random_inputs(rng, batch_size)
        n = min(len(NOTES_X1), self.seq_len)
        x[:n, 0] = np.stack([NOTES_X1, NOTES_X2, NOTES_X3], axis=-1)[:n]
        return self._batch_from_inputs(x)

    def _random_inputs(self, rng: np.random.Generator, batch_size: int) -> np.ndarray:
        shape = (self.seq_len, batch_size)
        x1 = rng.integers(1, 7, size=shape)
        u = rng.random(shape)
        x2 = np.where(u < P_ADD, 1, np.where(u < P_ADD + P_RESET, -1, 0))
        x3 = (rng.random(shape) < P_OUTPUT).astype(np.int64)
        return np.stack([x1, x2, x3], axis=-1).astype(np.float32)  # [T, B, 3]

    def _batch_from_inputs(self, x: np.ndarray) -> Batch:
        mask = np.ones(x.shape[:2], dtype=np.float32)
        return make_batch(x, memory_targets(x), mask, classes=False)

    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        """accuracy: fraction of steps whose output rounds to the target."""
        correct = ((y_hat[..., 0] - batch.y[..., 0]).abs() < 0.5).float()
        acc = (correct * batch.mask).sum() / batch.mask.sum().clamp_min(1.0)
        return {"accuracy": float(acc)}

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [f"({fmt(a)}, {fmt(b)}, {fmt(c)})" for a, b, c in x]
        targets, predicted = value_tokens(y, y_hat, mask)
        rows = [
            "x1 = " + " ".join(fmt(v) for v in x[:, 0]),
            "x2 = " + " ".join(fmt(v) for v in x[:, 1]),
            "x3 = " + " ".join(fmt(v) for v in x[:, 2]),
            "target = " + " ".join(fmt(v) for v in y.reshape(len(y), -1)[:, 0]),
        ]
        if y_hat is not None:
            rows.append("output = " + " ".join(rounded(v) for v in y_hat.reshape(len(y), -1)[:, 0]))
        return SampleView(inputs, targets, predicted, series(y, y_hat), "; ".join(rows))

    def describe(self) -> str:
        return (
            "The lecture's LSTM example. Each step gives three numbers (x1, x2, x3). When x2 = 1 "
            "the value x1 is added to a memory, when x2 = -1 the memory is reset to 0, and when "
            "x3 = 1 the network must output the memory (otherwise 0). An LSTM can do this with "
            "one cell: the input gate opens for x2 = 1, the forget gate closes for x2 = -1 and the "
            "output gate opens for x3 = 1. Sample 0 of the evaluation batch is the notes' sequence "
            "x1 = 1 3 2 4 2 1 3 6 1, x2 = 0 1 0 1 0 0 -1 1 0, x3 = 0 0 0 0 0 1 0 0 1, whose "
            "outputs are 0 0 0 0 0 7 0 0 6. Loss: squared error at every step."
        )
