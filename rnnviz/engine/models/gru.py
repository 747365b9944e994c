"""GRU cell, exactly torch.nn.GRU's formulation (packed gate rows r, z, n)::

    z_r = W_ir x_t + b_ir + W_hr h_{t-1} + b_hr            r = sigmoid(z_r)     (reset)
    z_u = W_iz x_t + b_iz + W_hz h_{t-1} + b_hz            u = sigmoid(z_u)     (update)
    z_n = W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn)      n = tanh(z_n)
    h_t = (1 - u) * n + u * h_{t-1}

The trace calls the update gate ``u`` (torch calls it z) so it cannot be confused with the
pre-activations z_*.
"""

from __future__ import annotations

import torch
from torch import Tensor

from .chain import ChainResult, processing_order, time_order


def run_gru(
    xp: Tensor,
    w_hh: Tensor,
    b_hh: Tensor,
    h0: Tensor,
    truncate: int = 0,
    reverse: bool = False,
) -> ChainResult:
    """Run a GRU chain over time.

    ``xp``: [T, B, 3H] = W_ih x_t + b_ih for every t (b_hh stays inside, as r multiplies its
    n part); ``w_hh``: [3H, H]; ``b_hh``: [3H]; ``h0``: [B, H]. ``truncate=k > 0``: the state
    carried into every k-th step is detached. Trace: z_r, r, z_u, u, z_n, n, h.
    """
    hidden = h0.shape[1]
    w_hh_t = w_hh.t()  # [H, 3H]
    xp_ru = processing_order(xp[..., : 2 * hidden].unbind(0), reverse)  # T x [B, 2H]
    xp_n = processing_order(xp[..., 2 * hidden :].unbind(0), reverse)  # T x [B, H]
    h = h0  # [B, H]
    z_ru_list: list[Tensor] = []
    ru_list: list[Tensor] = []
    z_n_list: list[Tensor] = []
    n_list: list[Tensor] = []
    h_list: list[Tensor] = []
    for s, (xp_ru_t, xp_n_t) in enumerate(zip(xp_ru, xp_n, strict=True)):
        if truncate and s and s % truncate == 0:
            h = h.detach()
        gh = torch.addmm(b_hh, h, w_hh_t)  # [B, 3H]
        z_ru = xp_ru_t + gh[:, : 2 * hidden]  # [B, 2H]
        ru = torch.sigmoid(z_ru)  # [B, 2H]
        r, u = ru.chunk(2, 1)  # [B, H] each
        z_n = torch.addcmul(xp_n_t, r, gh[:, 2 * hidden :])  # [B, H]
        n = torch.tanh(z_n)  # [B, H]
        h = torch.lerp(n, h, u)  # [B, H]  n + u*(h - n) = (1-u)*n + u*h
        z_ru_list.append(z_ru)
        ru_list.append(ru)
        z_n_list.append(z_n)
        n_list.append(n)
        h_list.append(h)
    h_list = time_order(h_list, reverse)
    z_r, z_u = torch.stack(time_order(z_ru_list, reverse)).chunk(2, -1)  # [T, B, H] each
    r, u = torch.stack(time_order(ru_list, reverse)).chunk(2, -1)  # [T, B, H] each
    trace = {
        "z_r": z_r,
        "r": r,
        "z_u": z_u,
        "u": u,
        "z_n": torch.stack(time_order(z_n_list, reverse)),  # [T, B, H]
        "n": torch.stack(time_order(n_list, reverse)),  # [T, B, H]
        "h": torch.stack(h_list),  # [T, B, H]
    }
    return ChainResult(trace=trace, h=h_list)
