"""Neural Turing Machine addressing, reading and writing (Graves, Wayne & Danihelka 2014, 3.1-3.3).

Shapes: B sequences, K heads, N memory slots of width W, s the shift range (2s + 1 shifts).
Each function works on any number of heads at once ([B, K, ...]); the memory is [B, N, W].

Content addressing (eq. 5-6), with cosine similarity K[u, v] = u . v / (||u|| ||v|| + eps)::

    w^c_t(i) = exp(beta_t K[k_t, M_t(i)]) / sum_j exp(beta_t K[k_t, M_t(j)])    [B, K, N]

Interpolation with the previous weighting (eq. 7)::

    w^g_t = g_t w^c_t + (1 - g_t) w_{t-1}                                        [B, K, N]

Circular shift by the shift weighting s_t over the offsets -s..s (eq. 8)::

    w~_t(i) = sum_{o=-s..s} w^g_t((i - o) mod N) s_t(o)                          [B, K, N]

Sharpening (eq. 9), gamma_t >= 1::

    w_t(i) = w~_t(i)^gamma_t / sum_j w~_t(j)^gamma_t                             [B, K, N]

Reading (eq. 2) and writing (eq. 3-4; several write heads erase first, then add)::

    r_t = sum_i w_t(i) M_t(i)                                                    [B, K, W]
    M~_t(i) = M_{t-1}(i) prod_h (1 - w^h_t(i) e^h_t),   M_t(i) = M~_t(i) + sum_h w^h_t(i) a^h_t
"""

from __future__ import annotations

import torch
from torch import Tensor

COSINE_EPS = 1e-8
"""Added to ||k|| ||M(i)|| in the cosine similarity: a zero row must not divide by zero."""
SHARPEN_FLOOR = 1e-30
"""w~ is clamped to at least this before w~^gamma, so that the gradient with respect to
gamma (w~^gamma log w~) stays finite where a weight underflowed to 0."""


def content_weights(memory: Tensor, key: Tensor, beta: Tensor) -> Tensor:
    """w^c: ``memory`` [B, N, W], ``key`` [B, K, W], ``beta`` [B, K] -> [B, K, N]."""
    dots = torch.einsum("bkw,bnw->bkn", key, memory)  # [B, K, N]
    norms = key.norm(dim=-1).unsqueeze(-1) * memory.norm(dim=-1).unsqueeze(1)  # [B, K, N]
    cosine = dots / (norms + COSINE_EPS)
    return torch.softmax(beta.unsqueeze(-1) * cosine, dim=-1)


def interpolate(w_content: Tensor, w_prev: Tensor, gate: Tensor) -> Tensor:
    """w^g = g w^c + (1 - g) w_{t-1}: weightings [B, K, N], ``gate`` [B, K] in [0, 1]."""
    g = gate.unsqueeze(-1)  # [B, K, 1]
    return g * w_content + (1.0 - g) * w_prev


def circular_shift(weights: Tensor, shift: Tensor) -> Tensor:
    """w~(i) = sum_o w((i - o) mod N) s(o): ``weights`` [B, K, N], ``shift`` [B, K, 2s + 1]
    (offsets -s..s in that order) -> [B, K, N]."""
    reach, N = (shift.shape[-1] - 1) // 2, weights.shape[-1]
    offsets = torch.arange(-reach, reach + 1, device=weights.device)  # [2s + 1]
    source = (torch.arange(N, device=weights.device).unsqueeze(1) - offsets) % N  # [N, 2s + 1]
    rolled = weights[..., source]  # [B, K, N, 2s + 1]: rolled[..., i, o] = w((i - o) mod N)
    return torch.einsum("bkno,bko->bkn", rolled, shift)


def sharpen(weights: Tensor, gamma: Tensor) -> Tensor:
    """w = w~^gamma / sum_j w~(j)^gamma: ``weights`` [B, K, N], ``gamma`` [B, K] >= 1."""
    powered = weights.clamp_min(SHARPEN_FLOOR) ** gamma.unsqueeze(-1)  # [B, K, N]
    return powered / powered.sum(-1, keepdim=True)


def address(memory: Tensor, w_prev: Tensor, params: dict[str, Tensor]) -> Tensor:
    """The whole addressing chain (content, interpolation, shift, sharpening) for heads with
    ``params`` key [B, K, W], beta [B, K], g [B, K], shift [B, K, 2s + 1], gamma [B, K]."""
    w_c = content_weights(memory, params["key"], params["beta"])
    w_g = interpolate(w_c, w_prev, params["g"])
    return sharpen(circular_shift(w_g, params["shift"]), params["gamma"])


def read(memory: Tensor, weights: Tensor) -> Tensor:
    """r = sum_i w(i) M(i): ``memory`` [B, N, W], ``weights`` [B, K, N] -> [B, K, W]."""
    return torch.einsum("bkn,bnw->bkw", weights, memory)


def write(memory: Tensor, weights: Tensor, erase: Tensor, add: Tensor) -> Tensor:
    """M_t from M_{t-1} [B, N, W] by the write heads' ``weights`` [B, K, N], ``erase`` [B, K, W]
    in [0, 1] and ``add`` [B, K, W]: all heads erase, then all add."""
    keep = (1.0 - weights.unsqueeze(-1) * erase.unsqueeze(-2)).prod(1)  # [B, N, W]
    added = torch.einsum("bkn,bkw->bnw", weights, add)  # [B, N, W]
    return memory * keep + added
