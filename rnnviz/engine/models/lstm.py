"""LSTM cell: with forget gate (torch's equations), peephole option, and the 1997 form.

With forget gate (torch.nn.LSTM; packed gate rows i, f, g, o)::

    z_i = W_ii x_t + b_ii + W_hi h_{t-1} + b_hi (+ p_i * c_{t-1})     i = sigmoid(z_i)
    z_f = W_if x_t + b_if + W_hf h_{t-1} + b_hf (+ p_f * c_{t-1})     f = sigmoid(z_f)
    z   = W_ig x_t + b_ig + W_hg h_{t-1} + b_hg                        g = act_g(z)
    c_t = f * c_{t-1} + i * g
    z_o = W_io x_t + b_io + W_ho h_{t-1} + b_ho (+ p_o * c_t)          o = sigmoid(z_o)
    h_t = o * act_h(c_t)

The bracketed peephole terms use diagonal weights p_i, p_f, p_o of shape [H]. Without forget
gate (Hochreiter & Schmidhuber 1997; packed rows i, g, o): c_t = c_{t-1} + i * g.
act_g / act_h are the cell-input and cell-output activations (tanh in torch; the lecture's
hand-wired example uses linear ones).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from .chain import ChainResult, processing_order, time_order


def run_lstm(
    xp: Tensor,
    w_hh: Tensor,
    h0: Tensor,
    c0: Tensor,
    act_g: Callable[[Tensor], Tensor],
    act_h: Callable[[Tensor], Tensor],
    forget_gate: bool = True,
    peephole: tuple[Tensor, Tensor | None, Tensor] | None = None,
    truncate: int = 0,
    reverse: bool = False,
) -> ChainResult:
    """Run an LSTM chain over time.

    ``xp``: [T, B, G*H] = W_ih x_t + b_ih + b_hh for every t (G = 4, or 3 without forget
    gate); ``w_hh``: [G*H, H]; ``h0``, ``c0``: [B, H]; ``peephole``: (p_i, p_f, p_o), each [H]
    (p_f None without forget gate). ``truncate=k > 0``: h and c carried into every k-th step are
    detached copies. Trace: z, g, z_i, i, [z_f, f,] z_o, o, c, h.
    """
    if forget_gate and peephole is None:
        return _run_standard_lstm(xp, w_hh, h0, c0, act_g, act_h, truncate, reverse)
    hidden = h0.shape[1]
    w_hh_t = w_hh.t()  # [H, G*H]
    p_i, p_f, p_o = peephole if peephole is not None else (None, None, None)
    h, c = h0, c0  # [B, H] each
    names = ["z", "g", "z_i", "i", "z_f", "f", "z_o", "o", "c", "h"]
    if not forget_gate:
        names = [n for n in names if n not in ("z_f", "f")]
    lists: dict[str, list[Tensor]] = {n: [] for n in names}
    for s, xp_t in enumerate(processing_order(xp.unbind(0), reverse)):
        if truncate and s and s % truncate == 0:
            h, c = h.detach(), c.detach()
        zs = torch.addmm(xp_t, h, w_hh_t).split(hidden, 1)  # G x [B, H]
        if forget_gate:
            z_i, z_f, z, z_o = zs
        else:
            z_i, z, z_o = zs
        if p_i is not None:
            z_i = z_i + p_i * c  # [B, H]
        i = torch.sigmoid(z_i)  # [B, H]
        g = act_g(z)  # [B, H]
        if forget_gate:
            if p_f is not None:
                z_f = z_f + p_f * c  # [B, H]
            f = torch.sigmoid(z_f)  # [B, H]
            c = torch.addcmul(f * c, i, g)  # [B, H]  f*c + i*g
            lists["z_f"].append(z_f)
            lists["f"].append(f)
        else:
            c = torch.addcmul(c, i, g)  # [B, H]  c + i*g
        if p_o is not None:
            z_o = z_o + p_o * c  # [B, H]
        o = torch.sigmoid(z_o)  # [B, H]
        h = o * act_h(c)  # [B, H]
        for name, value in (("z_i", z_i), ("i", i), ("z", z), ("g", g), ("z_o", z_o)):
            lists[name].append(value)
        lists["o"].append(o)
        lists["c"].append(c)
        lists["h"].append(h)
    ordered = {n: time_order(v, reverse) for n, v in lists.items()}
    trace = {n: torch.stack(v) for n, v in ordered.items()}  # each [T, B, H]
    return ChainResult(trace=trace, h=ordered["h"], c=ordered["c"])


def _run_standard_lstm(
    xp: Tensor,
    w_hh: Tensor,
    h0: Tensor,
    c0: Tensor,
    act_g: Callable[[Tensor], Tensor],
    act_h: Callable[[Tensor], Tensor],
    truncate: int,
    reverse: bool,
) -> ChainResult:
    """The forget-gate LSTM without peepholes, with fewer ops per step (one sigmoid over the
    packed block)."""
    hidden = h0.shape[1]
    w_hh_t = w_hh.t()  # [H, 4H]
    h, c = h0, c0  # [B, H] each
    z_list: list[Tensor] = []
    s_list: list[Tensor] = []
    g_list: list[Tensor] = []
    c_list: list[Tensor] = []
    h_list: list[Tensor] = []
    for s, xp_t in enumerate(processing_order(xp.unbind(0), reverse)):
        if truncate and s and s % truncate == 0:
            h, c = h.detach(), c.detach()
        z = torch.addmm(xp_t, h, w_hh_t)  # [B, 4H]  (z_i, z_f, z, z_o)
        gates = torch.sigmoid(z)  # [B, 4H]  (i, f, -, o)
        i, f, _, o = gates.split(hidden, 1)  # [B, H] each
        g = act_g(z[:, 2 * hidden : 3 * hidden])  # [B, H]
        c = torch.addcmul(f * c, i, g)  # [B, H]  f*c + i*g
        h = o * act_h(c)  # [B, H]
        z_list.append(z)
        s_list.append(gates)
        g_list.append(g)
        c_list.append(c)
        h_list.append(h)
    c_list = time_order(c_list, reverse)
    h_list = time_order(h_list, reverse)
    z_i, z_f, z, z_o = torch.stack(time_order(z_list, reverse)).split(hidden, -1)  # [T, B, H]
    i, f, _, o = torch.stack(time_order(s_list, reverse)).split(hidden, -1)  # [T, B, H]
    trace = {
        "z": z,
        "g": torch.stack(time_order(g_list, reverse)),  # [T, B, H]
        "z_i": z_i,
        "i": i,
        "z_f": z_f,
        "f": f,
        "z_o": z_o,
        "o": o,
        "c": torch.stack(c_list),  # [T, B, H]
        "h": torch.stack(h_list),  # [T, B, H]
    }
    return ChainResult(trace=trace, h=h_list, c=c_list)
