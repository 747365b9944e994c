"""dL/dh_t from keep_states, truncation, loading, errors, determinism and the API surface."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz.engine.models import ModelOutput, RecurrentModel, build_model
from rnnviz.engine.spec import ModelSpec


def randn(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def test_keep_states_gives_total_dl_dh_like_a_stepwise_torch_lstm():
    spec = ModelSpec(kind="lstm", input_size=2, hidden_size=3, output_size=2)
    model = build_model(spec, seed=1)
    x = randn(6, 2, 2, seed=1)
    target = randn(6, 2, 2, seed=2)
    out = model(x, keep_states=True)
    loss = (out.y - target).pow(2).sum()
    hs, cs = out.states["L0.fwd"]["h"], out.states["L0.fwd"]["c"]
    dh = torch.autograd.grad(loss, hs + cs)
    # independent reference: torch's LSTMCell stepped by hand with the same weights
    cell = nn.LSTMCell(2, 3)
    head = nn.Linear(3, 2)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(model.rnn, f"{name}_l0"))
        head.load_state_dict(model.head.state_dict())
    h = c = torch.zeros(2, 3)
    ref_h, ref_c, ref_y = [], [], []
    for t in range(6):
        h, c = cell(x[t], (h, c))
        ref_h.append(h)
        ref_c.append(c)
        ref_y.append(head(h))
    ref_loss = (torch.stack(ref_y) - target).pow(2).sum()
    ref_dh = torch.autograd.grad(ref_loss, ref_h + ref_c)
    for ours, ref in zip(dh, ref_dh, strict=True):
        assert (ours - ref).abs().max().item() < 1e-5
    # at the last step only the head path is left: dL/dh_T = W_out^T dL/dy_T
    dy_last = 2 * (out.y[-1] - target[-1])
    assert (dh[5] - dy_last @ model.head.weight).abs().max().item() < 1e-5


def test_dl_dh_matches_finite_differences_through_h0():
    """dL/dh_0-ish check: perturb the first input along W_ih's range and compare."""
    spec = ModelSpec(kind="elman", input_size=3, hidden_size=3, output_size=1, activation="tanh")
    model = build_model(spec, seed=4).double()
    x = randn(5, 1, 3, seed=5).double()
    out = model(x, keep_states=True)
    loss = out.y.pow(2).sum()
    dh0 = torch.autograd.grad(loss, out.states["L0.fwd"]["h"][0])[0]  # [1, H]
    # a_0 = W_ih x_0 + ...: moving x_0 by W_ih^-1 e * eps moves a_0 by e * eps
    w_ih = model.rnn.weight_ih_l0.detach()
    a0 = out.trace["L0.fwd"]["a"][0].detach()
    dh_da = 1 - torch.tanh(a0) ** 2  # [1, H]
    eps = 1e-6
    for k in range(3):
        e = torch.zeros(3, dtype=torch.float64)
        e[k] = 1.0
        dx = torch.linalg.solve(w_ih, e) * eps
        xp, xm = x.clone(), x.clone()
        xp[0, 0] += dx
        xm[0, 0] -= dx
        with torch.no_grad():
            fd = (model(xp).y.pow(2).sum() - model(xm).y.pow(2).sum()) / (2 * eps)
        assert fd.item() == pytest.approx((dh0[0, k] * dh_da[0, k]).item(), rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("kind", ["lstm", "gru", "elman", "jordan"])
def test_truncation_cuts_the_gradient(kind):
    spec = ModelSpec(kind=kind, input_size=2, hidden_size=3, output_size=1)
    model = build_model(spec, seed=0)
    x = randn(9, 2, 2, seed=3)
    out = model(x, truncate=4, keep_states=True)
    loss = out.y[8].pow(2).sum()  # the last chunk starts at t = 8
    grads = torch.autograd.grad(
        loss,
        out.states["L0.fwd"]["h"],
        allow_unused=True,
        materialize_grads=True,
        retain_graph=True,
    )
    assert all(g.abs().max().item() == 0 for g in grads[:8])
    assert grads[8].abs().max().item() > 0
    loss = out.y[7].pow(2).sum()  # inside the middle chunk: flows back to t = 4 only
    grads = torch.autograd.grad(
        loss, out.states["L0.fwd"]["h"], allow_unused=True, materialize_grads=True
    )
    assert all(g.abs().max().item() == 0 for g in grads[:4])
    assert grads[4].abs().max().item() > 0
    # the forward values do not depend on truncation
    assert torch.equal(out.y, model(x).y)


def test_truncation_in_a_backward_chain_counts_from_the_end():
    spec = ModelSpec(kind="gru", input_size=1, hidden_size=2, output_size=1, bidirectional=True)
    model = build_model(spec)
    out = model(randn(6, 1, 1), truncate=2, keep_states=True)
    hb = out.states["L0.bwd"]["h"]  # time-ordered; processed from t = 5 down
    grads = torch.autograd.grad(hb[0].sum(), hb[1:], allow_unused=True, materialize_grads=True)
    assert grads[0].abs().max() > 0  # t=1 -> t=0 in the same chunk (t = 1, 0)
    assert all(g.abs().max() == 0 for g in grads[1:])


def test_load_torch_state_dict_and_errors():
    spec = ModelSpec(kind="lstm", input_size=2, hidden_size=3, output_size=1, num_layers=2)
    model = build_model(spec)
    ref = nn.LSTM(2, 3, num_layers=2)
    model.load_torch_state_dict(ref.state_dict())
    assert torch.equal(model.rnn.weight_hh_l1, ref.weight_hh_l1)
    prefixed = {f"rnn.{k}": v for k, v in ref.state_dict().items()}
    model.load_torch_state_dict(prefixed)
    with pytest.raises(ValueError, match="missing"):
        model.load_torch_state_dict(nn.LSTM(2, 3).state_dict())
    with pytest.raises(ValueError, match="unexpected"):
        model.load_torch_state_dict(nn.LSTM(2, 3, num_layers=3).state_dict())
    with pytest.raises(ValueError, match=r"must have shape \(12, 2\)"):
        model.load_torch_state_dict(nn.GRU(2, 3, num_layers=2).state_dict())


def test_set_weights_checks_names_and_shapes_before_writing():
    model = build_model(ModelSpec(kind="gru", input_size=2, hidden_size=3))
    before = model.rnn.weight_ih_l0.detach().clone()
    with pytest.raises(ValueError, match=r"rnn.weight_hh_l0.*\(9, 3\).*\(3, 3\)"):
        model.set_weights(
            {"rnn.weight_ih_l0": np.zeros((9, 2)), "rnn.weight_hh_l0": np.zeros((3, 3))}
        )
    assert torch.equal(model.rnn.weight_ih_l0, before)  # nothing half-written
    with pytest.raises(ValueError, match="no weight"):
        model.set_weights({"rnn.weight_hh_l7": np.zeros((9, 3))})
    model.set_weights({"head.bias": [0.5]})
    assert model.head.bias.item() == 0.5
    with pytest.raises(ValueError, match=r"shape \[T, B, 2\]"):
        model(torch.zeros(4, 2, 3))


def test_deterministic_init_leaves_the_global_rng_alone():
    spec = ModelSpec(kind="lstm", input_size=2, hidden_size=4, num_layers=2, bidirectional=True)
    state = torch.get_rng_state()
    a, b, c = build_model(spec, seed=3), build_model(spec, seed=3), build_model(spec, seed=4)
    assert torch.equal(torch.get_rng_state(), state)
    for (n, pa), pb, pc in zip(a.named_parameters(), b.parameters(), c.parameters(), strict=True):
        assert torch.equal(pa, pb), n
        assert not torch.equal(pa, pc), n


@pytest.mark.parametrize(
    ("spec", "chains", "gates", "names"),
    [
        (
            ModelSpec(kind="lstm", input_size=1, hidden_size=2, num_layers=2, bidirectional=True),
            ("L0.fwd", "L0.bwd", "L1.fwd", "L1.bwd"),
            ("i", "f", "g", "o"),
            {"z", "g", "z_i", "i", "z_f", "f", "z_o", "o", "c", "h"},
        ),
        (
            ModelSpec(kind="gru", input_size=1, hidden_size=2),
            ("L0.fwd",),
            ("r", "z", "n"),
            {"z_r", "r", "z_u", "u", "z_n", "n", "h"},
        ),
        (
            ModelSpec(kind="elman", input_size=1, hidden_size=2, num_layers=3),
            None,
            ("",),
            {"a", "h"},
        ),
    ],
)
def test_api_surface(spec, chains, gates, names):
    model = build_model(spec)
    assert isinstance(model, RecurrentModel)
    if chains:
        assert model.chains == chains
    assert model.gate_names == gates
    out = model(randn(5, 3, 1), keep_states=True)
    assert isinstance(out, ModelOutput)
    assert out.y.shape == (5, 3, spec.output_size)
    for chain in model.chains:
        assert set(out.trace[chain]) == names
        assert all(v.shape == (5, 3, 2) for v in out.trace[chain].values())
        assert len(out.states[chain]["h"]) == 5
    assert model(randn(5, 3, 1)).states == {}
    mats = model.recurrent_matrices()
    hidden = spec.hidden_size
    for chain in model.chains:
        layer, direction = int(chain[1]), chain.endswith("bwd")
        w_hh = getattr(model.rnn, f"weight_hh_l{layer}{'_reverse' if direction else ''}")
        for k, gate in enumerate(gates):
            key = f"{chain} W_hh ({gate})" if gate else f"{chain} W_hh"
            assert torch.equal(mats[key], w_hh[k * hidden : (k + 1) * hidden])
    assert len(mats) == len(model.chains) * len(gates)
