"""Synthetic "speech" for CTC: many noisy acoustic frames in, a shorter character sequence out."""

from __future__ import annotations

import string

import numpy as np
import torch

from rnnviz.engine.ctc_objective import collapse_steps, ctc_objective, label_error_rate
from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks._common import BuiltinTask, as_numpy, make_batch
from rnnviz.engine.tasks.base import Batch, SampleView

BLANK, SILENCE, CHARS = "φ", "_", string.ascii_lowercase
#: the longest silence (frames) before the first character and between two characters
MAX_GAP = 2


class CTCSpeechTask(BuiltinTask):
    """Each sequence says U random characters (``min_labels``..``max_labels`` of ``n_chars``),
    each lasting ``min_frames``..``max_frames`` frames, with a silence of 1..2 frames before the
    first and, with probability ``silence``, between two characters; silence pads the end.
    A frame is the character's prototype vector (``features`` numbers, drawn once from the
    task seed; silence is the zero vector) plus Gaussian noise of std ``noise``, and one more
    input, the onset, 1 on each character's first frame (plus the same noise): like the burst
    that starts a syllable, it tells two equal characters in a row apart. With probability
    ``repeats`` a character repeats the one before (the "好棒棒" case), else it is another one.

    Shapes (the CTC layout of ``ctc_objective.py``): x [T, B, features + 1]; y [T, B] the
    labels (1..n_chars) first, then 0; mask [T, B] all ones (every frame enters p(l | x)).
    Output classes: 0 the blank φ, 1..n_chars the characters.
    """

    name = "ctc_speech"
    title = "CTC speech: frames in, a shorter character sequence out"
    loss_kind = "ctc"
    io_kind = "many_to_many"
    option_defaults = {
        "n_chars": 5,
        "min_labels": 2,
        "max_labels": 5,
        "min_frames": 2,
        "max_frames": 4,
        "silence": 0.5,
        "repeats": 0.0,
        "noise": 0.8,
        "features": 8,
    }
    option_bounds = {
        "n_chars": (2, len(CHARS)),
        "min_labels": (1, 100),
        "max_labels": (1, 100),
        "min_frames": (1, 50),
        "max_frames": (1, 50),
        "silence": (0.0, 1.0),
        "repeats": (0.0, 1.0),
        "noise": (0.0, 10.0),
        "features": (1, 256),
    }
    option_help = {
        "n_chars": "different characters (C; the output has C + 1 classes with the blank)",
        "min_labels": "fewest characters in a sequence",
        "max_labels": "most characters in a sequence",
        "min_frames": "fewest frames a character lasts",
        "max_frames": "most frames a character lasts",
        "silence": "probability of a silence (1-2 frames) between two characters",
        "repeats": "probability that a character repeats the one before",
        "noise": "standard deviation of the noise added to every frame",
        "features": "numbers per frame (plus one onset input)",
    }
    input_size = 8 + 1
    output_size = 5 + 1
    seq_len = MAX_GAP + 5 * (4 + MAX_GAP)
    output_labels = [BLANK, *CHARS[:5]]

    def configure(self, **options) -> None:
        for low, high in (("min_labels", "max_labels"), ("min_frames", "max_frames")):
            if options[low] > options[high]:
                raise SpecError(
                    f"option {low!r} of task 'ctc_speech' ({options[low]}) must not exceed "
                    f"{high!r} ({options[high]})"
                )
        self.n_chars, self.features = options["n_chars"], options["features"]
        self.input_size, self.output_size = self.features + 1, self.n_chars + 1
        # long enough for the longest sentence with every gap; so never too short for CTC
        self.seq_len = MAX_GAP + options["max_labels"] * (options["max_frames"] + MAX_GAP)
        self.output_labels = [BLANK, *CHARS[: self.n_chars]]
        rng = np.random.default_rng([self.seed, 0xC7C])
        prototypes = rng.normal(size=(self.n_chars + 1, self.features))
        prototypes[0] = 0.0  # silence
        self.prototypes = prototypes.astype(np.float32)  # [C + 1, F]

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        o, T, B = self.options, self.seq_len, batch_size
        sound = np.zeros((T, B), dtype=np.int64)  # the character heard at each frame (0: none)
        onset = np.zeros((T, B), dtype=np.float32)
        y = np.zeros((T, B), dtype=np.int64)
        for b in range(B):
            labels = self._sentence(rng)
            y[: len(labels), b] = labels
            t = int(rng.integers(1, MAX_GAP + 1))
            for i, char in enumerate(labels):
                if i and rng.random() < o["silence"]:
                    t += int(rng.integers(1, MAX_GAP + 1))
                frames = int(rng.integers(o["min_frames"], o["max_frames"] + 1))
                sound[t : t + frames, b] = char
                onset[t, b] = 1.0
                t += frames
        x = np.concatenate([self.prototypes[sound], onset[..., None]], axis=-1)  # [T, B, F + 1]
        x += o["noise"] * rng.standard_normal(x.shape).astype(np.float32)
        return make_batch(x, y, np.ones((T, B), dtype=np.float32), classes=True)

    def _sentence(self, rng: np.random.Generator) -> list[int]:
        o, C = self.options, self.n_chars
        labels = [int(rng.integers(1, C + 1))]
        for _ in range(int(rng.integers(o["min_labels"], o["max_labels"] + 1)) - 1):
            if rng.random() < o["repeats"]:
                labels.append(labels[-1])
            else:  # one of the other C - 1 characters
                labels.append(int(labels[-1] + rng.integers(1, C) - 1) % C + 1)
        return labels

    # -- loss and metrics ------------------------------------------------------------------
    def loss(self, y_hat: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Mean over the batch of -log p(l | x) (``ctc_objective``); y_hat [..., T, B, C + 1]."""
        return ctc_objective(y_hat, batch.y, batch.mask)

    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        """label_error_rate: best-path decoding's edit distance over the label length."""
        return {"label_error_rate": label_error_rate(y_hat, batch.y, batch.mask)}

    # -- presentation ----------------------------------------------------------------------
    def labels_of(self, y: np.ndarray) -> list[int]:
        """The label sequence of one sample's y [T]."""
        return [int(k) for k in np.asarray(y) if k > 0]

    def spell(self, classes) -> str:
        return "".join(self.output_labels[int(k)] for k in classes)

    def view(self, x, y, y_hat, mask) -> SampleView:
        """Input tokens: the character each frame is nearest to (its prototype; '_' silence);
        predicted: each frame's most likely class (φ the blank); no per-frame targets."""
        x, y, y_hat = as_numpy(x), as_numpy(y), as_numpy(y_hat)
        distance = ((x[:, None, : self.features] - self.prototypes[None]) ** 2).sum(-1)
        nearest = distance.argmin(1)  # [T]
        inputs = [SILENCE if k == 0 else CHARS[k - 1] for k in nearest]
        targets = [""] * len(x)
        text = f"target {self.spell(self.labels_of(y))}"
        if y_hat is None:
            return SampleView(inputs, targets, [""] * len(x), {}, text)
        frames = y_hat.argmax(-1)
        merged, decoded = collapse_steps(frames)
        text += (
            f"; frames {self.spell(frames)} -> merge repeats {self.spell(merged)} -> "
            f"drop blanks {self.spell(decoded) or '(nothing)'}"
        )
        return SampleView(inputs, targets, [self.output_labels[k] for k in frames], {}, text)

    def describe(self) -> str:
        o = self.options
        text = (
            f"Synthetic speech for CTC. Each sequence of {self.seq_len} noisy frames says "
            f"{o['min_labels']} to {o['max_labels']} of {self.n_chars} characters, each lasting "
            f"{o['min_frames']} to {o['max_frames']} frames, sometimes with silence between "
            "them; the target is only the characters, without their durations. The network "
            f"emits {self.output_size} classes per frame, a blank φ and the characters; the "
            "loss, -log p(labels | frames), sums over every frame labelling that collapses to "
            "the target after merging repeats and dropping blanks. Metric: label error rate "
            "(edit distance of the best-path decoding over the label length)."
        )
        if o["repeats"] > 0:
            text += (
                f" A character repeats the one before with probability {o['repeats']:g}: two "
                "equal characters in a row come out as one unless the network puts a blank "
                "between them."
            )
        return text
