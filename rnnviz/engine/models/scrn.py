"""Structurally Constrained Recurrent Network (Mikolov, Joulin, Chopra, Mathieu & Ranzato,
"Learning Longer Memory in Recurrent Neural Networks", ICLR 2015 workshop).

Beside the fast hidden layer h (H units) a slow context layer s (S units) integrates the input
with a fixed decay alpha (``context_alpha``, not trained), as the paper writes it (eq. 4-6)::

    s_t = (1 - alpha) B x_t + alpha s_{t-1}          [B, S]      s_0 = 0
    h_t = f(P s_t + A x_t + R h_{t-1} + b)            [B, H]      h_0 = 0 (or ``h0``)
    y_t = head(concat(h_t, s_t))                      the paper's y_t = g(U h_t + V s_t)

B [S, I], A [H, I], P [H, S], R [H, H] and one hidden bias b [H]; f is ``activation`` (the
paper uses the sigmoid). The paper's official code (facebookarchive/SCRNNs) is reported to
differ from the paper on one point: its fast layer reads the *previous* context s_{t-1}.
rnnviz follows the paper: h_t reads s_t. With P = 0 and alpha = 0 the hidden chain is an Elman
chain (W_ih = A, W_hh = R).

Parameter names (``params.py``): ``weight_is_l0`` = B, ``weight_ih_l0`` = A, ``weight_sh_l0`` =
P, ``weight_hh_l0`` = R, ``bias_h_l0`` = b.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from .chain import ChainResult


def run_scrn(
    bx: Tensor,
    ax: Tensor,
    w_sh: Tensor,
    w_hh: Tensor,
    h0: Tensor,
    alpha: float,
    act: Callable[[Tensor], Tensor],
    truncate: int = 0,
) -> ChainResult:
    """Run an SCRN chain over time.

    ``bx``: [T, B, S] = B x_t; ``ax``: [T, B, H] = A x_t + b; ``w_sh``: P [H, S]; ``w_hh``: R
    [H, H]; ``h0``: [B, H]; ``alpha``: the context decay. ``truncate=k > 0``: h and s carried
    into every k-th step are detached copies. Trace: ``s`` [T, B, S], ``a`` (the fast layer's
    pre-activation) and ``h``, each [T, B, H].
    """
    w_sh_t, w_hh_t = w_sh.t(), w_hh.t()  # [S, H], [H, H]
    s = bx.new_zeros(bx.shape[1:])  # [B, S]
    h = h0  # [B, H]
    s_list: list[Tensor] = []
    a_list: list[Tensor] = []
    h_list: list[Tensor] = []
    for t, (bx_t, ax_t) in enumerate(zip(bx.unbind(0), ax.unbind(0), strict=True)):
        if truncate and t and t % truncate == 0:
            s, h = s.detach(), h.detach()
        s = (1.0 - alpha) * bx_t + alpha * s  # [B, S]
        a = torch.addmm(torch.addmm(ax_t, s, w_sh_t), h, w_hh_t)  # [B, H]
        h = act(a)  # [B, H]
        s_list.append(s)
        a_list.append(a)
        h_list.append(h)
    trace = {"s": torch.stack(s_list), "a": torch.stack(a_list), "h": torch.stack(h_list)}
    return ChainResult(trace=trace, h=h_list)
