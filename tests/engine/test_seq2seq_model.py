"""The encoder-decoder against references: torch.nn modules and cells with the same weights,
attention recomputed here from its equations, and finite differences."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from rnnviz.engine.models import build_model
from rnnviz.engine.models.seq2seq import EOS
from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.tasks.base import Batch, Task

TOL = 1e-5
I, O, H, T_IN, T_OUT, B = 5, 4, 6, 7, 6, 3
MODULES = {
    "lstm": (nn.LSTM, nn.LSTMCell),
    "gru": (nn.GRU, nn.GRUCell),
    "elman": (nn.RNN, nn.RNNCell),
}


def make_model(kind: str, attention: str, bidirectional: bool, seed: int = 0):
    spec = ModelSpec(
        kind=kind,
        input_size=I,
        output_size=O,
        hidden_size=H,
        seq2seq=True,
        attention=attention,
        bidirectional=bidirectional,
    )
    model = build_model(spec, seed=seed)
    gen = torch.Generator().manual_seed(seed + 10)
    with torch.no_grad():  # larger weights than the default init: every path matters
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.6)
    return model


def make_batch(seed: int = 1, t_out: int = T_OUT) -> Batch:
    gen = torch.Generator().manual_seed(seed)
    x = F.one_hot(torch.randint(0, I, (T_IN, B), generator=gen), I).float()
    y = torch.randint(1, O, (t_out, B), generator=gen)
    y[-1] = EOS
    return Batch(x, y, torch.ones(t_out, B))


def copied(module: nn.Module, source: nn.Module, reverse_from: nn.Module | None = None):
    """``module`` (a torch RNN / cell) with the weights of rnnviz's one-chain ``source``
    (and, for a bidirectional torch module, ``reverse_from`` as its reverse direction)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            base = name.removesuffix("_reverse")
            src = reverse_from if name.endswith("_reverse") else source
            p.copy_(getattr(src.rnn, base if base.endswith("_l0") else f"{base}_l0"))
    return module


@pytest.mark.parametrize("kind", list(MODULES))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_encoder_equals_torch_rnn_with_the_same_weights(kind, bidirectional):
    model = make_model(kind, "none", bidirectional)
    batch = make_batch()
    whole, _ = MODULES[kind]
    ref = whole(I, H, bidirectional=bidirectional)
    copied(ref, model.encoder, model.encoder_bwd)
    expected, _ = ref(batch.x)  # [T_in, B, D*H]
    encoded, (s0, c0), trace, _ = model.encode(batch.x)
    assert torch.allclose(encoded, expected, atol=TOL)
    assert torch.allclose(trace["enc.fwd"]["h"], expected[..., :H], atol=TOL)
    if bidirectional:
        assert torch.allclose(trace["enc.bwd"]["h"], expected[..., H:], atol=TOL)
        assert torch.allclose(
            s0, torch.cat([expected[-1, :, :H], expected[0, :, H:]], -1), atol=TOL
        )
    else:
        assert torch.allclose(s0, expected[-1], atol=TOL)


def reference_decoder(model, batch: Batch, attention: str):
    """Teacher forcing written out with torch's cells and the attention equations:
    returns logits [T_out, B, O] and alpha [T_out, B, T_in] (None without attention)."""
    kind = model.spec.kind
    S = model.spec.top_width
    whole, cell_class = MODULES[kind]
    ref = copied(whole(I, H), model.encoder)
    h_enc, state = ref(batch.x)  # [T_in, B, H], final state(s)
    cell = cell_class(O + 1 + (S if attention == "additive" else 0), S)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(model.decoder.rnn, f"{name}_l0"))
    s, c = (state[0][0], state[1][0]) if kind == "lstm" else (state[0], None)
    fed = torch.cat([torch.full_like(batch.y[:1], O), batch.y[:-1]], 0)
    logits, alphas = [], []
    for j in range(batch.y.shape[0]):
        inp = F.one_hot(fed[j], O + 1).float()
        if attention == "additive":
            q, k, v = model.attn_query.weight, model.attn_key, model.attn_v.weight
            e = (torch.tanh(s @ q.T + h_enc @ k.weight.T + k.bias) @ v.T)[..., 0]  # [T_in, B]
            alpha = torch.exp(e) / torch.exp(e).sum(0)
            context = (alpha[..., None] * h_enc).sum(0)  # sum_i alpha_i h_i
            inp = torch.cat([inp, context], -1)
        if kind == "lstm":
            s, c = cell(inp, (s, c))
        else:
            s = cell(inp, s)
        if attention == "dot":
            e = (h_enc * s).sum(-1)  # [T_in, B]
            alpha = torch.exp(e) / torch.exp(e).sum(0)
            context = (alpha[..., None] * h_enc).sum(0)
        read = s if attention == "none" else torch.cat([s, context], -1)
        logits.append(read @ model.head.weight.T + model.head.bias)
        if attention != "none":
            alphas.append(alpha.T)
    return torch.stack(logits), (torch.stack(alphas) if alphas else None)


@pytest.mark.parametrize("kind", list(MODULES))
@pytest.mark.parametrize("attention", ["none", "additive", "dot"])
def test_decoder_and_attention_equal_torch_cells_and_the_equations(kind, attention):
    model = make_model(kind, attention, bidirectional=False)
    batch = make_batch()
    with torch.no_grad():
        out = model.forward_batch(batch)
        logits, alpha = reference_decoder(model, batch, attention)
    assert torch.allclose(out.y, logits, atol=TOL)
    if attention == "none":
        assert out.attention is None
    else:
        assert out.attention.shape == (T_OUT, B, T_IN)
        assert torch.allclose(out.attention, alpha, atol=TOL)
        assert torch.allclose(out.attention.sum(-1), torch.ones(T_OUT, B), atol=1e-6)


@pytest.mark.parametrize("attention", ["additive", "dot"])
def test_attention_rows_sum_to_one_in_greedy_decoding_too(attention):
    model = make_model("gru", attention, bidirectional=True)
    out = model.greedy(make_batch().x, cap=9)
    assert out.attention.shape[0] == out.tokens.shape[0] <= 9
    assert torch.allclose(out.attention.sum(-1), torch.ones(out.attention.shape[:2]), atol=1e-6)
    assert bool((out.attention >= 0).all())


@pytest.mark.parametrize("kind", list(MODULES))
@pytest.mark.parametrize("attention", ["additive", "dot"])
def test_gradients_equal_finite_differences(kind, attention):
    """Every parameter's autograd gradient against central differences, in float64."""
    model = make_model(kind, attention, bidirectional=True).double()
    batch = make_batch()
    batch = Batch(batch.x.double(), batch.y[:3], batch.mask[:3].double())
    task = Task()
    task.loss_kind = "ce"
    model.zero_grad()
    task.loss(model.forward_batch(batch).y, batch).backward()
    gen = torch.Generator().manual_seed(3)
    for name, p in model.named_parameters():
        for _ in range(2):  # two entries of each parameter
            k = int(torch.randint(0, p.numel(), (1,), generator=gen))
            flat = p.data.view(-1)
            old = float(flat[k])
            losses = []
            for delta in (1e-6, -1e-6):
                flat[k] = old + delta
                with torch.no_grad():
                    losses.append(float(task.loss(model.forward_batch(batch).y, batch)))
            flat[k] = old
            numeric = (losses[0] - losses[1]) / 2e-6
            assert float(p.grad.view(-1)[k]) == pytest.approx(numeric, rel=1e-5, abs=1e-8), name
