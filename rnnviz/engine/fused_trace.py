"""The full trace of a fused model, read off torch's fused kernels instead of a Python loop.

Once the hidden states h_t of a chain are known for every t (torch's fused kernel computes
them, layer by layer: ``forward_fused_layers``, on a recorded step the training pass itself),
every gate is a function of (x_t, h_{t-1}) alone, so all time steps are computed in one
batched matmul:

    LSTM:  z = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh -> i, f, g, o;   c_t = f c_{t-1} + i g
    GRU:   z_r, z_u as above; z_n = W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn)
    Elman: a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh

Only c_t still needs a loop (a multiply-add per step). The values equal the explicit cells' trace
(tests/engine/test_fused_trace.py); truncated BPTT changes gradients, never values, so the
trace does not depend on it. Only for ``model.fused_available`` kinds.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from rnnviz.engine.models import RecurrentModel


@torch.no_grad()
def fused_trace(model: RecurrentModel, x: Tensor) -> dict[str, dict[str, Tensor]]:
    """{chain: {name: [T, B, H]}} for input ``x`` [T, B, I], as ``model(x).trace``."""
    return trace_from_layers(model, x, model.forward_fused_layers(x)[1])


@torch.no_grad()
def trace_from_layers(
    model: RecurrentModel, x: Tensor, outs: list[Tensor]
) -> dict[str, dict[str, Tensor]]:
    """The trace from the layer outputs of ``model.forward_fused_layers(x)`` (no new pass).

    ``outs[l]``: [T, B, D*H], layer l's chains side by side (forward first)."""
    spec = model.spec
    H, D = spec.hidden_size, spec.num_directions
    h0_value = 0.0 if spec.h0 is None else float(spec.h0)
    trace: dict[str, dict[str, Tensor]] = {}
    layer_input = x  # [T, B, I]
    for layer, out in enumerate(outs):
        out = out.detach()
        h0 = x.new_full((x.shape[1], H), h0_value)  # [B, H]
        for d in range(D):
            chain = f"L{layer}.{'bwd' if d else 'fwd'}"
            suffix = f"_l{layer}{'_reverse' if d else ''}"
            w_ih, w_hh, b_ih, b_hh = (
                getattr(model.rnn, f"{w}{suffix}")
                for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            )
            h = out[..., d * H : (d + 1) * H]  # [T, B, H]
            trace[chain] = _gates(spec, layer_input, h, h0, w_ih, w_hh, b_ih, b_hh, bool(d))
        layer_input = out
    return trace


def _previous(h: Tensor, h0: Tensor, reverse: bool) -> Tensor:
    """h_{t-1} in the chain's own direction, for every t: [T, B, H]."""
    if reverse:
        return torch.cat([h[1:], h0.unsqueeze(0)])
    return torch.cat([h0.unsqueeze(0), h[:-1]])


def _gates(spec, inp, h, h0, w_ih, w_hh, b_ih, b_hh, reverse) -> dict[str, Tensor]:
    H = spec.hidden_size
    h = h.contiguous()
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
    return {
        "z": z_g,
        "g": g,
        "z_i": z_i,
        "i": i,
        "z_f": z_f,
        "f": f,
        "z_o": z_o,
        "o": o,
        "c": _cells(i * g, f, reverse),
        "h": h,
    }


def _cells(ig: Tensor, f: Tensor, reverse: bool) -> Tensor:
    """c_t = f_t c_{t-1} + i_t g_t from c_0 = 0, in the chain's direction: [T, B, H].

    The one loop left; in numpy, whose per-call cost on [B, H] slices is a fraction of torch's."""
    ig_, f_ = ig.numpy(), f.numpy()
    c = np.empty_like(ig_)
    order = range(len(c) - 1, -1, -1) if reverse else range(len(c))
    prev = None
    for t in order:
        if prev is None:
            c[t] = ig_[t]
        else:
            np.multiply(f_[t], c[prev], out=c[t])
            c[t] += ig_[t]
        prev = t
    return torch.from_numpy(c)
