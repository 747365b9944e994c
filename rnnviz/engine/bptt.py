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
The loops run in numpy: on [B, G*H] slices its per-call cost is a fraction of torch's.
Only the kinds with a fused torch module are covered (``model.fused_available``); the tests
check every case against autograd through the explicit cells.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from rnnviz.engine.blas import one_blas_thread
from rnnviz.engine.models import RecurrentModel


@torch.no_grad()
def state_gradients(
    model: RecurrentModel, trace: dict[str, dict[str, Tensor]], dy: Tensor, truncate: int = 0
) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """Total dL/dh_t (and dL/dc_t for LSTM) per chain, each [T, B, H].

    ``trace``: the explicit forward trace of the batch; ``dy``: dL/dy [T, B, O]."""
    with one_blas_thread():
        return _state_gradients(model, trace, dy, truncate)


def _state_gradients(model, trace, dy, truncate):
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
            if layer:  # the layer below gets W_ih^T da_t as its direct gradient
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
    i, f, g, o, c = (_order(tr[k], reverse).numpy() for k in ("i", "f", "g", "o", "c"))
    e_ = np.ascontiguousarray(_order(e, reverse).numpy())  # [T, B, H]
    T, B, H = e_.shape
    c_prev = np.concatenate([np.zeros_like(c[:1]), c[:-1]])  # [T, B, H]
    tc = np.tanh(c)
    dc_dh = o * (1 - tc**2)  # dc_t/dh_t through h_t = o tanh(c_t)
    # d(gate pre-activations) = [dc, dc, dc, dh] * slopes, the slopes known before the loop
    slopes_c = np.stack([g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g**2)], 2)  # [T,B,3,H]
    slope_o = tc * o * (1 - o)  # [T, B, H]
    w = _np(w_hh)
    dh = np.empty((T, B, H), np.float32)
    dc = np.empty((T, B, H), np.float32)
    da = np.empty((T, B, 4, H), np.float32)
    da_c, da_o, da_flat = da[:, :, :3], da[:, :, 3], da.reshape(T, B, 4 * H)
    carry_h = carry_c = np.zeros((B, H), np.float32)
    for s in range(T - 1, -1, -1):  # each array indexed once per step: views cost too
        dh_s, dc_s = dh[s], dc[s]
        np.add(e_[s], carry_h, out=dh_s)
        np.multiply(dh_s, dc_dh[s], out=dc_s)
        dc_s += carry_c
        np.multiply(dc_s[:, None], slopes_c[s], out=da_c[s])
        np.multiply(dh_s, slope_o[s], out=da_o[s])
        if _cut(s, truncate):
            carry_h = carry_c = np.zeros((B, H), np.float32)
        else:
            carry_h, carry_c = da_flat[s] @ w, dc_s * f[s]
    return (
        _order(torch.from_numpy(dh), reverse),
        _order(torch.from_numpy(dc), reverse),
        _order(torch.from_numpy(da_flat), reverse),
    )


def _gru(tr, e, w_hh, b_hh, h0, truncate, reverse):
    r, u, n, h = (_order(tr[k], reverse) for k in ("r", "u", "n", "h"))  # [T, B, H]
    e = _order(e, reverse)
    T, B, H = e.shape
    h_prev = torch.cat([h0.unsqueeze(0), h[:-1]])  # [T, B, H]
    hn = h_prev @ w_hh[2 * H :].t() + b_hh[2 * H :]  # [T, B, H]  W_hn h_{t-1} + b_hn
    a_n = (1 - u) * (1 - n**2)  # da_n = dh a_n
    a_u = (h_prev - n) * u * (1 - u)  # da_u = dh a_u
    a_r = a_n * hn * r * (1 - r)  # da_r = da_n hn r(1-r)
    slopes = torch.stack([a_r, a_u, a_n], 2).numpy()  # [T, B, 3, H]  da = dh * slopes
    # what reaches W_hh: [da_r, da_u, da_n * r] (r gates W_hn h inside n)
    through = torch.stack([a_r, a_u, a_n * r], 2).numpy()  # [T, B, 3, H]
    e_, u_, w = e.contiguous().numpy(), u.contiguous().numpy(), _np(w_hh)
    dh = np.empty((T, B, H), np.float32)
    da = np.empty((T, B, 3, H), np.float32)
    carry = np.zeros((B, H), np.float32)
    for s in range(T - 1, -1, -1):
        np.add(e_[s], carry, out=dh[s])
        np.multiply(dh[s][:, None], slopes[s], out=da[s])
        if _cut(s, truncate):
            carry = np.zeros((B, H), np.float32)
        else:
            carry = (dh[s][:, None] * through[s]).reshape(B, 3 * H) @ w
            carry += dh[s] * u_[s]
    return _order(torch.from_numpy(dh), reverse), _order(
        torch.from_numpy(da.reshape(T, B, 3 * H)), reverse
    )


def _elman(tr, e, w_hh, kind, activation, truncate, reverse):
    a, h = _order(tr["a"], reverse), _order(tr["h"], reverse)  # [T, B, H]
    e = _order(e, reverse)
    if kind == "irnn" or activation == "relu":
        slope = (a > 0).to(e.dtype)
    else:  # tanh (the only other fused activation)
        slope = 1 - h**2
    slope_, e_, w = slope.contiguous().numpy(), e.contiguous().numpy(), _np(w_hh)
    dh = np.empty_like(e_)
    da = np.empty_like(e_)
    carry = np.zeros_like(e_[0])
    for s in range(len(e_) - 1, -1, -1):
        np.add(e_[s], carry, out=dh[s])
        np.multiply(dh[s], slope_[s], out=da[s])
        carry = np.zeros_like(carry) if _cut(s, truncate) else da[s] @ w
    return _order(torch.from_numpy(dh), reverse), _order(torch.from_numpy(da), reverse)


def _np(w: Tensor) -> np.ndarray:
    return w.detach().contiguous().numpy()
