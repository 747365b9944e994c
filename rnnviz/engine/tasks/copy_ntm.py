"""The Neural Turing Machine's copy task (Graves, Wayne & Danihelka 2014, 4.1).

A sequence of n random ``bits``-bit vectors (n drawn from ``min_length`` .. ``max_length`` for
each sequence), then one step with only the delimiter channel on, then n steps with no input
while the network must output the n vectors again, in order. Inputs have ``bits`` + 1
channels (the last is the delimiter); targets are the bits [T, B, bits] (float 0 / 1), counted
(mask 1) on the n recall steps only. Sequences shorter than the batch's longest are padded
with zero input and mask 0 after their recall.

Loss: binary cross-entropy of sigmoid(y_hat) on every target bit of the recall steps, summed
over the bits and averaged over the counted steps (the paper's loss is its sum over the
sequence). Metrics: ``bit_errors``, the wrong bits per sequence (output bit = [y_hat > 0]),
averaged over the batch (the paper's "cost per sequence", Fig. 3), and ``bit_error_rate``,
the wrong bits over all target bits.

``test_length`` > 0: the displayed (evaluation) sequences are all of that length, which may
be longer than any seen in training (the paper's Fig. 4, generalisation to longer sequences).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks._common import BuiltinTask, as_numpy, make_batch
from rnnviz.engine.tasks.base import Batch, SampleView

DELIMITER = "|"
ONE, ZERO = "█", "·"


def copy_batch(rng: np.random.Generator, lengths: np.ndarray, bits: int) -> Batch:
    """The copy task's batch for the sequence ``lengths`` [B] (T = 2 max(lengths) + 1)."""
    B, longest = len(lengths), int(lengths.max())
    T = 2 * longest + 1
    x = np.zeros((T, B, bits + 1), dtype=np.float32)
    y = np.zeros((T, B, bits), dtype=np.float32)
    mask = np.zeros((T, B), dtype=np.float32)
    for b, n in enumerate(lengths):
        vectors = rng.integers(0, 2, size=(n, bits)).astype(np.float32)
        x[:n, b, :bits] = vectors
        x[n, b, bits] = 1.0  # the delimiter
        y[n + 1 : 2 * n + 1, b] = vectors
        mask[n + 1 : 2 * n + 1, b] = 1.0
    return make_batch(x, y, mask, classes=False)


def bit_errors(y_hat: torch.Tensor, batch: Batch) -> torch.Tensor:
    """Wrong bits per sequence [B]: output bit [y_hat > 0] against the target, recall steps."""
    wrong = ((y_hat > 0).float() != batch.y).float().sum(-1)  # [T, B]
    return (wrong * batch.mask).sum(0)


class CopyNTMTask(BuiltinTask):
    """See the module docstring."""

    name = "copy_ntm"
    title = "NTM copy task: copy a sequence of bit vectors"
    loss_kind = "bce"
    io_kind = "many_to_many"
    option_defaults = {"bits": 8, "min_length": 1, "max_length": 8, "test_length": 0}
    option_bounds = {
        "bits": (1, 64),
        "min_length": (1, 500),
        "max_length": (1, 500),
        "test_length": (0, 500),
    }
    option_help = {
        "bits": "bits per vector",
        "min_length": "shortest sequence in training",
        "max_length": "longest sequence in training (L)",
        "test_length": "length of the displayed sequences (0: max_length); longer than "
        "max_length tests generalisation",
    }
    input_size = 8 + 1
    output_size = 8
    seq_len = 2 * 8 + 1

    def configure(self, bits: int, min_length: int, max_length: int, test_length: int) -> None:
        if min_length > max_length:
            raise SpecError(
                f"option 'min_length' of task 'copy_ntm' must be at most max_length "
                f"({max_length}), got {min_length}"
            )
        self.bits, self.min_length, self.max_length = bits, min_length, max_length
        self.test_length = test_length or max_length
        self.input_size = bits + 1
        self.output_size = bits
        self.seq_len = 2 * max(max_length, self.test_length) + 1

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        lengths = rng.integers(self.min_length, self.max_length + 1, size=batch_size)
        lengths[0] = self.max_length  # every training batch has T = 2 L + 1
        return copy_batch(rng, lengths, self.bits)

    def eval_batch(self, batch_size: int = 64) -> Batch:
        """Sequences of ``test_length`` each (fixed, independent of training steps)."""
        rng = np.random.default_rng([self.seed, 2**31 - 1])
        return copy_batch(rng, np.full(batch_size, self.test_length), self.bits)

    def loss(self, y_hat: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Binary cross-entropy summed over the bits, averaged over the counted steps;
        y_hat [..., T, B, bits] -> [...]."""
        target = batch.y.expand_as(y_hat)
        per_bit = F.binary_cross_entropy_with_logits(y_hat, target, reduction="none")
        mask = batch.mask
        return (per_bit.sum(-1) * mask).sum((-2, -1)) / mask.sum().clamp_min(1.0)

    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        errors = bit_errors(y_hat, batch)  # [B]
        total = float(batch.mask.sum()) * self.bits
        return {
            "bit_errors": float(errors.mean()),
            "bit_error_rate": float(errors.sum()) / max(total, 1.0),
        }

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        bits = self.bits
        n = int(np.argmax(x[:, bits]))  # the delimiter's step = the sequence's length
        inputs = [
            _bits(x[t, :bits]) if t < n else DELIMITER if t == n else "" for t in range(len(x))
        ]
        targets = [_bits(y[t]) if mask[t] > 0 else "" for t in range(len(mask))]
        predicted = [""] * len(mask)
        if y_hat is not None:
            predicted = [_bits(y_hat[t] > 0) if mask[t] > 0 else "" for t in range(len(mask))]
        text = f"copy {n} vectors of {bits} bits"
        if y_hat is not None:
            wrong = int(((y_hat > 0) != (y > 0.5)).sum(-1)[mask > 0].sum())
            text += f"; {wrong} wrong bit(s)"
        return SampleView(inputs, targets, predicted, {}, text)

    def describe(self) -> str:
        lengths = (
            f"{self.min_length} to {self.max_length}"
            if self.min_length < self.max_length
            else f"{self.max_length}"
        )
        shown = (
            f" The displayed sequences have {self.test_length} vectors, longer than any seen "
            "in training: they test whether the learned copying generalises."
            if self.test_length > self.max_length
            else ""
        )
        return (
            f"The Neural Turing Machine's copy task (Graves et al. 2014). The network sees "
            f"{lengths} random vectors of {self.bits} bits, then a delimiter, then must output "
            "the same vectors in order while its input is empty. Loss: binary cross-entropy of "
            "the output bits; bit_errors counts the wrong bits per sequence." + shown
        )


def _bits(values: np.ndarray) -> str:
    """A vector as a bit pattern, "█··█" for 1001 (digits would be read as a number)."""
    return "".join(ONE if v else ZERO for v in np.asarray(values) > 0.5)
