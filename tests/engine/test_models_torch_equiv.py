"""The explicit cells against torch.nn.RNN / LSTM / GRU given the same weights."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from rnnviz.engine.models import build_model
from rnnviz.engine.spec import ModelSpec

TOL = 1e-5

# (input_size, hidden_size, num_layers, bidirectional, batch, T)
SIZES = [
    (3, 5, 1, False, 4, 7),
    (2, 4, 2, True, 3, 6),
    (5, 3, 3, True, 2, 5),
    (1, 6, 2, False, 5, 9),
]
KINDS = ["lstm", "gru", "elman_tanh", "elman_relu"]


def make_reference(kind: str, size, seed: int) -> tuple[nn.Module, ModelSpec]:
    """A torch module with fresh random weights (from a private generator) and our spec."""
    i, h, layers, bidir, _, _ = size
    common = dict(input_size=i, hidden_size=h, num_layers=layers, bidirectional=bidir)
    if kind == "lstm":
        ref = nn.LSTM(**common)
    elif kind == "gru":
        ref = nn.GRU(**common)
    else:
        ref = nn.RNN(nonlinearity=kind.split("_")[1], **common)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in ref.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)
    model_kind = "elman" if kind.startswith("elman") else kind
    activation = kind.split("_")[1] if kind.startswith("elman") else "tanh"
    width = h * (2 if bidir else 1)
    spec = ModelSpec(
        kind=model_kind,
        activation=activation,
        input_size=i,
        hidden_size=h,
        output_size=width,
        num_layers=layers,
        bidirectional=bidir,
        head="identity",
    )
    return ref, spec


def inputs(size, seed: int) -> torch.Tensor:
    i, _, _, _, b, t = size
    return torch.randn(t, b, i, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size", SIZES)
def test_outputs_states_and_gradients_match_torch(kind, size):
    ref, spec = make_reference(kind, size, seed=10 * KINDS.index(kind) + SIZES.index(size))
    model = build_model(spec, seed=1)
    model.load_torch_state_dict(ref.state_dict())
    x = inputs(size, seed=7)
    out = model(x)
    ref_out, ref_state = ref(x)
    assert (out.y - ref_out).abs().max().item() < TOL
    h_n, c_n = ref_state if kind == "lstm" else (ref_state, None)
    for index, chain in enumerate(model.chains):
        last = 0 if chain.endswith("bwd") else -1  # a backward chain ends at t = 0
        assert (out.trace[chain]["h"][last] - h_n[index]).abs().max().item() < TOL
        if c_n is not None:
            assert (out.trace[chain]["c"][last] - c_n[index]).abs().max().item() < TOL
    # gradients w.r.t. every weight
    probe = torch.randn(out.y.shape, generator=torch.Generator().manual_seed(3))
    loss = (out.y * probe).sum()
    ref_loss = (ref_out * probe).sum()
    names = [n for n, _ in ref.named_parameters()]
    grads = torch.autograd.grad(loss, [dict(model.named_parameters())[f"rnn.{n}"] for n in names])
    ref_grads = torch.autograd.grad(ref_loss, list(ref.parameters()))
    for name, g, rg in zip(names, grads, ref_grads, strict=True):
        assert (g - rg).abs().max().item() < 1e-4 * max(1.0, rg.abs().max().item()), name


@pytest.mark.parametrize("kind", KINDS)
def test_forward_fused_equals_explicit(kind):
    size = (3, 4, 2, True, 3, 8)
    _, spec = make_reference(kind, size, seed=0)
    spec = ModelSpec(**{**spec.to_dict(), "head": "linear", "output_size": 2, "h0": 0.3})
    model = build_model(spec, seed=5)
    assert model.fused_available
    assert isinstance(model.rnn, nn.LSTM | nn.GRU | nn.RNN)
    x = inputs(size, seed=1)
    assert (model.forward_fused(x) - model(x).y).abs().max().item() < TOL
    assert (model.forward_fused(x, truncate=3) - model(x, truncate=3).y).abs().max() < TOL


@pytest.mark.parametrize("kind", ["lstm", "gru", "elman"])
def test_fused_truncation_gives_the_same_gradients(kind):
    spec = ModelSpec(kind=kind, input_size=2, hidden_size=3, output_size=1, num_layers=2)
    model = build_model(spec, seed=2)
    x = inputs((2, 3, 2, False, 2, 10), seed=4)
    params = list(model.parameters())
    g_explicit = torch.autograd.grad(model(x, truncate=4).y.pow(2).sum(), params)
    g_fused = torch.autograd.grad(model.forward_fused(x, truncate=4).pow(2).sum(), params)
    g_full = torch.autograd.grad(model(x).y.pow(2).sum(), params)
    for a, b in zip(g_explicit, g_fused, strict=True):
        assert (a - b).abs().max().item() < 1e-5
    assert any((a - b).abs().max().item() > 1e-6 for a, b in zip(g_explicit, g_full, strict=True))


def test_sum_combine_adds_directions():
    ref, spec = make_reference("gru", (2, 3, 1, True, 2, 4), seed=0)
    spec = ModelSpec(**{**spec.to_dict(), "combine": "sum", "output_size": 3})
    model = build_model(spec)
    model.load_torch_state_dict(ref.state_dict())
    x = inputs((2, 3, 1, True, 2, 4), seed=0)
    ref_out, _ = ref(x)
    expected = ref_out[..., :3] + ref_out[..., 3:]
    assert (model(x).y - expected).abs().max().item() < TOL
    assert (model.forward_fused(x) - expected).abs().max().item() < TOL


def test_zero_peephole_and_tanh_options_reduce_to_torch_lstm():
    """The non-fused explicit LSTM (peephole weights 0) still computes torch's LSTM."""
    size = (3, 4, 2, True, 2, 6)
    ref, spec = make_reference("lstm", size, seed=11)
    spec = ModelSpec(**{**spec.to_dict(), "peephole": True})
    model = build_model(spec)
    assert not model.fused_available
    sd = dict(ref.state_dict())
    for name in list(sd):
        if name.startswith("weight_ih"):
            sfx = name[len("weight_ih") :]
            for gate in "ifo":
                sd[f"weight_p{gate}{sfx}"] = torch.zeros(4)
    model.load_torch_state_dict(sd)
    x = inputs(size, seed=2)
    assert (model(x).y - ref(x)[0]).abs().max().item() < TOL
    assert (model.forward_fused(x) - ref(x)[0]).abs().max().item() < TOL
