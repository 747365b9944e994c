"""Many-to-one classification: is the number of ones in a bit sequence even or odd?"""

from __future__ import annotations

import numpy as np

from rnnviz.engine.tasks._common import (
    BuiltinTask,
    as_numpy,
    class_tokens,
    fmt,
    last_step_mask,
    make_batch,
)
from rnnviz.engine.tasks.base import Batch, SampleView

LABELS = ["even", "odd"]


class ParityTask(BuiltinTask):
    name = "parity"
    title = "Parity: even or odd number of ones (many-to-one)"
    loss_kind = "ce"
    input_size = 1
    output_size = 2
    seq_len = 8
    output_labels = LABELS
    io_kind = "many_to_one"
    option_defaults = {"seq_len": 8}
    option_bounds = {"seq_len": (2, 10_000)}
    option_help = {"seq_len": "bits per sequence"}

    def configure(self, seq_len: int) -> None:
        self.seq_len = seq_len

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        T, B = self.seq_len, batch_size
        bits = rng.integers(0, 2, size=(T, B))
        y = np.zeros((T, B), dtype=np.int64)
        y[-1] = bits.sum(0) % 2
        return make_batch(bits[..., None], y, last_step_mask(T, B), classes=True)

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [fmt(v) for v in x[:, 0]]
        targets, predicted = class_tokens(LABELS, y, y_hat, mask)
        ones = int(round(float(x[:, 0].sum())))
        text = f"bits {''.join(inputs)}: {ones} ones, {targets[-1]}"
        if y_hat is not None:
            text += f"; predicted {predicted[-1]}"
        return SampleView(inputs, targets, predicted, {}, text)

    def describe(self) -> str:
        return (
            "Many-to-one classification: the network reads a sequence of "
            f"{self.seq_len} random bits, one per step, and only at the last step says whether "
            "the number of ones was even or odd. Every bit matters, so the network has to keep "
            "a running parity in its state -- a flip-flop it must learn from the sequence-level "
            "label alone. A hard one: no single bit (nor any group short of all of them) "
            "says anything about the answer, so the loss can sit on a flat plateau at ln 2 for "
            "thousands of steps (compare the majority task, which learns quickly). Loss: "
            "cross-entropy at the "
            "last step only."
        )
