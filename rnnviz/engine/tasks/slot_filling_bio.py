"""Slot filling with BIO tags: a slot's first word is B-x, the words after it I-x, the rest O.

The sentences are the travel sentences of ``slot_filling.py``; some cities take two words
("New York"), a date ("November 2nd") and a clock time ("3 pm") always do, so I- tags occur and
an I- tag after O is illegal (``bio.py``). The tag set is an option: slots it has no tags for
are tagged O.
"""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.engine.bio import illegal_steps, slot_of
from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks._common import BuiltinTask, as_numpy, class_tokens, make_batch, one_hot
from rnnviz.engine.tasks.base import Batch, SampleView
from rnnviz.engine.tasks.slot_filling import CITIES, DAYS, FUNCTION_WORDS, HOURS, MONTHS, TEMPLATES

DEFAULT_TAGS = "B-dest I-dest B-time I-time O"
SLOTS = ("dest", "origin", "time")
LONG_CITIES = ["New York", "San Francisco", "Los Angeles", "Hong Kong", "Buenos Aires"]
ALL_CITIES = CITIES + LONG_CITIES
VOCAB = FUNCTION_WORDS + sorted({w for c in ALL_CITIES for w in c.split()}) + MONTHS + DAYS + HOURS
WORD_INDEX = {w: i for i, w in enumerate(VOCAB)}
#: the longest sentence in words: a city, a date and a clock time are at most two words each
MAX_WORDS = max(
    len(t.split())
    + t.count("{date}")
    + t.count("{clock}")
    + t.count("{dest}")
    + t.count("{origin}")
    for t in TEMPLATES
)


def parse_tags(text: str) -> list[str]:
    """The tag set of the ``tags`` option, or SpecError saying what is wrong with it."""
    tags = text.replace(",", " ").split()
    where = "option 'tags' of task 'slot_filling_bio'"
    if "O" not in tags:
        raise SpecError(f"{where} needs the tag O (for the words outside every slot), got {text!r}")
    if len(set(tags)) != len(tags):
        raise SpecError(f"{where} names a tag twice: {text!r}")
    for tag in tags:
        if tag != "O" and (slot_of(tag) not in SLOTS):
            raise SpecError(
                f"{where}: {tag!r} is not a BIO tag; use O and B-x, I-x with x one of "
                f"{', '.join(SLOTS)}"
            )
        if tag != "O" and {f"B-{slot_of(tag)}", f"I-{slot_of(tag)}"} - set(tags):
            raise SpecError(f"{where} needs both B-{slot_of(tag)} and I-{slot_of(tag)}")
    return tags


def fill_bio(template: str, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """One sentence from a template: (words, slot of each word or None, B/I by position)."""
    words, slots = [], []
    for part in template.split():
        if part in ("{dest}", "{origin}"):
            city = ALL_CITIES[rng.integers(len(ALL_CITIES))].split()
            words += city
            slots += [[part[1:-1]] * len(city)]
        elif part == "{date}":
            words += [MONTHS[rng.integers(12)], DAYS[rng.integers(len(DAYS))]]
            slots += [["time", "time"]]
        elif part == "{clock}":
            words += [HOURS[rng.integers(12)], "am" if rng.random() < 0.5 else "pm"]
            slots += [["time", "time"]]
        else:
            words.append(part)
            slots.append([None])
    tags = []
    for span in slots:
        tags += [("B-" if i == 0 else "I-") + s if s else "O" for i, s in enumerate(span)]
    return words, tags


class SlotFillingBIOTask(BuiltinTask):
    name = "slot_filling_bio"
    title = "Slot filling with BIO tags (B-dest I-dest B-time I-time O)"
    loss_kind = "ce"
    input_size = len(VOCAB)
    output_size = len(DEFAULT_TAGS.split())
    seq_len = MAX_WORDS
    input_vocab = VOCAB
    output_labels = DEFAULT_TAGS.split()
    io_kind = "many_to_many"
    pads_at_end = True
    #: a CRF on this task never chooses a move the scheme forbids (``crf_objective``)
    tag_scheme = "BIO"
    option_defaults = {"tags": DEFAULT_TAGS}
    option_help = {"tags": "the tag set: O and B-x, I-x pairs, x one of dest, origin, time"}

    def configure(self, tags: str) -> None:
        self.output_labels = parse_tags(tags)
        self.output_size = len(self.output_labels)

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        picks = rng.integers(len(TEMPLATES), size=batch_size)
        return self._encode([fill_bio(TEMPLATES[k], rng) for k in picks])

    def eval_batch(self, batch_size: int = 64) -> Batch:
        """Fixed; sample 0 is "arrive New York on November 2nd"."""
        rng = np.random.default_rng([self.seed, 2**31 - 1])
        picks = rng.integers(len(TEMPLATES), size=batch_size)
        sentences = [fill_bio(TEMPLATES[k], rng) for k in picks]
        sentences[0] = (
            "arrive New York on November 2nd".split(),
            ["O", "B-dest", "I-dest", "O", "B-time", "I-time"],
        )
        return self._encode(sentences)

    def _encode(self, sentences: list[tuple[list[str], list[str]]]) -> Batch:
        """Words one-hot, padded at the end with zero inputs, tag O and mask 0; a tag the tag
        set lacks becomes O."""
        T, B, labels = self.seq_len, len(sentences), self.output_labels
        x = np.zeros((T, B, self.input_size), dtype=np.float32)
        y = np.full((T, B), labels.index("O"), dtype=np.int64)
        mask = np.zeros((T, B), dtype=np.float32)
        for b, (words, tags) in enumerate(sentences):
            n = len(words)
            x[:n, b] = one_hot(np.array([WORD_INDEX[w] for w in words]), self.input_size)
            y[:n, b] = [labels.index(tag if tag in labels else "O") for tag in tags]
            mask[:n, b] = 1.0
        return make_batch(x, y, mask, classes=True)

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        """Those of the per-step argmax (a CRF's are of its Viterbi paths: ``tag_metrics``)."""
        return self.tag_metrics(y_hat.argmax(-1), batch)

    def tag_metrics(self, tags: torch.Tensor, batch: Batch) -> dict[str, float]:
        """accuracy over the counted words; illegal_sequences: the fraction of sentences whose
        predicted tags break the BIO scheme (an I-x not after B-x or I-x). tags [T, B]."""
        right = (tags == batch.y).float() * batch.mask
        lengths = batch.mask.sum(0).long().tolist()
        tags_np = tags.cpu().numpy()
        illegal = sum(
            bool(illegal_steps([self.output_labels[k] for k in tags_np[:n, b]]))
            for b, n in enumerate(lengths)
        )
        return {
            "accuracy": float(right.sum() / batch.mask.sum().clamp_min(1.0)),
            "illegal_sequences": illegal / max(1, len(lengths)),
        }

    # -- presentation ----------------------------------------------------------------------
    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [VOCAB[int(np.argmax(row))] if row.any() else "" for row in x]
        targets, predicted = class_tokens(self.output_labels, y, y_hat, mask)
        n = int(mask.sum())
        text = " ".join(inputs[:n]) + " -> " + " ".join(targets[:n])
        if y_hat is not None:
            text += " (per-step argmax: " + " ".join(predicted[:n])
            bad = illegal_steps(predicted[:n])
            text += f"; illegal at word {', '.join(str(t + 1) for t in bad)})" if bad else ")"
        return SampleView(inputs, targets, predicted, {}, text)

    def describe(self) -> str:
        return (
            "Slot filling with BIO tags: the first word of a slot is tagged B- (begin), the "
            "words that continue it I- (inside), every other word O, so that 'New York' is "
            "B-dest I-dest and 'November 2nd' is B-time I-time. An I- tag may only follow the "
            "B- or I- tag of the same slot: O I-time is an illegal sequence. A per-step "
            "softmax chooses each tag alone and can produce one; a CRF output layer scores "
            f"whole tag paths. Tags: {' '.join(self.output_labels)} (slots without tags are O). "
            f"Words are one-hot over a vocabulary of {len(VOCAB)}; sentences are padded at the "
            "end and the padding does not count."
        )
