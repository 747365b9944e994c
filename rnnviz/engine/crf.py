"""A linear-chain CRF over per-step tag scores, one sequence at a time (Lafferty et al. 2001;
the output layer of a BiLSTM-CRF, Huang, Xu & Yu 2015, Lample et al. 2016).

A sequence of T steps has emissions E [T, K] (the tagger's score of tag k at step t),
transitions A [K, K] (A[i, j]: the score of tag j right after tag i), start scores s [K] and
end scores e [K]. A tag path y = (y_0 .. y_{T-1}) scores

    score(y) = s[y_0] + sum_{t=0}^{T-1} E[t, y_t] + sum_{t=1}^{T-1} A[y_{t-1}, y_t] + e[y_{T-1}]

and p(y | x) = exp(score(y)) / Z with Z = sum over all K^T paths of exp(score(y)).

These are the reference implementations, written for reading (one loop over t); the batched
objective the trainer uses is ``crf_objective.py``, tested against them. Inputs are torch
tensors (float64 recommended; the functions keep the dtype), results stay differentiable.
"""

from __future__ import annotations

import torch
from torch import Tensor


def _check(emissions: Tensor, transitions: Tensor, start: Tensor, end: Tensor) -> int:
    if emissions.dim() != 2 or emissions.shape[0] < 1:
        raise ValueError(f"emissions must be [T, K] with T >= 1 (got {tuple(emissions.shape)})")
    K = emissions.shape[1]
    if transitions.shape != (K, K) or start.shape != (K,) or end.shape != (K,):
        raise ValueError(
            f"with {K} tags, transitions must be [{K}, {K}] and start, end [{K}] (got "
            f"{tuple(transitions.shape)}, {tuple(start.shape)}, {tuple(end.shape)})"
        )
    return K


def crf_forward(emissions: Tensor, transitions: Tensor, start: Tensor) -> Tensor:
    """The forward variables alpha [T, K] in log space:

        alpha_0(k) = s[k] + E[0, k]
        alpha_t(k) = E[t, k] + logsumexp_i (alpha_{t-1}(i) + A[i, k])        (t >= 1)

    alpha_t(k) = log of the summed exp-scores of all partial paths y_0..y_t with y_t = k."""
    alphas = [start + emissions[0]]  # [K]
    for t in range(1, emissions.shape[0]):
        alphas.append(emissions[t] + torch.logsumexp(alphas[-1][:, None] + transitions, dim=0))
    return torch.stack(alphas)  # [T, K]


def crf_backward(emissions: Tensor, transitions: Tensor, end: Tensor) -> Tensor:
    """The backward variables beta [T, K] in log space:

        beta_{T-1}(k) = e[k]
        beta_t(k) = logsumexp_j (A[k, j] + E[t+1, j] + beta_{t+1}(j))         (t < T-1)

    beta_t(k) = log of the summed exp-scores of the rest of the path after y_t = k."""
    betas = [end]
    for t in range(emissions.shape[0] - 2, -1, -1):
        betas.append(torch.logsumexp(transitions + (emissions[t + 1] + betas[-1])[None, :], dim=1))
    return torch.stack(betas[::-1])  # [T, K]


def crf_log_partition(emissions: Tensor, transitions: Tensor, start: Tensor, end: Tensor) -> Tensor:
    """log Z = logsumexp_k (alpha_{T-1}(k) + e[k]) by the forward algorithm (``crf_forward``):
    O(T K^2) instead of the K^T paths. emissions [T, K], transitions [K, K], start, end [K]
    -> a scalar tensor."""
    _check(emissions, transitions, start, end)
    return torch.logsumexp(crf_forward(emissions, transitions, start)[-1] + end, dim=0)


def crf_path_score(
    emissions: Tensor, tags, transitions: Tensor, start: Tensor, end: Tensor
) -> Tensor:
    """score(y) of the tag path ``tags`` (T ints), as in the module docstring; a scalar."""
    _check(emissions, transitions, start, end)
    y = torch.as_tensor(list(tags), dtype=torch.long)
    if y.shape != (emissions.shape[0],):
        raise ValueError(f"the path needs {emissions.shape[0]} tags (got {len(y)})")
    score = start[y[0]] + emissions[torch.arange(len(y)), y].sum() + end[y[-1]]
    return score + transitions[y[:-1], y[1:]].sum()


def crf_viterbi(
    emissions: Tensor, transitions: Tensor, start: Tensor, end: Tensor
) -> tuple[float, list[int]]:
    """The best path argmax_y score(y) and its score, by the Viterbi recursion (max in place
    of logsumexp, with back-pointers):

        delta_0(k) = s[k] + E[0, k]
        delta_t(k) = E[t, k] + max_i (delta_{t-1}(i) + A[i, k]),  psi_t(k) = the argmax i
        y_{T-1} = argmax_k (delta_{T-1}(k) + e[k]),  y_{t-1} = psi_t(y_t)

    -> (best score, [y_0 .. y_{T-1}])."""
    _check(emissions, transitions, start, end)
    with torch.no_grad():
        delta, pointers = start + emissions[0], []
        for t in range(1, emissions.shape[0]):
            best, arg = (delta[:, None] + transitions).max(dim=0)  # [K] over the previous tag
            delta = emissions[t] + best
            pointers.append(arg)
        final = delta + end
        tag = int(final.argmax())
        path = [tag]
        for arg in reversed(pointers):
            tag = int(arg[tag])
            path.append(tag)
    return float(final.max()), path[::-1]


def crf_marginals(emissions: Tensor, transitions: Tensor, start: Tensor, end: Tensor) -> Tensor:
    """The tag marginals p(y_t = k | x) [T, K] by forward-backward:

        p(y_t = k | x) = exp(alpha_t(k) + beta_t(k) - log Z)

    (``crf_forward``, ``crf_backward``); each row sums to 1."""
    _check(emissions, transitions, start, end)
    alpha = crf_forward(emissions, transitions, start)
    beta = crf_backward(emissions, transitions, end)
    log_z = torch.logsumexp(alpha[-1] + end, dim=0)
    return torch.exp(alpha + beta - log_z)
