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
MERGED_SHOWN = 12  # merged runs spelled out in the decoding line
SPELLED = 10  # characters of a decoding spelled out (longer: cut with "…")


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
    """'merge repeats → drop blanks' as one paragraph of rich text, the run of frame ``t``
    marked, and the decodings against the target. The argmax per frame it starts from is
    dotted in the outputs' heatmap (spelled out here it took two lines), and at most
    ``MERGED_SHOWN`` merged runs are spelled, around ``t``'s (an untrained network's
    outputs change class at most frames: they took two more)."""
    names = view.class_names
    run = int(np.count_nonzero(view.frames[1 : t + 1] != view.frames[:t]))  # t's merged run
    first = max(0, min(run - MERGED_SHOWN // 2, len(view.merged) - MERGED_SHOWN))
    shown = range(first, min(len(view.merged), first + MERGED_SHOWN))
    chips = [_chip(names[view.merged[i]], view.merged[i] == 0, i == run) for i in shown]
    if first > 0:
        chips.insert(0, "…")
    if shown.stop < len(view.merged):
        chips.append("…")
    target = view.spell(view.labels)

    def verdict(labels: list[int]) -> str:
        colour = RIGHT if labels == view.labels else WRONG
        spelled = view.spell(labels)
        if len(spelled) > SPELLED:  # an untrained network's: the line's end
            spelled = spelled[: SPELLED - 1] + "…"
        return f"<b style='color:{colour}'>{html.escape(spelled) or '(empty)'}</b>"

    return (  # short names (the panel's help says more): three lines of a narrow dock
        f"merge repeats:&nbsp;{''.join(chips)}&nbsp;→ "  # the arrow stays with its step
        f"drop blanks:&nbsp;{verdict(view.decoded)} · "
        f"beam search:&nbsp;{verdict(view.beam)} · "
        f"target:&nbsp;<b>{html.escape(target)}</b>"
    )


def frame_summary(view: CTCView, t: int) -> str:
    """One line about frame ``t``: the blank's probability, its most probable state, and
    log p(l|x) (written with '∣', U+2223, where a line cannot break)."""
    lattice = view.lattice
    text = f"frame {t + 1}: p(φ) {view.probs[t, 0]:.2f}"
    if not np.isfinite(lattice.log_likelihood):
        return text + "; too few frames for the labels: p(l∣x) = 0"
    s = int(np.argmax(lattice.posterior[t]))
    return (  # the frame's own numbers first: a narrow dock cuts the line's end ("…")
        f"{text} · γ max {lattice.posterior[t, s]:.2f} in state {s} '{view.state_names[s]}' "
        f"· log p(l∣x) = {lattice.log_likelihood:.3f}"
    )
