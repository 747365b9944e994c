"""Clockwork RNN (Koutník, Greff, Gomez & Schmidhuber, "A Clockwork RNN", ICML 2014).

The H hidden units are split into g equal modules of k = H / g units, module i with period
T_i (``clock_periods``, fastest first, non-decreasing). Time is counted from t = 0 in the
chain's own reading order (a backward chain counts from its first step, the sequence's last):
module i is *active* at t when t mod T_i == 0 -- at t = 0 every module updates -- and otherwise
keeps its previous value exactly::

    active_t[j] = 1 if t mod T_{m(j)} == 0 else 0           m(j): the module of unit j
    a_t = W_ih x_t + b_ih + (W_hh * M) h_{t-1} + b_hh        [B, H]
    h_t = active_t * f(a_t) + (1 - active_t) * h_{t-1}      [B, H]

The mask M [H, H] lets module i read the state of every module j with T_j >= T_i (itself and
the slower ones), never a faster one: M[rows of i, columns of j] = 1 iff T_j >= T_i, so W_hh
is block upper-triangular in module order. Because the forward pass multiplies W_hh by M, the
masked entries get exactly zero gradient, and as they start at zero (``params.initialise``)
no optimiser moves them. With every period 1, M is all ones and the cell is the Elman cell.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from .chain import ChainResult, processing_order, time_order


def module_periods(periods: tuple[int, ...], hidden_size: int) -> Tensor:
    """The period of each hidden unit: [H] (module i holds units i*k .. (i+1)*k - 1)."""
    k = hidden_size // len(periods)
    return torch.tensor(periods, dtype=torch.long).repeat_interleave(k)  # [H]


def clock_mask(periods: tuple[int, ...], hidden_size: int) -> Tensor:
    """M [H, H]: 1 where unit row may read unit column (the column's period >= the row's)."""
    unit = module_periods(periods, hidden_size)  # [H]
    return (unit[None, :] >= unit[:, None]).to(torch.get_default_dtype())  # [H, H]


def active_units(periods: tuple[int, ...], hidden_size: int, steps: int) -> Tensor:
    """[T, H] bool: whether unit j updates at (processing) step t, t mod T_{m(j)} == 0."""
    unit = module_periods(periods, hidden_size)  # [H]
    t = torch.arange(steps)[:, None]  # [T, 1]
    return t % unit[None, :] == 0  # [T, H]


def run_clockwork(
    xp: Tensor,
    w_hh: Tensor,
    h0: Tensor,
    act: Callable[[Tensor], Tensor],
    periods: tuple[int, ...],
    truncate: int = 0,
    reverse: bool = False,
) -> ChainResult:
    """Run a Clockwork chain over time.

    ``xp``: [T, B, H] = W_ih x_t + b_ih + b_hh for every t; ``w_hh``: [H, H] (masked here, so
    its masked entries get zero gradient); ``h0``: [B, H]; ``periods``: one per module.
    ``truncate=k > 0``: the state carried into every k-th step is a detached copy. Trace:
    ``a`` (the pre-activation of the active units, 0 where a unit kept its value), ``h`` and
    ``active`` (1.0 where the unit updated at t), each [T, B, H].
    """
    T, B, H = xp.shape
    w_hh_t = (w_hh * clock_mask(periods, H).to(w_hh)).t()  # [H, H]
    active = active_units(periods, H, T)  # [T, H] in processing order
    h = h0  # [B, H]
    a_list: list[Tensor] = []
    h_list: list[Tensor] = []
    for s, xp_t in enumerate(processing_order(xp.unbind(0), reverse)):
        if truncate and s and s % truncate == 0:
            h = h.detach()
        a = torch.addmm(xp_t, h, w_hh_t)  # [B, H]
        on = active[s]  # [H]
        h = torch.where(on, act(a), h)  # an inactive unit keeps h_{t-1} bit for bit
        a_list.append(torch.where(on, a, torch.zeros_like(a)))
        h_list.append(h)
    on_trace = active.to(xp.dtype)[:, None, :].expand(T, B, H)  # [T, B, H]
    a_list = time_order(a_list, reverse)
    h_list = time_order(h_list, reverse)
    trace = {
        "a": torch.stack(a_list),
        "h": torch.stack(h_list),
        "active": on_trace.flip(0) if reverse else on_trace,
    }
    return ChainResult(trace=trace, h=h_list)
