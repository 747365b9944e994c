"""Elman (simple) RNN and IRNN cells.

Elman::

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
    h_t = f(a_t)

with f one of tanh / sigmoid / relu / linear. The IRNN (Le, Jaitly & Hinton 2015) is the
same cell with f = ReLU, W_hh initialised to the identity, zero biases and small input weights
(the initialisation lives in ``params.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from .chain import ChainResult, processing_order, time_order


def run_elman(
    xp: Tensor,
    w_hh: Tensor,
    h0: Tensor,
    act: Callable[[Tensor], Tensor],
    truncate: int = 0,
    reverse: bool = False,
) -> ChainResult:
    """Run an Elman chain over time.

    ``xp``: [T, B, H] = W_ih x_t + b_ih + b_hh for every t (one matmul before the loop);
    ``w_hh``: [H, H]; ``h0``: [B, H]. ``truncate=k > 0``: the state carried into every k-th
    step (in processing order) is a detached copy. Trace: ``a`` (pre-activation), ``h``.
    """
    w_hh_t = w_hh.t()  # [H, H]
    h = h0  # [B, H]
    a_list: list[Tensor] = []
    h_list: list[Tensor] = []
    for s, xp_t in enumerate(processing_order(xp.unbind(0), reverse)):
        if truncate and s and s % truncate == 0:
            h = h.detach()
        a = torch.addmm(xp_t, h, w_hh_t)  # [B, H]
        h = act(a)  # [B, H]
        a_list.append(a)
        h_list.append(h)
    a_list = time_order(a_list, reverse)
    h_list = time_order(h_list, reverse)
    trace = {"a": torch.stack(a_list), "h": torch.stack(h_list)}  # each [T, B, H]
    return ChainResult(trace=trace, h=h_list)
