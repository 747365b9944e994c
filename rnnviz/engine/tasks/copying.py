"""The copy (memory) task: remember K symbols over a delay and recall them on a cue."""

from __future__ import annotations

import string

import numpy as np
import torch

from rnnviz.engine.tasks._common import BuiltinTask, as_numpy, class_tokens, make_batch, one_hot
from rnnviz.engine.tasks.base import Batch, SampleView

BLANK, SYMBOLS = "_", string.ascii_lowercase
CUE = ":"


class CopyTask(BuiltinTask):
    """Inputs: K symbols, ``delay`` blanks, a cue, then K blanks (T = 2K + delay + 1).
    Targets: the K symbols at the last K steps (mask 1 there only), blank elsewhere.
    Input classes: blank 0, symbols 1..n, cue n+1. Output classes: blank 0, symbols 1..n."""

    name = "copy"
    title = "Copy task: recall symbols after a delay"
    loss_kind = "ce"
    io_kind = "many_to_many"
    option_defaults = {"n_symbols": 8, "length": 5, "delay": 10}
    option_bounds = {"n_symbols": (2, len(SYMBOLS)), "length": (1, 1000), "delay": (0, 100_000)}
    option_help = {
        "n_symbols": "how many different symbols (2-26)",
        "length": "symbols to remember (K)",
        "delay": "blank steps between the symbols and the recall cue",
    }
    input_size = 8 + 2
    output_size = 8 + 1
    seq_len = 2 * 5 + 10 + 1
    input_vocab = [BLANK, *SYMBOLS[:8], CUE]
    output_labels = [BLANK, *SYMBOLS[:8]]

    def configure(self, n_symbols: int, length: int, delay: int) -> None:
        self.n_symbols, self.length, self.delay = n_symbols, length, delay
        self.input_size = n_symbols + 2
        self.output_size = n_symbols + 1
        self.seq_len = 2 * length + delay + 1
        self.input_vocab = [BLANK, *SYMBOLS[:n_symbols], CUE]
        self.output_labels = [BLANK, *SYMBOLS[:n_symbols]]

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        K, T, B = self.length, self.seq_len, batch_size
        symbols = rng.integers(1, self.n_symbols + 1, size=(K, B))
        tokens = np.zeros((T, B), dtype=np.int64)  # blanks
        tokens[:K] = symbols
        tokens[K + self.delay] = self.n_symbols + 1  # the recall cue
        y = np.zeros((T, B), dtype=np.int64)
        y[T - K :] = symbols
        mask = np.zeros((T, B), dtype=np.float32)
        mask[T - K :] = 1.0
        return make_batch(one_hot(tokens, self.input_size), y, mask, classes=True)

    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        """accuracy per recalled symbol, and sequence_accuracy: all K symbols right."""
        out = super().metrics(y_hat, batch)
        wrong = ((y_hat.argmax(-1) != batch.y).float() * batch.mask).sum(0)  # [B]
        out["sequence_accuracy"] = float((wrong == 0).float().mean())
        return out

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [self.input_vocab[int(np.argmax(row))] for row in x]
        targets, predicted = class_tokens(self.output_labels, y, y_hat, mask)
        text = "input " + "".join(inputs) + "; recall " + "".join(targets)
        if y_hat is not None:
            text += "; output " + "".join(predicted)
        return SampleView(inputs, targets, predicted, {}, text)

    def describe(self) -> str:
        return (
            f"The copy (memory) task. The network sees {self.length} random symbols out of "
            f"{self.n_symbols}, then {self.delay} blank steps, then a recall cue ('{CUE}'); "
            f"after the cue it must output the {self.length} symbols in order. Only those last "
            "outputs count. The longer the delay, the longer the symbols must be held in memory: "
            "a plain tanh RNN forgets them as its gradient vanishes over the delay, while LSTM "
            "and GRU cells can keep them. Loss: cross-entropy over the recalled symbols."
        )
