"""The CRF objective for any rnnviz tagging model (``ModelSpec(crf=True)``): the model's head
gives the emissions E [T, B, K] (one score per tag and step) and its ``crf`` layer holds the
learned transitions A [K, K] and start / end scores s, e [K] (``crf.py`` defines the path
score and Z). Targets and mask are a classification task's: ``y`` int64 [T, B] tags, ``mask``
float32 [T, B], 1 on the steps a sequence has (padding only at the end).

The loss is the negative log-likelihood of the gold paths, per counted step:

    L = sum_b (log Z_b - score_b(y_b)) / sum_{t,b} m_tb

so with A = s = e = 0 it is exactly the per-step softmax cross-entropy of ``Task.loss``
(Z then factorises over t). Predictions are the Viterbi paths, not the per-step argmax.
The transitions start at 0: an untrained CRF decodes like the softmax model, except that on
a task with a tag scheme (``task.tag_scheme == "BIO"``) the moves the scheme forbids (I-x
first, or after anything but B-x / I-x) get a fixed score of FORBIDDEN = -10^4 added to A and
s (a constrained CRF, as AllenNLP's ``allowed_transitions``): exp(-10^4) is 0 in float32 and
float64, so no path through such a move counts in Z and Viterbi never chooses one; the
learned A, s, e are the rest.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor, nn

from rnnviz.engine.bio import allowed_moves
from rnnviz.engine.crf import crf_marginals, crf_viterbi
from rnnviz.engine.spec import SpecError

PARAMS = ("crf.transitions", "crf.start", "crf.end")
FORBIDDEN = -1.0e4


class CRFLayer(nn.Module):
    """The CRF's parameters: ``transitions`` [K, K] (row: previous tag, column: next tag),
    ``start`` [K] and ``end`` [K], all zero at first."""

    def __init__(self, num_tags: int) -> None:
        super().__init__()
        self.transitions = nn.Parameter(torch.zeros(num_tags, num_tags))
        self.start = nn.Parameter(torch.zeros(num_tags))
        self.end = nn.Parameter(torch.zeros(num_tags))
        # fixed (not trained) scores of the forbidden moves: 0 or FORBIDDEN
        self.fixed_transitions = torch.zeros(num_tags, num_tags)
        self.fixed_start = torch.zeros(num_tags)

    def allow(self, allowed: np.ndarray, allowed_start: np.ndarray) -> None:
        """Forbid the moves that are False in ``allowed`` [K, K] and ``allowed_start`` [K]."""
        self.fixed_transitions = torch.as_tensor(np.where(allowed, 0.0, FORBIDDEN)).float()
        self.fixed_start = torch.as_tensor(np.where(allowed_start, 0.0, FORBIDDEN)).float()


def constrain_crf(model, task) -> None:
    """Give a CRF model the forbidden moves of the task's tag scheme (if it has one)."""
    if getattr(model, "crf", None) is not None and getattr(task, "tag_scheme", "") == "BIO":
        model.crf.allow(*allowed_moves(task.output_labels))


def check_crf_pairing(spec, task) -> None:
    """A CRF tags every step of a classification task."""
    if spec.crf and (task.loss_kind != "ce" or task.io_kind != "many_to_many"):
        raise SpecError(
            f"a CRF output layer (model.crf) tags every step of a classification task; "
            f"{task.name!r} is not one"
        )


def crf_nll(emissions: Tensor, tags: Tensor, mask: Tensor, transitions, start, end) -> Tensor:
    """L of the module docstring. emissions [..., T, B, K]; tags, mask [T, B]; transitions
    [..., K, K], start, end [..., K] (leading dims: several weight settings, e.g. a
    loss-surface grid; either may lack them) -> loss [...]."""
    T, B, K = emissions.shape[-3:]
    m = mask > 0  # [T, B]
    trans = transitions.unsqueeze(-3)  # [..., 1, K, K]
    alpha = start.unsqueeze(-2) + emissions[..., 0, :, :]  # [..., B, K]
    for t in range(1, T):
        step = torch.logsumexp(alpha.unsqueeze(-1) + trans, dim=-2) + emissions[..., t, :, :]
        alpha = torch.where(m[t, :, None], step, alpha)
    log_z = torch.logsumexp(alpha + end.unsqueeze(-2), dim=-1)  # [..., B]
    mf = mask.to(emissions.dtype)
    gold = emissions.gather(-1, tags.expand(*emissions.shape[:-1]).unsqueeze(-1)).squeeze(-1)
    score = (gold * mf).sum(-2)  # [..., B] emissions of the counted steps
    pair = (tags[:-1] * K + tags[1:]).reshape(-1)  # [(T-1) B] index into A flattened
    moves = transitions.flatten(-2)[..., pair].reshape(*transitions.shape[:-2], T - 1, B)
    score = score + (moves * mf[1:]).sum(-2)
    last = (mask.sum(0).long() - 1).clamp_min(0)  # [B] each sequence's last step
    score = score + start[..., tags[0]] + end[..., tags[last, torch.arange(B)]]
    return (log_z - score).sum(-1) / mask.sum().clamp_min(1.0)


def viterbi_batch(emissions: Tensor, mask: Tensor, transitions, start, end) -> Tensor:
    """The best path of every sequence (``crf.crf_viterbi``'s recursion, batched): emissions
    [T, B, K], mask [T, B] -> tags int64 [T, B] (padding repeats the last tag)."""
    T, B, K = emissions.shape
    m = mask > 0
    delta = start[None] + emissions[0]  # [B, K]
    keep = torch.arange(K).expand(B, K)
    pointers = []
    for t in range(1, T):
        best, arg = (delta.unsqueeze(-1) + transitions).max(dim=1)  # [B, K]
        delta = torch.where(m[t, :, None], best + emissions[t], delta)
        pointers.append(torch.where(m[t, :, None], arg, keep))
    tag = (delta + end[None]).argmax(-1)  # [B]
    path = [tag]
    for arg in reversed(pointers):
        tag = arg.gather(1, tag[:, None]).squeeze(1)
        path.append(tag)
    return torch.stack(path[::-1])  # [T, B]


def _crf_params(model, params: dict | None = None):
    """(A, s, e) with the fixed forbidden-move scores added."""
    params = params or {}
    layer = model.crf
    return (
        params.get(PARAMS[0], layer.transitions) + layer.fixed_transitions,
        params.get(PARAMS[1], layer.start) + layer.fixed_start,
        params.get(PARAMS[2], layer.end),
    )


def objective_loss(model, task, y_hat: Tensor, batch, params: dict | None = None) -> Tensor:
    """The loss a trainer minimises: the CRF's for a model with a ``crf`` layer (``params``:
    its parameters with leading grid dims, as the loss surface passes them), else the
    task's own. y_hat [..., T, B, K] -> [...]."""
    if getattr(model, "crf", None) is None:
        return task.loss(y_hat, batch)
    return crf_nll(y_hat, batch.y, batch.mask, *_crf_params(model, params))


def predicted_tags(model, y_hat: Tensor, batch) -> Tensor:
    """What a tagger predicts, [T, B]: the Viterbi paths for a CRF, else the per-step argmax."""
    if getattr(model, "crf", None) is None:
        return y_hat.argmax(-1)
    with torch.no_grad():
        return viterbi_batch(y_hat.detach(), batch.mask, *_crf_params(model))


def objective_metrics(model, task, y_hat: Tensor, batch) -> dict[str, float]:
    """The task's metrics; for a CRF those of the Viterbi paths (``task.tag_metrics`` where
    the task has it, else the accuracy over counted steps)."""
    if getattr(model, "crf", None) is None:
        return task.metrics(y_hat, batch)
    tags = predicted_tags(model, y_hat, batch)
    if hasattr(task, "tag_metrics"):
        return task.tag_metrics(tags, batch)
    right = (tags == batch.y).float() * batch.mask
    return {"accuracy": float(right.sum() / batch.mask.sum().clamp_min(1.0))}


def crf_sample(model, y_hat: Tensor, mask: Tensor) -> dict[str, np.ndarray]:
    """What the CRF lattice panel shows of the displayed sequence (y_hat [T, K], mask [T]):
    ``marginals`` [n, K] and ``viterbi`` [n] over its n counted steps, the learned
    ``transitions`` [K, K], ``start`` and ``end`` [K], and ``allowed`` [K, K] (1 where a move
    is not forbidden); {} for a model without a CRF."""
    if getattr(model, "crf", None) is None:
        return {}
    n = max(1, int(mask.sum()))
    with torch.no_grad():
        a, s, e = (p.detach().double() for p in _crf_params(model))
        emissions = y_hat[:n].detach().double()
        _, path = crf_viterbi(emissions, a, s, e)
        layer = model.crf
        return {
            "marginals": crf_marginals(emissions, a, s, e).numpy(),
            "viterbi": np.asarray(path, dtype=np.int64),
            "transitions": layer.transitions.detach().double().numpy().copy(),
            "start": layer.start.detach().double().numpy().copy(),
            "end": e.numpy().copy(),
            "allowed": (layer.fixed_transitions == 0).double().numpy(),
        }
