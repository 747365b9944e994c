"""Sequence-to-sequence tasks: a source sequence in, a target of another length out, ended by
``<eos>``. They train an encoder-decoder (``ModelSpec(seq2seq=True)``).

Shapes: ``Batch.x`` the one-hot sources [T_in, B, I] (one source length per batch: the batch's
sequences are bucketed by length, so the encoder reads no padding); ``Batch.y`` the target
classes [T_out, B], each target ending in ``<eos>`` (class 0) and padded with class 0 after
it; ``Batch.mask`` [T_out, B] is 1 up to and including ``<eos>``, so padding is not in the
loss. Metrics are of greedy decoding (``seq2seq_decoding.py``): ``token_accuracy`` over the
target tokens with ``<eos>``, ``sequence_accuracy`` the share decoded exactly.
"""

from __future__ import annotations

import string

import numpy as np
import torch

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks._common import (
    BuiltinTask,
    as_numpy,
    class_tokens,
    make_batch,
    one_hot,
)
from rnnviz.engine.tasks.base import Batch, SampleView

EOS = "<eos>"
BOS = "<bos>"
SYMBOLS = string.ascii_lowercase


class Seq2SeqTask(BuiltinTask):
    """Base of the sequence-to-sequence tasks. Subclasses set ``input_vocab``,
    ``output_labels`` (``<eos>`` first), ``seq_len`` (the longest source), ``max_output_len``
    (the longest target with ``<eos>``) and implement ``sample_pairs``."""

    loss_kind = "ce"
    io_kind = "seq2seq"
    #: the longest target, ``<eos>`` included; greedy decoding stops here at the latest
    max_output_len = 11
    #: what colours a sequence's code (``seq2seq_codes.py``): see ``code_property``
    code_property_name = "length"

    def sample_pairs(self, rng: np.random.Generator, batch_size: int) -> list[tuple[list, list]]:
        """``batch_size`` (source tokens, target tokens) pairs, all sources of one length."""
        raise NotImplementedError

    def length_pairs(self, rng: np.random.Generator, batch_size: int, length: int) -> list:
        """``batch_size`` pairs whose sources are ``length`` tokens long."""
        raise NotImplementedError

    def source_lengths(self) -> list[int]:
        """Every source length the task makes."""
        raise NotImplementedError

    def code_property(self, source: list[str]) -> float:
        """A property of a source to colour its code by (here its length)."""
        return float(len(source))

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        return self.pairs_batch(self.sample_pairs(rng, batch_size))

    def pairs_batch(self, pairs: list[tuple[list, list]]) -> Batch:
        """One batch from (source tokens, target tokens) pairs, sources of one length."""
        sources = np.array([[self.input_vocab.index(t) for t in src] for src, _ in pairs]).T
        T_out = max(len(tgt) for _, tgt in pairs) + 1
        y = np.zeros((T_out, len(pairs)), dtype=np.int64)  # <eos> and the padding after it
        mask = np.zeros((T_out, len(pairs)), dtype=np.float32)
        for b, (_, target) in enumerate(pairs):
            y[: len(target), b] = [self.output_labels.index(t) for t in target]
            mask[: len(target) + 1, b] = 1.0
        return make_batch(one_hot(sources, self.input_size), y, mask, classes=True)

    def source_batch(self, tokens) -> Batch:
        """A user's source (a string of one-character tokens or a list of tokens) as a batch
        of one to decode; SpecError if it is empty, too long or has an unknown token."""
        tokens = list(tokens)
        if not tokens:
            raise SpecError(f"the task {self.name!r} needs a source of at least one token")
        if len(tokens) > self.seq_len:
            raise SpecError(
                f"the source has {len(tokens)} tokens; the task {self.name!r} takes at most "
                f"{self.seq_len}"
            )
        unknown = [t for t in tokens if t not in self.input_vocab]
        if unknown:
            known = " ".join(repr(t) for t in self.input_vocab)
            raise SpecError(f"unknown token {unknown[0]!r}; the task {self.name!r} knows {known}")
        x = one_hot(np.array([self.input_vocab.index(t) for t in tokens])[:, None], self.input_size)
        y = np.zeros((1, 1), dtype=np.int64)
        return make_batch(x, y, np.ones((1, 1), dtype=np.float32), classes=True)

    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        """None of its own: greedy decoding's accuracies come from the decoder itself."""
        return {}

    def tokens_of(self, ids) -> list[str]:
        """Output class ids -> labels, up to and including the first ``<eos>``."""
        labels = []
        for i in ids:
            labels.append(self.output_labels[int(i)])
            if int(i) == 0:
                break
        return labels

    def view(self, x, y, y_hat, mask) -> SampleView:
        """Tokens: the source, then per target step the target (up to ``<eos>``, '' on the
        padding) and the teacher-forced argmax (a step record shows the greedy decoding
        instead: ``record.sample_record``)."""
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [self.input_vocab[int(np.argmax(row))] for row in x]
        targets, predicted = class_tokens(self.output_labels, y, y_hat, mask)
        text = f"{self.join(inputs)} → {self.join([t for t in targets[:-1] if t])}"
        return SampleView(inputs, targets, predicted, {}, text)

    @staticmethod
    def join(tokens: list[str]) -> str:
        return "".join(tokens) if all(len(t) == 1 for t in tokens) else " ".join(tokens)


class _SymbolTask(Seq2SeqTask):
    """Random strings of ``n_symbols`` letters, ``min_len`` to ``max_len`` long."""

    option_defaults = {"n_symbols": 8, "min_len": 3, "max_len": 10}
    option_bounds = {"n_symbols": (2, len(SYMBOLS)), "min_len": (1, 200), "max_len": (1, 200)}
    option_help = {
        "n_symbols": "how many different letters (2-26)",
        "min_len": "shortest source",
        "max_len": "longest source",
    }
    input_size = 8
    output_size = 9
    seq_len = 10
    input_vocab = list(SYMBOLS[:8])
    output_labels = [EOS, *SYMBOLS[:8]]

    def configure(self, n_symbols: int, min_len: int, max_len: int) -> None:
        if min_len > max_len:
            raise SpecError(f"min_len ({min_len}) must not exceed max_len ({max_len})")
        self.n_symbols, self.min_len, self.max_len = n_symbols, min_len, max_len
        self.input_vocab = list(SYMBOLS[:n_symbols])
        self.output_labels = [EOS, *self.input_vocab]
        self.input_size, self.output_size = n_symbols, n_symbols + 1
        self.seq_len, self.max_output_len = max_len, max_len + 1

    def sample_pairs(self, rng, batch_size):
        length = int(rng.integers(self.min_len, self.max_len + 1))
        return self.length_pairs(rng, batch_size, length)

    def source_lengths(self) -> list[int]:
        return list(range(self.min_len, self.max_len + 1))

    def length_pairs(self, rng, batch_size: int, length: int) -> list[tuple[list, list]]:
        """``batch_size`` pairs whose sources are ``length`` letters long."""
        letters = rng.integers(0, self.n_symbols, size=(batch_size, length))
        sources = [[self.input_vocab[i] for i in row] for row in letters]
        return [(src, self.target_of(src)) for src in sources]

    def target_of(self, source: list[str]) -> list[str]:
        raise NotImplementedError


class ReverseTask(_SymbolTask):
    """Reverse a string: "abc" -> "cba" <eos>."""

    name = "reverse"
    title = "Sequence reversal (seq2seq)"

    def target_of(self, source):
        return source[::-1]

    def describe(self) -> str:
        return (
            f"Sequence reversal. The encoder reads {self.min_len} to {self.max_len} random "
            f"letters out of {self.n_symbols}; the decoder, started with <bos>, writes them "
            "backwards and then <eos>. Output j must read input T - j + 1: with attention the "
            "weights form the anti-diagonal; without it the whole string has to pass through "
            "the encoder's last state, which gets harder the longer the string. Metrics are of "
            "greedy decoding: tokens right, and whole sequences right."
        )


class AutoencoderTask(_SymbolTask):
    """Reproduce the input: "abc" -> "abc" <eos>; the encoder's last state is its code."""

    name = "seq2seq_autoencoder"
    title = "Sequence-to-sequence autoencoder"

    def target_of(self, source):
        return list(source)

    def describe(self) -> str:
        return (
            f"The sequence-to-sequence autoencoder. The encoder reads {self.min_len} to "
            f"{self.max_len} random letters out of {self.n_symbols}; the decoder must reproduce "
            "them from the encoder's last state alone (no attention), then write <eos>. That "
            "last state is a fixed-size code of the whole sequence, the notes' "
            "'meaning of the sequence'. Metrics are of greedy decoding."
        )
