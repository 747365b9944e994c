"""Character-level language model on a small public-domain text shipped in resources/text."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks._common import BuiltinTask, as_numpy, make_batch, one_hot
from rnnviz.engine.tasks.base import Batch, SampleView

#: the shipped text (the first chapter of Alice's Adventures in Wonderland, Lewis Carroll, 1865)
TEXT_PATH = Path(__file__).resolve().parents[3] / "resources" / "text" / "alice_chapter1.txt"
NEWLINE_TOKEN = "\u21b5"  # how a newline is shown in a token


@lru_cache(maxsize=4)
def load_text(path: str = str(TEXT_PATH), lowercase: bool = True) -> str:
    """The text with its hard line wraps undone: lines of a paragraph are joined with spaces and
    paragraphs are separated by one newline."""
    try:
        raw = Path(path).read_text(encoding="ascii")
    except OSError as exc:
        raise SpecError(f"cannot read the char_lm text {path}: {exc.strerror}") from exc
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw)]
    text = "\n".join(p for p in paragraphs if p) + "\n"
    return text.lower() if lowercase else text


def _default_vocab() -> list[str]:
    """The vocabulary for the default options (empty if the text is missing: the task then
    raises SpecError when it is made, but importing this module still works)."""
    try:
        return sorted(set(load_text()))
    except SpecError:
        return []


def show_char(ch: str) -> str:
    return NEWLINE_TOKEN if ch == "\n" else ch


class CharLMTask(BuiltinTask):
    """Next-character prediction: x_t = one-hot(c_t), target c_{t+1}, over windows of
    ``seq_len`` characters at random offsets of the text."""

    name = "char_lm"
    title = "Character-level language model (Alice in Wonderland)"
    loss_kind = "ce"
    seq_len = 50
    io_kind = "many_to_many"
    option_defaults = {"seq_len": 50, "lowercase": True}
    option_bounds = {"seq_len": (2, 2_000)}
    option_help = {
        "seq_len": "characters per training sequence (how far back BPTT reaches)",
        "lowercase": "fold the text to lower case (a smaller vocabulary)",
    }
    # class-level sizes for the default options (lower-cased text)
    input_vocab = _default_vocab()
    output_labels = input_vocab
    input_size = output_size = len(input_vocab)

    def configure(self, seq_len: int, lowercase: bool) -> None:
        self.seq_len, self.lowercase = seq_len, lowercase
        self.text = load_text(str(TEXT_PATH), lowercase)
        self.input_vocab = sorted(set(self.text))
        self.output_labels = self.input_vocab
        self.input_size = self.output_size = len(self.input_vocab)
        self.char_index = {c: i for i, c in enumerate(self.input_vocab)}
        self.codes = np.array([self.char_index[c] for c in self.text], dtype=np.int64)
        if len(self.codes) < seq_len + 2:
            raise SpecError(
                f"option 'seq_len' of task 'char_lm' must be below {len(self.codes) - 1}"
            )

    # -- data ------------------------------------------------------------------------------
    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        starts = rng.integers(0, len(self.codes) - self.seq_len, size=batch_size)
        return self._windows(starts)

    def eval_batch(self, batch_size: int = 64) -> Batch:
        """Fixed; sample 0 is the opening of the story ("Alice was beginning to get ...")."""
        rng = np.random.default_rng([self.seed, 2**31 - 1])
        starts = rng.integers(0, len(self.codes) - self.seq_len, size=batch_size)
        opening = self.text.lower().find("alice was beginning")
        starts[0] = min(max(opening, 0), len(self.codes) - self.seq_len - 1)
        return self._windows(starts)

    def _windows(self, starts: np.ndarray) -> Batch:
        index = starts[None, :] + np.arange(self.seq_len + 1)[:, None]  # [T + 1, B]
        chars = self.codes[index]
        x = one_hot(chars[:-1], self.input_size)  # [T, B, V]
        mask = np.ones(chars[1:].shape, dtype=np.float32)
        return make_batch(x, chars[1:], mask, classes=True)

    def encode(self, text: str) -> np.ndarray:
        """Character codes of ``text`` (folded to lower case if the task is); characters not in
        the vocabulary become spaces (or are dropped if there is no space)."""
        if self.lowercase:
            text = text.lower()
        space = self.char_index.get(" ")
        codes = [self.char_index.get(c, space) for c in text]
        return np.array([c for c in codes if c is not None], dtype=np.int64)

    def decode(self, codes) -> str:
        return "".join(self.input_vocab[int(c)] for c in codes)

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        """accuracy of the most likely next character, and bits per character (the
        cross-entropy in bits: loss / ln 2)."""
        out = super().metrics(y_hat, batch)
        out["bits_per_char"] = float(self.loss(y_hat.detach(), batch)) / math.log(2.0)
        return out

    # -- generation ------------------------------------------------------------------------
    @torch.no_grad()
    def sample_text(
        self,
        model,
        length: int = 200,
        temperature: float = 1.0,
        rng: np.random.Generator | int | None = None,
        prime: str = "",
        context: int | None = None,
    ) -> str:
        """Generate ``length`` characters (returned without the prime) from ``model``.

        ``model(x)`` takes x [T, 1, V] and returns an object whose ``.y`` is [T, 1, V] logits (a
        RecurrentModel; its fused path is used when available). The model is re-run on the
        last ``context`` characters (default: ``seq_len``, the length it was trained on) for
        each new character, sampled from softmax(logits / temperature); temperature <= 0
        picks the most likely character.
        """
        if length < 0:
            raise SpecError(f"sample length must be non-negative, got {length}")
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        context = self.seq_len if context is None else max(1, int(context))
        codes = list(self.encode(prime)) or [int(self.codes[0])]
        n_prime = len(codes)
        device = _model_device(model)
        for _ in range(length):
            window = np.array(codes[-context:], dtype=np.int64)
            x = torch.from_numpy(one_hot(window, self.input_size)[:, None]).to(device)
            logits = _logits(model, x)[-1, 0].double().cpu()  # [V]
            if temperature <= 0:
                codes.append(int(logits.argmax()))
                continue
            p = torch.softmax(logits / temperature, dim=-1).numpy()
            codes.append(int(rng.choice(len(p), p=p / p.sum())))
        return self.decode(codes[n_prime:])

    # -- presentation ----------------------------------------------------------------------
    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [show_char(self.input_vocab[int(np.argmax(row))]) for row in x]
        targets = [
            show_char(self.input_vocab[int(c)]) if m > 0 else ""
            for c, m in zip(y, mask, strict=True)
        ]
        if y_hat is None:
            predicted = [""] * len(x)
        else:
            predicted = [
                show_char(self.input_vocab[int(np.argmax(row))]) if m > 0 else ""
                for row, m in zip(y_hat, mask, strict=True)
            ]
        text = "input:     " + "".join(inputs)
        if y_hat is not None:
            text += "\npredicted: " + "".join(predicted)
        return SampleView(inputs, targets, predicted, {}, text)

    def describe(self) -> str:
        return (
            "A character-level language model on the first chapter of Lewis Carroll's "
            '"Alice\'s Adventures in Wonderland" (public domain). Each character is a one-hot '
            f"vector over the text's {self.input_size} different characters; at every step the "
            "network reads one character and predicts the next one, so the loss is the sum of "
            "per-step cross-entropies, reported also as bits per character (log2 of the "
            "perplexity). After some training the network can write new text one character at "
            "a time, each sampled from its own prediction and fed back as the next input."
        )


def _model_device(model) -> torch.device:
    try:
        return next(model.parameters()).device
    except (AttributeError, StopIteration, TypeError):
        return torch.device("cpu")


def _logits(model, x: torch.Tensor) -> torch.Tensor:
    """[T, 1, V] logits of ``model`` for x, by the fused path when the model has one."""
    if getattr(model, "fused_available", False):
        return model.forward_fused(x)
    return model(x).y
