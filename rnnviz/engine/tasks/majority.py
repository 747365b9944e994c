"""Many-to-one classification: which symbol occurred most often in the sequence?"""

from __future__ import annotations

import string

import numpy as np

from rnnviz.engine.tasks._common import (
    BuiltinTask,
    as_numpy,
    class_tokens,
    last_step_mask,
    make_batch,
    one_hot,
)
from rnnviz.engine.tasks.base import Batch, SampleView

SYMBOLS = string.ascii_lowercase


def unique_winner(tokens: np.ndarray, n_symbols: int, rng: np.random.Generator) -> np.ndarray:
    """Make the most frequent symbol of each column of ``tokens`` [T, B] unique (in place):
    where several symbols tie, one of them takes over one position of another tied one.
    Returns the winners [B]."""
    winners = np.empty(tokens.shape[1], dtype=np.int64)
    for b in range(tokens.shape[1]):
        counts = np.bincount(tokens[:, b], minlength=n_symbols)
        tied = np.flatnonzero(counts == counts.max())
        winner = tied[rng.integers(len(tied))]
        if len(tied) > 1:
            loser = tied[tied != winner][0]
            tokens[np.flatnonzero(tokens[:, b] == loser)[0], b] = winner
        winners[b] = winner
    return winners


class MajorityTask(BuiltinTask):
    name = "majority"
    title = "Majority: which symbol occurred most (many-to-one)"
    loss_kind = "ce"
    input_size = 3
    output_size = 3
    seq_len = 15
    input_vocab = list(SYMBOLS[:3])
    output_labels = list(SYMBOLS[:3])
    io_kind = "many_to_one"
    option_defaults = {"n_symbols": 3, "seq_len": 15}
    option_bounds = {"n_symbols": (2, len(SYMBOLS)), "seq_len": (2, 10_000)}
    option_help = {"n_symbols": "different symbols (classes)", "seq_len": "symbols per sequence"}

    def configure(self, n_symbols: int, seq_len: int) -> None:
        self.n_symbols, self.seq_len = n_symbols, seq_len
        self.input_size = self.output_size = n_symbols
        self.input_vocab = self.output_labels = list(SYMBOLS[:n_symbols])

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        T, B = self.seq_len, batch_size
        tokens = rng.integers(0, self.n_symbols, size=(T, B))
        winners = unique_winner(tokens, self.n_symbols, rng)
        y = np.zeros((T, B), dtype=np.int64)
        y[-1] = winners
        return make_batch(one_hot(tokens, self.n_symbols), y, last_step_mask(T, B), classes=True)

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [self.input_vocab[int(np.argmax(row))] for row in x]
        targets, predicted = class_tokens(self.output_labels, y, y_hat, mask)
        counts = {s: inputs.count(s) for s in self.input_vocab}
        text = f"{''.join(inputs)}: " + ", ".join(f"{s} x{n}" for s, n in counts.items())
        text += f"; most often {targets[-1]}"
        if y_hat is not None:
            text += f"; predicted {predicted[-1]}"
        return SampleView(inputs, targets, predicted, {}, text)

    def describe(self) -> str:
        return (
            f"Many-to-one classification: the network reads {self.seq_len} symbols (one-hot, "
            f"{self.n_symbols} kinds), one per step, and only at the last step must say which "
            "symbol occurred most often. It has to keep a running count of each symbol in its "
            "state and compare them at the end; there is no target at the other steps. Loss: "
            "cross-entropy at the last step only."
        )
