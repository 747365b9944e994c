"""Slot filling on generated travel sentences: which words are the destination, origin, time."""

from __future__ import annotations

import numpy as np

from rnnviz.engine.tasks._common import BuiltinTask, as_numpy, class_tokens, make_batch, one_hot
from rnnviz.engine.tasks.base import Batch, SampleView

LABELS = ["other", "dest", "origin", "time"]
CITIES = [
    "Taipei", "Tokyo", "Paris", "London", "Boston", "Seattle",
    "Denver", "Sydney", "Osaka", "Berlin", "Madrid", "Chicago",
]  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
DAYS = [f"{d}{'st' if d in (1, 21) else 'nd' if d in (2, 22) else 'rd' if d in (3, 23) else 'th'}"
        for d in range(1, 29)]  # fmt: skip
HOURS = [str(h) for h in range(1, 13)]

# Templates: (word or slot, label). Slots: {dest}/{origin} a city, {date} "Month day",
# {clock} "hour am|pm". "arrive"/"reach" make the following city a destination, "leave" and
# "depart" an origin -- so the network must remember the verb (sometimes several words back).
TEMPLATES = [
    "arrive {dest} on {date}",
    "leave {origin} on {date}",
    "arrive in {dest} on {date}",
    "leave from {origin} on {date}",
    "i want to arrive {dest} on {date}",
    "i want to leave {origin} on {date}",
    "arrive {dest} at {clock}",
    "leave {origin} at {clock}",
    "depart from {origin} on {date} at {clock}",
    "reach {dest} by {date}",
    "leave {origin} and arrive {dest} on {date}",
    "arrive {dest} after i leave {origin}",
    "on {date} leave {origin}",
    "on {date} i arrive in {dest}",
    "fly to {dest} on {date}",
    "fly from {origin} at {clock}",
]

FUNCTION_WORDS = sorted(
    {w for tpl in TEMPLATES for w in tpl.split() if not w.startswith("{")} | {"am", "pm"}
)
VOCAB = FUNCTION_WORDS + CITIES + MONTHS + DAYS + HOURS
WORD_INDEX = {w: i for i, w in enumerate(VOCAB)}
#: the longest sentence in words (a {date} or a {clock} is two words)
MAX_WORDS = max(len(t.split()) + t.count("{date}") + t.count("{clock}") for t in TEMPLATES)


def fill(template: str, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """One sentence from a template: (words, labels)."""
    words, labels = [], []
    for part in template.split():
        if part in ("{dest}", "{origin}"):
            words.append(CITIES[rng.integers(len(CITIES))])
            labels.append("dest" if part == "{dest}" else "origin")
        elif part == "{date}":
            words += [MONTHS[rng.integers(12)], DAYS[rng.integers(len(DAYS))]]
            labels += ["time", "time"]
        elif part == "{clock}":
            words += [HOURS[rng.integers(12)], "am" if rng.random() < 0.5 else "pm"]
            labels += ["time", "time"]
        else:
            words.append(part)
            labels.append("other")
    return words, labels


class SlotFillingTask(BuiltinTask):
    name = "slot_filling"
    title = "Slot filling: destination, origin and time"
    loss_kind = "ce"
    input_size = len(VOCAB)
    output_size = len(LABELS)
    seq_len = MAX_WORDS
    input_vocab = VOCAB
    output_labels = LABELS
    io_kind = "many_to_many"
    pads_at_end = True

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        picks = rng.integers(len(TEMPLATES), size=batch_size)
        return self._encode([fill(TEMPLATES[k], rng) for k in picks])

    def eval_batch(self, batch_size: int = 64) -> Batch:
        """Fixed; sample 0 is the notes' "arrive Taipei on November 2nd"."""
        rng = np.random.default_rng([self.seed, 2**31 - 1])
        picks = rng.integers(len(TEMPLATES), size=batch_size)
        sentences = [fill(TEMPLATES[k], rng) for k in picks]
        sentences[0] = (
            "arrive Taipei on November 2nd".split(),
            ["other", "dest", "other", "time", "time"],
        )
        return self._encode(sentences)

    def _encode(self, sentences: list[tuple[list[str], list[str]]]) -> Batch:
        """Words one-hot, padded at the end with zero inputs, label 'other' and mask 0."""
        T, B = self.seq_len, len(sentences)
        x = np.zeros((T, B, self.input_size), dtype=np.float32)
        y = np.zeros((T, B), dtype=np.int64)
        mask = np.zeros((T, B), dtype=np.float32)
        for b, (words, labels) in enumerate(sentences):
            n = len(words)
            x[:n, b] = one_hot(np.array([WORD_INDEX[w] for w in words]), self.input_size)
            y[:n, b] = [LABELS.index(label) for label in labels]
            mask[:n, b] = 1.0
        return make_batch(x, y, mask, classes=True)

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [VOCAB[int(np.argmax(row))] if row.any() else "" for row in x]
        targets, predicted = class_tokens(LABELS, y, y_hat, mask)
        n = int(mask.sum())
        text = " ".join(inputs[:n]) + " -> " + " ".join(targets[:n])
        if y_hat is not None:
            text += " (predicted: " + " ".join(predicted[:n]) + ")"
        return SampleView(inputs, targets, predicted, {}, text)

    def describe(self) -> str:
        return (
            "Slot filling, as in a travel-booking assistant: label every word of a sentence as "
            'a destination, an origin, a time or other. In "arrive Taipei on November 2nd" '
            'Taipei is the destination, but in "leave Taipei on November 2nd" it is the '
            "origin: the same word needs a different label depending on the verb seen before, "
            "which is why a network with memory (an RNN) is needed. Words are one-hot vectors "
            f"over a vocabulary of {len(VOCAB)} words; sentences of different lengths are padded "
            "at the end and the padding does not count. Loss: cross-entropy at every word."
        )
