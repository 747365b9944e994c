"""Connectionist temporal classification (Graves et al. 2006): the lattice and decoding.

A network emits, at each of T frames, a distribution y_t over C + 1 classes: the blank φ
(class ``blank``, 0 by default) and the C labels. A frame labelling π (one class per frame)
collapses to a label sequence B(π) by merging repeats, then dropping blanks
(``a a φ φ b φ b`` -> ``a b b``), and

    p(l | x) = sum over π with B(π) = l of prod_t y_t(π_t).

The sum runs over paths through the extended label sequence l' = (φ, l_1, φ, l_2, ..., l_U, φ)
of S = 2U + 1 states. With log-space sums (logsumexp), the forward variables are

    α_0(0) = y_0(φ),  α_0(1) = y_0(l_1),  α_0(s) = 0 for s > 1,
    α_t(s) = y_t(l'_s) * (α_{t-1}(s) + α_{t-1}(s-1) + [l'_s ≠ φ and l'_s ≠ l'_{s-2}] α_{t-1}(s-2)),

so α_t(s) is the probability of the frames 0..t ending in state s, and the backward ones
(the frames after t, given state s at t; this convention leaves y_t out of β_t)

    β_{T-1}(S-1) = β_{T-1}(S-2) = 1,  β_{T-1}(s) = 0 otherwise,
    β_t(s) = sum over s' in {s, s+1, s+2 if l'_{s+2} ≠ φ and l'_{s+2} ≠ l'_s} of
             y_{t+1}(l'_{s'}) β_{t+1}(s').

Then p(l | x) = α_{T-1}(S-1) + α_{T-1}(S-2) = sum_s α_t(s) β_t(s) for every t, and the
posterior of state s at frame t is γ_t(s) = α_t(s) β_t(s) / p(l | x) (it sums to 1 over s).
The gradient of -log p(l | x) with respect to the unnormalised outputs u_t(k) (y_t =
softmax(u_t)) is y_t(k) - sum over s with l'_s = k of γ_t(s).

The skip over a blank (s - 2 -> s) is forbidden between equal labels, so a labelling of l
needs T >= U + (number of adjacent repeats in l) frames; shorter inputs have p(l | x) = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

_NEG_INF = -np.inf


@dataclass(frozen=True)
class CTCLattice:
    """The forward-backward lattice of one sequence (float64 numpy arrays).

    ``extended``: [S] the classes of the extended label sequence l' (S = 2U + 1).
    ``log_alpha``, ``log_beta``: [T, S] log α_t(s), log β_t(s) (-inf where unreachable).
    ``log_likelihood``: log p(l | x) (-inf when the input is too short for the labels).
    ``posterior``: [T, S] γ_t(s) = α_t(s) β_t(s) / p(l | x) (zeros when p(l | x) = 0).
    ``alignment``: [T] the state of each frame on the most likely single path (Viterbi: the
    max-product version of the α recursion, traced back), or empty when there is none.
    """

    extended: np.ndarray
    log_alpha: np.ndarray
    log_beta: np.ndarray
    log_likelihood: float
    posterior: np.ndarray
    alignment: np.ndarray

    def logit_gradient(self, log_probs) -> np.ndarray:
        """[T, C + 1] d(-log p(l | x)) / du_t(k) = y_t(k) - sum_{s: l'_s = k} γ_t(s)."""
        probs = np.exp(_as_float64(log_probs))
        occupancy = np.zeros_like(probs)
        np.add.at(occupancy.T, self.extended, self.posterior.T)
        return probs - occupancy


def ctc_lattice(log_probs, labels, blank: int = 0) -> CTCLattice:
    """The α, β and posterior lattices of ``labels`` under ``log_probs``.

    ``log_probs``: [T, C + 1] log-softmax outputs (a tensor or an array; computed in float64);
    ``labels``: a sequence of U ints, none equal to ``blank``. See the module docstring.
    """
    lp = _as_float64(log_probs)  # [T, K]
    labels = [int(k) for k in labels]
    if any(k == blank or not 0 <= k < lp.shape[1] for k in labels):
        raise ValueError(f"labels must be classes 0..{lp.shape[1] - 1} other than the blank")
    extended = _extend(labels, blank)  # [S]
    emit = lp[:, extended]  # [T, S] log y_t(l'_s)
    skip = _skip_allowed(extended, blank)  # [S] may s be reached from s - 2
    log_alpha = _forward(emit, skip, np.logaddexp)
    log_beta = _backward(emit, skip)
    T, S = emit.shape
    log_likelihood = float(np.logaddexp.reduce(log_alpha[T - 1, max(S - 2, 0) :]))
    if np.isfinite(log_likelihood):
        posterior = np.exp(log_alpha + log_beta - log_likelihood)
        alignment = _viterbi(emit, skip)
    else:
        posterior, alignment = np.zeros((T, S)), np.zeros(0, dtype=np.int64)
    return CTCLattice(extended, log_alpha, log_beta, log_likelihood, posterior, alignment)


def best_path_decode(log_probs, blank: int = 0) -> list[int]:
    """The most likely class of every frame, repeats merged, blanks dropped."""
    best = _as_float64(log_probs).argmax(1)
    return [int(k) for i, k in enumerate(best) if k != blank and (i == 0 or k != best[i - 1])]


def beam_decode(log_probs, beam: int = 8, blank: int = 0) -> list[int]:
    """Prefix beam search: the labelling of highest p(l | x) among the ``beam`` best prefixes
    kept after each frame. Each prefix holds two log probabilities, of its frame labellings
    ending in a blank (p_b) and in its last label (p_nb); at frame t with y = y_t:

        prefix + φ:          p_b'  += (p_b + p_nb) y(φ)
        prefix + its last k: p_nb' += p_nb y(k)        (a repeat merges)
        prefix + k (new):    p_nb' += (p_b + p_nb) y(k), or p_b y(k) when k is the last label
    """
    lp = _as_float64(log_probs)
    prefixes: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, _NEG_INF)}
    for frame in lp:
        grown: dict[tuple[int, ...], list[float]] = {}
        for prefix, (p_b, p_nb) in prefixes.items():
            total = np.logaddexp(p_b, p_nb)
            for k, y in enumerate(frame):
                if k == blank:
                    _add(grown, prefix, total + y, 0)
                    continue
                if prefix and k == prefix[-1]:
                    _add(grown, prefix, p_nb + y, 1)
                    _add(grown, (*prefix, k), p_b + y, 1)
                else:
                    _add(grown, (*prefix, k), total + y, 1)
        ranked = sorted(grown.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        prefixes = {p: (b, nb) for p, (b, nb) in ranked[:beam]}
    best = max(prefixes.items(), key=lambda kv: np.logaddexp(*kv[1]))[0]
    return list(best)


def _add(table: dict, prefix: tuple[int, ...], log_p: float, ends_in_label: int) -> None:
    entry = table.setdefault(prefix, [_NEG_INF, _NEG_INF])
    entry[ends_in_label] = np.logaddexp(entry[ends_in_label], log_p)


def _as_float64(log_probs) -> np.ndarray:
    if isinstance(log_probs, torch.Tensor):
        log_probs = log_probs.detach().cpu().double().numpy()
    lp = np.asarray(log_probs, dtype=np.float64)
    if lp.ndim != 2:
        raise ValueError(f"log_probs must be [T, C + 1], got shape {lp.shape}")
    return lp


def _extend(labels: list[int], blank: int) -> np.ndarray:
    """(φ, l_1, φ, ..., l_U, φ): [2U + 1]."""
    extended = np.full(2 * len(labels) + 1, blank, dtype=np.int64)
    extended[1::2] = labels
    return extended


def _skip_allowed(extended: np.ndarray, blank: int) -> np.ndarray:
    skip = np.zeros(len(extended), dtype=bool)
    skip[2:] = (extended[2:] != blank) & (extended[2:] != extended[:-2])
    return skip


def _forward(emit: np.ndarray, skip: np.ndarray, combine) -> np.ndarray:
    """log α (``combine`` = logaddexp) or the Viterbi scores (``combine`` = maximum)."""
    T, S = emit.shape
    alpha = np.full((T, S), _NEG_INF)
    alpha[0, : min(2, S)] = emit[0, : min(2, S)]
    for t in range(1, T):
        prev = alpha[t - 1]
        total = prev.copy()
        total[1:] = combine(total[1:], prev[:-1])
        total[2:] = np.where(skip[2:], combine(total[2:], prev[:-2]), total[2:])
        alpha[t] = total + emit[t]
    return alpha


def _backward(emit: np.ndarray, skip: np.ndarray) -> np.ndarray:
    T, S = emit.shape
    beta = np.full((T, S), _NEG_INF)
    beta[T - 1, max(S - 2, 0) :] = 0.0
    for t in range(T - 2, -1, -1):
        nxt = beta[t + 1] + emit[t + 1]  # log y_{t+1}(l'_s') β_{t+1}(s')
        total = nxt.copy()
        total[:-1] = np.logaddexp(total[:-1], nxt[1:])
        total[:-2] = np.where(skip[2:], np.logaddexp(total[:-2], nxt[2:]), total[:-2])
        beta[t] = total
    return beta


def _viterbi(emit: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """The state of each frame on the single most likely path that ends in S-1 or S-2."""
    score = _forward(emit, skip, np.maximum)
    T, S = emit.shape
    state = S - 1 if S == 1 or score[T - 1, S - 1] >= score[T - 1, S - 2] else S - 2
    path = [state]
    for t in range(T - 1, 0, -1):
        choices = [state] + [state - 1] * (state >= 1) + [state - 2] * bool(skip[state])
        state = max(choices, key=lambda s: score[t - 1, s])
        path.append(state)
    return np.array(path[::-1], dtype=np.int64)
