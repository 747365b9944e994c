"""Jordan network: the previous *output* feeds the hidden layer.

::

    a_t = W_ih x_t + b_ih + W_yh y_{t-1} + b_hh
    h_t = f(a_t)
    y_t = head(h_t)          (W_out h_t + b_out, or h_t for an identity head)
    y_0 = 0

Single layer, unidirectional. The effective hidden-to-hidden recurrence is W_yh W_out.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from .chain import ChainResult


def run_jordan(
    xp: Tensor,
    w_yh: Tensor,
    head_weight: Tensor | None,
    head_bias: Tensor | None,
    act: Callable[[Tensor], Tensor],
    truncate: int = 0,
) -> ChainResult:
    """Run a Jordan chain over time.

    ``xp``: [T, B, H] = W_ih x_t + b_ih + b_hh; ``w_yh``: [H, O]; ``head_weight``: [O, H]
    and ``head_bias``: [O], or None for an identity head (O == H). ``truncate=k > 0``: the fed
    back y is detached before every k-th step. Trace: ``a``, ``h``; ``y``: [T, B, O].
    """
    steps = xp.unbind(0)
    batch = xp.shape[1]
    out_size = w_yh.shape[1]
    w_yh_t = w_yh.t()  # [O, H]
    head_weight_t = None if head_weight is None else head_weight.t()  # [H, O]
    y = xp.new_zeros(batch, out_size)  # [B, O]  y_0 = 0
    a_list: list[Tensor] = []
    h_list: list[Tensor] = []
    y_list: list[Tensor] = []
    for s, xp_t in enumerate(steps):
        if truncate and s and s % truncate == 0:
            y = y.detach()
        a = torch.addmm(xp_t, y, w_yh_t)  # [B, H]
        h = act(a)  # [B, H]
        y = h if head_weight_t is None else torch.addmm(head_bias, h, head_weight_t)  # [B, O]
        a_list.append(a)
        h_list.append(h)
        y_list.append(y)
    trace = {"a": torch.stack(a_list), "h": torch.stack(h_list)}  # each [T, B, H]
    return ChainResult(trace=trace, h=h_list, y=torch.stack(y_list))  # y: [T, B, O]
