"""The full trace of a fused model, read off torch's fused kernels instead of a Python loop.

Once the hidden states h_t of a chain are known for every t (torch's fused module computes
them, layer by layer here), every gate is a function of (x_t, h_{t-1}) alone, so all time steps
are computed in one batched matmul:

    LSTM:  z = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh -> i, f, g, o;   c_t = f c_{t-1} + i g
    GRU:   z_r, z_u as above; z_n = W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn)
    Elman: a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh

Only c_t still needs a loop (one addcmul per step). The values equal the explicit cells' trace
(tests/engine/test_fused_trace.py); truncated BPTT changes gradients, never values, so the
trace does not depend on it. Only for ``model.fused_available`` kinds.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from rnnviz.engine.models import RecurrentModel

_KERNELS = {"lstm": torch.lstm, "gru": torch.gru}


@torch.no_grad()
def fused_trace(model: RecurrentModel, x: Tensor) -> dict[str, dict[str, Tensor]]:
    """{chain: {name: [T, B, H]}} for input ``x`` [T, B, I], as ``model(x).trace``."""
    spec = model.spec
    H, D = spec.hidden_size, spec.num_directions
    h0_value = 0.0 if spec.h0 is None else float(spec.h0)
    trace: dict[str, dict[str, Tensor]] = {}
    layer_input = x  # [T, B, I]
    for layer in range(spec.num_layers):
        params = []
        for d in range(D):
            suffix = f"_l{layer}{'_reverse' if d else ''}"
            params += [
                getattr(model.rnn, f"{w}{suffix}")
                for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
        h0 = x.new_full((D, x.shape[1], H), h0_value)  # [D, B, H]
        out = _run_layer(spec, layer_input, h0, params)  # [T, B, D*H]
        for d in range(D):
            chain = f"L{layer}.{'bwd' if d else 'fwd'}"
            h = out[..., d * H : (d + 1) * H]  # [T, B, H]
            w_ih, w_hh, b_ih, b_hh = params[4 * d : 4 * d + 4]
            trace[chain] = _gates(spec, layer_input, h, h0[d], w_ih, w_hh, b_ih, b_hh, bool(d))
        layer_input = out
    return trace


def _run_layer(spec, inp: Tensor, h0: Tensor, params: list[Tensor]) -> Tensor:
    bidirectional = spec.bidirectional
    if spec.kind == "lstm":
        out, _, _ = torch.lstm(
            inp, (h0, torch.zeros_like(h0)), params, True, 1, 0.0, False, bidirectional, False
        )
    elif spec.kind == "gru":
        out, _ = torch.gru(inp, h0, params, True, 1, 0.0, False, bidirectional, False)
    else:
        relu = spec.kind == "irnn" or spec.activation == "relu"
        kernel = torch.rnn_relu if relu else torch.rnn_tanh
        out, _ = kernel(inp, h0, params, True, 1, 0.0, False, bidirectional, False)
    return out  # [T, B, D*H]


def _previous(h: Tensor, h0: Tensor, reverse: bool) -> Tensor:
    """h_{t-1} in the chain's own direction, for every t: [T, B, H]."""
    if reverse:
        return torch.cat([h[1:], h0.unsqueeze(0)])
    return torch.cat([h0.unsqueeze(0), h[:-1]])


def _gates(spec, inp, h, h0, w_ih, w_hh, b_ih, b_hh, reverse) -> dict[str, Tensor]:
    H = spec.hidden_size
    h_prev = _previous(h, h0, reverse)  # [T, B, H]
    xp = F.linear(inp, w_ih, b_ih)  # [T, B, G*H]
    hp = F.linear(h_prev, w_hh, b_hh)  # [T, B, G*H]
    if spec.kind == "gru":
        z_r, z_u = (xp[..., : 2 * H] + hp[..., : 2 * H]).chunk(2, -1)
        r, u = torch.sigmoid(z_r), torch.sigmoid(z_u)
        z_n = torch.addcmul(xp[..., 2 * H :], r, hp[..., 2 * H :])
        return {"z_r": z_r, "r": r, "z_u": z_u, "u": u, "z_n": z_n, "n": torch.tanh(z_n), "h": h}
    z = xp + hp  # [T, B, G*H]
    if spec.kind != "lstm":
        return {"a": z, "h": h}
    z_i, z_f, z_g, z_o = z.split(H, -1)
    i, f, g, o = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.tanh(z_g), torch.sigmoid(z_o)
    ig = i * g  # [T, B, H]
    c = torch.empty_like(ig)
    c_t = torch.zeros_like(ig[0])
    for t in range(ig.shape[0] - 1, -1, -1) if reverse else range(ig.shape[0]):
        c_t = torch.addcmul(ig[t], f[t], c_t)  # f c_{t-1} + i g
        c[t] = c_t
    return {
        "z": z_g,
        "g": g,
        "z_i": z_i,
        "i": i,
        "z_f": z_f,
        "f": f,
        "z_o": z_o,
        "o": o,
        "c": c,
        "h": h,
    }
