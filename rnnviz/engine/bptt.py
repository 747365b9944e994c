"""Backpropagation through time by hand, for the record: the total dL/dh_t and dL/dc_t.

The trainer trains with torch's fused module; on a recorded step it needs, for every chain,
the *total* gradient of the loss with respect to each hidden state (all paths: to the output
at t, to the next time step, to the layer above). Autograd through the explicit cells gives
it but costs a graph of T x ~20 small ops. Here the same recursion is written out, reading the
forward trace of the explicit cells (no graph) and dL/dy from the fused backward:

    dh_t = e_t + (dh_{t+1} path)            e_t: the direct gradient (head or layer above)

LSTM (gates a = W_ih x_t + b + W_hh h_{t-1}, packed i, f, g, o):
    dc_t = dh_t * o_t * (1 - tanh^2 c_t) + dc_{t+1} * f_{t+1}
    da_i = dc_t g_t i_t(1-i_t),  da_f = dc_t c_{t-1} f_t(1-f_t),
    da_g = dc_t i_t (1-g_t^2),   da_o = dh_t tanh(c_t) o_t(1-o_t)
    dh_{t-1} += W_hh^T da_t
GRU (torch: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1-u) n + u h):
    da_n = dh (1-u)(1-n^2), da_u = dh (h_{t-1} - n) u(1-u), da_r = da_n (W_hn h + b_hn) r(1-r)
    dh_{t-1} += dh u + W_hh^T [da_r, da_u, da_n r]
Elman: da = dh f'(a), dh_{t-1} += W_hh^T da.
The layer below receives W_ih^T da_t as its direct gradient. Truncated BPTT (k): the carry
into processing step s is dropped when s % k == 0, exactly where the explicit cells detach.
Only the kinds with a fused torch module are covered (``model.fused_available``); the tests
check every case against autograd through the explicit cells.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnnviz.engine.models import RecurrentModel


@torch.no_grad()
def state_gradients(
    model: RecurrentModel, trace: dict[str, dict[str, Tensor]], dy: Tensor, truncate: int = 0
) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """Total dL/dh_t (and dL/dc_t for LSTM) per chain, each [T, B, H].

    ``trace``: the explicit forward trace of the batch; ``dy``: dL/dy [T, B, O]."""
    spec = model.spec
    H, D = spec.hidden_size, spec.num_directions
    direct = dy if model.head is None else dy @ model.head.weight  # [T, B, W]
    if D == 2:
        direct = [direct, direct] if spec.combine == "sum" else list(direct.split(H, -1))
    else:
        direct = [direct]
    dh: dict[str, Tensor] = {}
    dc: dict[str, Tensor] = {}
    for layer in reversed(range(spec.num_layers)):
        below = None
        for d in range(D):
            chain = f"L{layer}.{'bwd' if d else 'fwd'}"
            suffix = f"_l{layer}{'_reverse' if d else ''}"
            w_hh = getattr(model.rnn, "weight_hh" + suffix)  # [G*H, H]
            b_hh = getattr(model.rnn, "bias_hh" + suffix)  # [G*H]
            w_ih = getattr(model.rnn, "weight_ih" + suffix)  # [G*H, I_l]
            tr, e = trace[chain], direct[d]
            h0 = _h0(model, e)
            if spec.kind == "lstm":
                dh[chain], dc[chain], da = _lstm(tr, e, w_hh, truncate, bool(d))
            elif spec.kind == "gru":
                dh[chain], da = _gru(tr, e, w_hh, b_hh, h0, truncate, bool(d))
            else:
                dh[chain], da = _elman(tr, e, w_hh, spec.kind, spec.activation, truncate, bool(d))
            into_below = da @ w_ih  # [T, B, I_l]
            below = into_below if below is None else below + into_below
        if layer:
            direct = list(below.split(H, -1)) if D == 2 else [below]
    return dh, dc


def _h0(model: RecurrentModel, like: Tensor) -> Tensor:
    value = 0.0 if model.spec.h0 is None else float(model.spec.h0)
    return like.new_full((like.shape[1], model.spec.hidden_size), value)  # [B, H]


def _order(x: Tensor, reverse: bool) -> Tensor:
    """Time order <-> processing order ([T, ...])."""
    return x.flip(0) if reverse else x


def _cut(s: int, truncate: int) -> bool:
    return bool(truncate) and s > 0 and s % truncate == 0


def _lstm(tr, e, w_hh, truncate, reverse):
    i, f, g, o, c = (_order(tr[k], reverse) for k in ("i", "f", "g", "o", "c"))  # [T, B, H]
    e = _order(e, reverse)
    T = e.shape[0]
    c_prev = torch.cat([torch.zeros_like(c[:1]), c[:-1]])  # [T, B, H]
    tc = torch.tanh(c)
    dc_dh = o * (1 - tc**2)  # [T, B, H]  dc_t/dh_t through h_t = o tanh(c_t)
    # d(gate pre-activations) = [dc, dc, dc, dh] * slopes, the slopes known before the loop
    slopes = torch.cat(
        [g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g**2), tc * o * (1 - o)], -1
    )  # [T, B, 4H]
    dh_list, dc_list = [None] * T, [None] * T
    carry_h = torch.zeros_like(e[0])
    carry_c = torch.zeros_like(e[0])
    for s in range(T - 1, -1, -1):
        dh_s = e[s] + carry_h  # [B, H]
        dc_s = torch.addcmul(carry_c, dh_s, dc_dh[s])  # [B, H]
        dh_list[s], dc_list[s] = dh_s, dc_s
        if _cut(s, truncate):
            carry_h, carry_c = torch.zeros_like(dh_s), torch.zeros_like(dc_s)
        else:
            da_s = torch.cat([dc_s, dc_s, dc_s, dh_s], 1) * slopes[s]  # [B, 4H]
            carry_h, carry_c = da_s @ w_hh, dc_s * f[s]
    dh, dc = torch.stack(dh_list), torch.stack(dc_list)  # [T, B, H]
    da = torch.cat([dc, dc, dc, dh], -1) * slopes  # [T, B, 4H]
    return _order(dh, reverse), _order(dc, reverse), _order(da, reverse)


def _gru(tr, e, w_hh, b_hh, h0, truncate, reverse):
    r, u, n, h = (_order(tr[k], reverse) for k in ("r", "u", "n", "h"))  # [T, B, H]
    e = _order(e, reverse)
    T, H = e.shape[0], e.shape[2]
    h_prev = torch.cat([h0.unsqueeze(0), h[:-1]])  # [T, B, H]
    hn = h_prev @ w_hh[2 * H :].t() + b_hh[2 * H :]  # [T, B, H]  W_hn h_{t-1} + b_hn
    dh = torch.empty_like(e)
    da = torch.empty(T, e.shape[1], 3 * H, dtype=e.dtype)  # [T, B, 3H]  input side r, z, n
    carry = torch.zeros_like(e[0])
    for s in range(T - 1, -1, -1):
        dh_s = e[s] + carry
        da_n = dh_s * (1 - u[s]) * (1 - n[s] ** 2)
        da_u = dh_s * (h_prev[s] - n[s]) * u[s] * (1 - u[s])
        da_r = da_n * hn[s] * r[s] * (1 - r[s])
        dh[s] = dh_s
        da[s] = torch.cat([da_r, da_u, da_n], -1)
        if _cut(s, truncate):
            carry = torch.zeros_like(dh_s)
        else:
            carry = dh_s * u[s] + torch.cat([da_r, da_u, da_n * r[s]], -1) @ w_hh
    return _order(dh, reverse), _order(da, reverse)


def _elman(tr, e, w_hh, kind, activation, truncate, reverse):
    a, h = _order(tr["a"], reverse), _order(tr["h"], reverse)  # [T, B, H]
    e = _order(e, reverse)
    if kind == "irnn" or activation == "relu":
        slope = (a > 0).to(e.dtype)
    else:  # tanh (the only other fused activation)
        slope = 1 - h**2
    dh = torch.empty_like(e)
    da = torch.empty_like(e)
    carry = torch.zeros_like(e[0])
    for s in range(e.shape[0] - 1, -1, -1):
        dh_s = e[s] + carry
        da_s = dh_s * slope[s]
        dh[s], da[s] = dh_s, da_s
        carry = torch.zeros_like(dh_s) if _cut(s, truncate) else da_s @ w_hh
    return _order(dh, reverse), _order(da, reverse)
