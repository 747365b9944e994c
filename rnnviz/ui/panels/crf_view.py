"""What the CRF lattice panel draws for one recorded sample (no Qt): the CRF's tag marginals
and Viterbi path, the per-step argmax of the same emissions with its illegal moves, and the
learned transitions, as names and numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.engine.bio import illegal_steps
from rnnviz.engine.record import SampleRecord


@dataclass(frozen=True)
class CRFView:
    """Over the n counted words: ``marginals`` [n, K] p(y_t = k | x) of the CRF, ``viterbi``
    [n] its best path, ``softmax`` [n, K] the per-step softmax of the same emissions (what the
    tagger says without the CRF), ``argmax`` [n] its per-step choice and ``illegal`` the steps
    where that choice breaks the tag scheme; ``transitions`` [K, K] (row: previous tag),
    ``allowed`` [K, K] (0 where the scheme forbids the move), ``words`` [n], ``targets`` [n]."""

    tags: list[str]
    words: list[str]
    targets: list[str]
    marginals: np.ndarray
    viterbi: np.ndarray
    softmax: np.ndarray
    argmax: np.ndarray
    illegal: list[int]
    transitions: np.ndarray
    allowed: np.ndarray

    @property
    def steps(self) -> int:
        return self.marginals.shape[0]


def crf_view(tags: list[str], sample: SampleRecord) -> CRFView | None:
    """The view of ``sample``, or None when its record has no CRF (``SampleRecord.crf``)."""
    crf = sample.crf
    if not crf or "marginals" not in crf:
        return None
    n = crf["marginals"].shape[0]
    logits = np.asarray(sample.y_hat[:n], dtype=np.float64)
    softmax = np.exp(logits - logits.max(1, keepdims=True))
    softmax /= softmax.sum(1, keepdims=True)
    argmax = softmax.argmax(1)
    return CRFView(
        tags=list(tags),
        words=[w or "·" for w in list(sample.input_tokens)[:n]],
        targets=list(sample.target_tokens)[:n],
        marginals=np.asarray(crf["marginals"]),
        viterbi=np.asarray(crf["viterbi"], dtype=np.int64),
        softmax=softmax,
        argmax=argmax,
        illegal=illegal_steps([tags[int(k)] for k in argmax]),
        transitions=np.asarray(crf["transitions"]),
        allowed=np.asarray(crf.get("allowed", np.ones_like(crf["transitions"]))),
    )


def step_summary(view: CRFView, t: int) -> str:
    """The header line for word t: the CRF's tag and its marginal, the argmax's, the target."""
    tags, k = view.tags, int(view.viterbi[t])
    arg = int(view.argmax[t])
    text = (
        f"word {t + 1} “{view.words[t]}”: CRF (Viterbi) <b>{tags[k]}</b> "
        f"p = {view.marginals[t, k]:.2f} · per-step argmax <b>{tags[arg]}</b> "
        f"p = {view.softmax[t, arg]:.2f}"
    )
    if t < len(view.targets) and view.targets[t]:
        text += f" · target {view.targets[t]}"
    if t in view.illegal:
        text += " · <span style='color:#ef5350'>argmax move illegal</span>"
    return text


def paths_html(view: CRFView, t: int) -> str:
    """The two decodings word by word, the selected word underlined, illegal moves red."""

    def cell(tag: str, i: int, colour: str | None = None) -> str:
        style = "text-decoration:underline;" if i == t else ""
        style += f"color:{colour};" if colour else ""
        return f"<span style='{style}'>{tag}</span>"

    viterbi = " ".join(cell(view.tags[int(k)], i) for i, k in enumerate(view.viterbi))
    argmax = " ".join(
        cell(view.tags[int(k)], i, "#ef5350" if i in view.illegal else None)
        for i, k in enumerate(view.argmax)
    )
    count = len(view.illegal)
    verdict = "legal" if not count else f"{count} illegal move{'s' if count > 1 else ''}"
    return f"CRF Viterbi:&nbsp; {viterbi}<br>per-step argmax:&nbsp; {argmax} ({verdict})"
