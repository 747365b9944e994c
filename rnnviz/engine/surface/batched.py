"""The model evaluated at G weight settings at once: the grid dimension stacked into the batch.

For Elman / IRNN / LSTM / GRU models (any layers, directions, activations, peepholes, the
1997 LSTM) every time step is one batched matmul ``baddbmm(xp_t [G, B, k], h [G, B, H],
W_hh^T [G, H, k])`` instead of G model calls; the same equations as the explicit cells in
``rnnviz.engine.models`` (tests check the losses against the model to 1e-5). Other models
(Jordan) go through ``torch.func.vmap`` over ``functional_call`` of the model itself.
``fused.py`` has the per-point path (the naive loop's fused calls), which wins for big LSTMs.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from rnnviz.engine.models import RecurrentModel, get_activation
from rnnviz.engine.tasks.base import Batch

STACKED_KINDS = ("elman", "irnn", "lstm", "gru")


def stacked_supported(model) -> bool:
    """True for a plain recurrent model of a stacked kind: its parameters are ``rnn.*`` and
    ``head.*`` as ``_run_chain`` reads them. An encoder-decoder of LSTM / GRU cells
    (``encoder.rnn.*``, ``decoder.rnn.*``, attention, teacher forcing) or an NTM is not one:
    it goes through vmap of its own ``forward_batch``."""
    return (
        type(model) is RecurrentModel
        and not model.spec.seq2seq
        and model.spec.kind in STACKED_KINDS
    )


def stacked_outputs(model: RecurrentModel, params: dict[str, Tensor], batch: Batch) -> Tensor:
    """Outputs [G, T, B, O] of ``model`` with parameters ``params`` (name -> [G, *shape]; any
    parameter not given keeps the model's value) on ``batch`` (its x: [T, B, I])."""
    x = batch.x
    spec = model.spec
    G = next(iter(params.values())).shape[0]
    full = {n: p.detach().expand(G, *p.shape) for n, p in model.named_parameters()}
    full.update(params)
    T, B, _ = x.shape
    layer_input = x.reshape(T * B, -1)  # [T*B, I] shared by every grid point
    outs: list[Tensor] = []
    for layer in range(spec.num_layers):
        outs = []
        for direction in range(spec.num_directions):
            sfx = f"_l{layer}{'_reverse' if direction else ''}"
            outs.append(_run_chain(spec, full, sfx, layer_input, T, B))  # [T, G, B, H]
        top = outs[0] if len(outs) == 1 else torch.cat(outs, -1)  # [T, G, B, D*H]
        layer_input = top.permute(1, 0, 2, 3).reshape(G, T * B, -1)  # [G, T*B, D*H]
    if len(outs) == 1:
        top = outs[0]
    elif spec.combine == "sum":
        top = outs[0] + outs[1]
    else:
        top = torch.cat(outs, -1)  # [T, G, B, 2H]
    top = top.transpose(0, 1)  # [G, T, B, W]
    if model.head is None:
        return top
    w, b = full["head.weight"], full["head.bias"]  # [G, O, W], [G, O]
    y = torch.matmul(top.reshape(G, T * B, -1), w.transpose(1, 2))  # [G, T*B, O]
    return (y + b[:, None, :]).reshape(G, T, B, -1)


def _run_chain(spec, p: dict[str, Tensor], sfx: str, inp: Tensor, T: int, B: int) -> Tensor:
    """One layer and direction for G weight settings. ``inp``: [T*B, I] or [G, T*B, I].
    Returns h for every step, time-ordered: [T, G, B, H].

    The input projection is computed step by step, ``baddbmm(bias, x_t, W_ih^T)`` [G, B, k],
    not for all T at once: [G, T*B, k] falls out of the cache and its writing and reordering
    cost more than the recurrence itself (measured 60% of an LSTM H8 chunk)."""
    w_ih, w_hh = p[f"rnn.weight_ih{sfx}"], p[f"rnn.weight_hh{sfx}"]  # [G, k, I], [G, k, H]
    b_ih, b_hh = p[f"rnn.bias_ih{sfx}"], p[f"rnn.bias_hh{sfx}"]  # [G, k]
    G, H = w_hh.shape[0], spec.hidden_size
    bias = b_ih if spec.kind == "gru" else b_ih + b_hh  # GRU keeps b_hh inside r * (...)
    bias = bias[:, None, :].expand(G, B, -1)  # [G, B, k]
    w_ih_t = w_ih.transpose(1, 2)  # [G, I, k]
    if inp.dim() == 2:  # the model's input, shared by every grid point
        x_steps = inp.reshape(T, 1, B, -1).expand(T, G, B, -1)  # [T, G, B, I] (a view)
    else:
        x_steps = inp.reshape(G, T, B, -1).transpose(0, 1)  # [T, G, B, I] (a view)
    h0 = w_hh.new_full((G, B, H), 0.0 if spec.h0 is None else float(spec.h0))  # [G, B, H]
    order = range(T - 1, -1, -1) if sfx.endswith("_reverse") else range(T)
    w_hh_t = w_hh.transpose(1, 2)  # [G, H, k]
    if spec.kind == "lstm":
        step = _lstm_step(spec, p, sfx, w_hh_t, H)
    elif spec.kind == "gru":
        step = _gru_step(w_hh_t, b_hh, H)
    else:
        act = get_activation("relu" if spec.kind == "irnn" else spec.activation)

        def step(xp_t, h, c):
            return act(torch.baddbmm(xp_t, h, w_hh_t)), c

    hs: list[Tensor] = [h0] * T
    h, c = h0, torch.zeros_like(h0)
    for t in order:
        xp_t = torch.baddbmm(bias, x_steps[t], w_ih_t)  # [G, B, k]
        h, c = step(xp_t, h, c)
        hs[t] = h
    return torch.stack(hs)  # [T, G, B, H]


def _lstm_step(spec, p, sfx, w_hh_t, H) -> Callable:
    act_g = get_activation(spec.cell_input_activation)
    act_h = get_activation(spec.cell_output_activation)
    forget = spec.forget_gate
    peep = None
    if spec.peephole:
        p_f = p[f"rnn.weight_pf{sfx}"][:, None, :] if forget else None  # [G, 1, H]
        peep = (p[f"rnn.weight_pi{sfx}"][:, None, :], p_f, p[f"rnn.weight_po{sfx}"][:, None, :])

    def step(xp_t, h, c):
        z = torch.baddbmm(xp_t, h, w_hh_t)  # [G, B, G4*H]
        if forget:
            z_i, z_f, z_g, z_o = z.split(H, -1)
        else:
            z_i, z_g, z_o = z.split(H, -1)
        if peep is not None:
            z_i = z_i + peep[0] * c
        i = torch.sigmoid(z_i)
        g = act_g(z_g)
        if forget:
            if peep is not None:
                z_f = z_f + peep[1] * c
            c = torch.addcmul(torch.sigmoid(z_f) * c, i, g)  # f*c + i*g
        else:
            c = torch.addcmul(c, i, g)  # c + i*g
        if peep is not None:
            z_o = z_o + peep[2] * c
        return torch.sigmoid(z_o) * act_h(c), c

    return step


def _gru_step(w_hh_t, b_hh, H) -> Callable:
    b = b_hh[:, None, :]  # [G, 1, 3H]

    def step(xp_t, h, c):
        gh = torch.baddbmm(b, h, w_hh_t)  # [G, B, 3H]
        r, u = torch.sigmoid(xp_t[..., : 2 * H] + gh[..., : 2 * H]).chunk(2, -1)
        n = torch.tanh(torch.addcmul(xp_t[..., 2 * H :], r, gh[..., 2 * H :]))
        return torch.lerp(n, h, u), c  # (1-u)*n + u*h

    return step


class _BatchForward(nn.Module):
    """``model.forward_batch(batch).y`` as a module's forward, so ``functional_call`` runs
    what the trainer runs (an encoder-decoder reads the targets too: teacher forcing).
    Its parameter names are the model's with a ``model.`` prefix."""

    def __init__(self, model) -> None:
        super().__init__()
        self.model = model

    def forward(self, batch: Batch) -> Tensor:
        return self.model.forward_batch(batch).y


def _prefixed(params: dict[str, Tensor]) -> dict[str, Tensor]:
    return {f"model.{name}": value for name, value in params.items()}


def vmapped_outputs(model, params: dict[str, Tensor], batch: Batch) -> Tensor:
    """Outputs [G, T, B, O] through ``vmap(functional_call(model.forward_batch, ...))``
    (any model)."""
    from torch.func import functional_call, vmap

    wrapper = _BatchForward(model)

    def one(p: dict[str, Tensor]) -> Tensor:
        return functional_call(wrapper, p, (batch,))

    return vmap(one)(_prefixed(params))


def looped_outputs(model, params: dict[str, Tensor], batch: Batch) -> Tensor:
    """Outputs [G, T, B, O], one model call per weight setting (the naive way; a fallback)."""
    from torch.func import functional_call

    wrapper = _BatchForward(model)
    named = _prefixed(params)
    G = next(iter(params.values())).shape[0]
    ys = [functional_call(wrapper, {n: v[g] for n, v in named.items()}, (batch,)) for g in range(G)]
    return torch.stack(ys)
