"""One-to-many generation: one class at t = 0, then a whole class-specific waveform."""

from __future__ import annotations

import numpy as np

from rnnviz.engine.tasks._common import (
    BuiltinTask,
    as_numpy,
    make_batch,
    one_hot,
    series,
    value_tokens,
)
from rnnviz.engine.tasks.base import Batch, SampleView


def class_pattern(label: int, seq_len: int) -> np.ndarray:
    """The waveform of class ``label`` (0-based): label + 1 full sine cycles over the sequence,
    target_t = sin(2 pi (label + 1) t / seq_len), t = 0..T-1."""
    t = np.arange(seq_len, dtype=np.float64)
    return np.sin(2 * np.pi * (label + 1) * t / seq_len)


class OneToManyTask(BuiltinTask):
    name = "one_to_many"
    title = "One-to-many: generate a waveform from a class"
    loss_kind = "mse"
    input_size = 3
    output_size = 1
    seq_len = 30
    io_kind = "one_to_many"
    option_defaults = {"n_classes": 3, "seq_len": 30}
    option_bounds = {"n_classes": (1, 20), "seq_len": (2, 10_000)}
    option_help = {"n_classes": "classes (class k makes k + 1 sine cycles)", "seq_len": "steps"}

    def configure(self, n_classes: int, seq_len: int) -> None:
        self.n_classes, self.seq_len = n_classes, seq_len
        self.input_size = n_classes
        self.input_vocab = [f"class {k}" for k in range(n_classes)]

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        T, B = self.seq_len, batch_size
        labels = rng.integers(0, self.n_classes, size=B)
        x = np.zeros((T, B, self.n_classes), dtype=np.float32)
        x[0] = one_hot(labels, self.n_classes)
        patterns = np.stack([class_pattern(k, T) for k in range(self.n_classes)], axis=1)  # [T, C]
        y = patterns[:, labels, None]  # [T, B, 1]
        return make_batch(x, y, np.ones((T, B), dtype=np.float32), classes=False)

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        label = int(np.argmax(x[0]))
        inputs = [f"class {label}"] + [""] * (len(x) - 1)
        targets, predicted = value_tokens(y, y_hat, mask)
        text = f"class {label}: {label + 1} sine cycle(s) over {len(x)} steps"
        return SampleView(inputs, targets, predicted, series(y, y_hat), text)

    def describe(self) -> str:
        return (
            "One-to-many generation. The network gets a single input, the one-hot code of one of "
            f"{self.n_classes} classes, at the first step, and zeros after that. It must then "
            "produce a whole waveform: class k is a sine with k + 1 full cycles over the "
            f"{self.seq_len} steps. Everything after the first step has to come from the "
            "network's own recurrent state, like a tiny image-captioning or music-generation "
            "model. Loss: squared error at every step."
        )
