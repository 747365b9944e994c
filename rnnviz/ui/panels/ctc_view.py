"""What the CTC lattice panel draws for one recorded sample (no Qt): the lattice of its
labels under the network's outputs, and the decodings, as names and numbers."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import torch

from rnnviz.engine.ctc import CTCLattice, beam_decode, ctc_lattice
from rnnviz.engine.ctc_objective import collapse_steps
from rnnviz.engine.record import SampleRecord

BLANK_COLOUR = "#ffd54f"
RIGHT, WRONG = "#81c784", "#e57373"


@dataclass(frozen=True)
class CTCView:
    """``probs`` [T, C + 1] the per-frame output distribution; ``state_names`` [2U + 1] the
    extended label sequence (φ, l_1, φ, ...); ``frames`` [T] each frame's most likely class;
    ``merged`` those with runs merged; ``decoded`` (best path) and ``beam`` the labels."""

    class_names: list[str]
    labels: list[int]
    probs: np.ndarray
    lattice: CTCLattice
    state_names: list[str]
    frames: np.ndarray
    merged: list[int]
    decoded: list[int]
    beam: list[int]

    @property
    def steps(self) -> int:
        return self.probs.shape[0]

    def spell(self, classes) -> str:
        return "".join(self.class_names[int(k)] for k in classes)


def ctc_view(class_names: list[str], sample: SampleRecord) -> CTCView:
    """The lattice and decodings of ``sample`` (y: the labels first, then 0; y_hat: logits;
    the frames are those its mask counts)."""
    frames_counted = int(round(float(np.asarray(sample.mask).sum())))
    logits = torch.from_numpy(np.asarray(sample.y_hat[:frames_counted], dtype=np.float64))
    log_probs = torch.log_softmax(logits, -1).numpy()  # [T, C + 1]
    labels = [int(k) for k in np.asarray(sample.y) if k > 0]
    lattice = ctc_lattice(log_probs, labels)
    frames = log_probs.argmax(1)
    merged, decoded = collapse_steps(frames)
    return CTCView(
        class_names=list(class_names),
        labels=labels,
        probs=np.exp(log_probs),
        lattice=lattice,
        state_names=[class_names[int(k)] for k in lattice.extended],
        frames=frames,
        merged=merged,
        decoded=decoded,
        beam=beam_decode(log_probs),
    )


def _chip(name: str, highlight: bool = False, selected: bool = False) -> str:
    style = f"color:{BLANK_COLOUR if highlight else '#eceff1'};"
    if selected:  # the cursor's frame
        style += "background:#c62828; text-decoration:underline;"
    return f"<span style='{style}'>{html.escape(name)}</span>"


def collapse_html(view: CTCView, t: int) -> str:
    """'frames → merge repeats → drop blanks' as rich text, frame ``t`` marked, and the
    decodings against the target."""
    names = view.class_names
    # a zero-width space between frames: the line may wrap there (one unbreakable word of
    # 32 frames was wider than a narrow dock, which scrolled sideways)
    frames = "\u200b".join(_chip(names[int(k)], k == 0, i == t) for i, k in enumerate(view.frames))
    merged = "\u200b".join(_chip(names[k], k == 0) for k in view.merged)
    target = view.spell(view.labels)

    def verdict(labels: list[int]) -> str:
        colour = RIGHT if labels == view.labels else WRONG
        return f"<b style='color:{colour}'>{html.escape(view.spell(labels)) or '(empty)'}</b>"

    return (
        f"argmax per frame:&nbsp; {frames}<br>"
        f"merge repeats:&nbsp; {merged}<br>"
        f"drop blanks (best path):&nbsp; {verdict(view.decoded)}&nbsp;&nbsp; target:&nbsp; "
        f"<b>{html.escape(target)}</b>&nbsp;&nbsp; prefix beam search (beam 8):&nbsp; "
        f"{verdict(view.beam)}"
    )


def frame_summary(view: CTCView, t: int) -> str:
    """One line about frame ``t``: the blank's probability, its most probable state, and
    log p(l|x) (written with '∣', U+2223, where a line cannot break)."""
    lattice = view.lattice
    text = f"frame {t + 1}: p(φ) {view.probs[t, 0]:.2f}"
    if not np.isfinite(lattice.log_likelihood):
        return text + "; too few frames for the labels: p(l∣x) = 0"
    s = int(np.argmax(lattice.posterior[t]))
    return (
        f"{text}, γ highest in state {s} '{view.state_names[s]}' "
        f"({lattice.posterior[t, s]:.2f}) · log p(l∣x) = {lattice.log_likelihood:.3f}"
    )
