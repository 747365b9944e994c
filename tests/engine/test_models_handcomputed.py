"""Models against numbers computed by hand (numpy written here, independently of the cells)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnviz.engine.models import (
    IRNN_INPUT_STD,
    LECTURE_LSTM_SPEC,
    build_model,
    lecture_lstm_weights,
)
from rnnviz.engine.spec import ModelSpec


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def as_x(seq) -> torch.Tensor:
    return torch.tensor(np.asarray(seq, dtype=np.float32))


def test_lecture_lstm_outputs_and_cell():
    model = build_model(LECTURE_LSTM_SPEC)
    model.set_weights(lecture_lstm_weights())
    x1 = [1, 3, 2, 4, 2, 1, 3, 6, 1]
    x2 = [0, 1, 0, 1, 0, 0, -1, 1, 0]
    x3 = [0, 0, 0, 0, 0, 1, 0, 0, 1]
    x = as_x(np.stack([x1, x2, x3], axis=1)[:, None, :])  # [9, 1, 3]
    out = model(x)
    y = out.y[:, 0, 0].detach().numpy()
    c = out.trace["L0.fwd"]["c"][:, 0, 0].detach().numpy()
    np.testing.assert_allclose(y, [0, 0, 0, 0, 0, 7, 0, 0, 6], atol=1e-3)
    np.testing.assert_allclose(c, [0, 3, 3, 7, 7, 7, 0, 6, 6], atol=1e-3)
    assert set(out.trace["L0.fwd"]) == {"z", "g", "z_i", "i", "z_f", "f", "z_o", "o", "c", "h"}
    np.testing.assert_allclose(out.trace["L0.fwd"]["z"][:, 0, 0].detach().numpy(), x1)


@pytest.mark.parametrize(("w", "expected"), [(1.0, 1.0), (1.01, 1.01**999), (0.99, 0.99**999)])
def test_one_neuron_linear_rnn_gives_w_to_the_999(w, expected):
    spec = ModelSpec(
        kind="elman",
        activation="linear",
        input_size=1,
        hidden_size=1,
        output_size=1,
        head="identity",
    )
    model = build_model(spec)
    model.set_weights(
        {
            "rnn.weight_ih_l0": [[1.0]],
            "rnn.weight_hh_l0": [[w]],
            "rnn.bias_ih_l0": [0.0],
            "rnn.bias_hh_l0": [0.0],
        }
    )
    x = torch.zeros(1000, 1, 1)
    x[0] = 1.0
    y_last = model(x).y[-1, 0, 0].item()
    assert y_last == pytest.approx(expected, rel=2e-3)
    assert 1e-5 < expected < 3e4  # ~1, ~20751, ~4.4e-5


def random_weights(model, seed):
    rng = np.random.default_rng(seed)
    weights = {
        n: rng.normal(0, 0.6, p.shape).astype(np.float32) for n, p in model.named_parameters()
    }
    model.set_weights(weights)
    return weights


def test_peephole_lstm_steps():
    spec = ModelSpec(
        kind="lstm",
        input_size=2,
        hidden_size=3,
        output_size=3,
        head="identity",
        peephole=True,
        h0=0.2,
    )
    model = build_model(spec)
    w = random_weights(model, 0)
    x = np.random.default_rng(1).normal(size=(4, 2, 2)).astype(np.float32)
    out = model(as_x(x))
    h = np.full((2, 3), 0.2)
    c = np.zeros((2, 3))
    wi, wh = w["rnn.weight_ih_l0"], w["rnn.weight_hh_l0"]
    b = w["rnn.bias_ih_l0"] + w["rnn.bias_hh_l0"]
    for t in range(4):
        z = x[t] @ wi.T + h @ wh.T + b
        zi = z[:, 0:3] + w["rnn.weight_pi_l0"] * c
        zf = z[:, 3:6] + w["rnn.weight_pf_l0"] * c
        c = sigmoid(zf) * c + sigmoid(zi) * np.tanh(z[:, 6:9])
        zo = z[:, 9:12] + w["rnn.weight_po_l0"] * c
        h = sigmoid(zo) * np.tanh(c)
        np.testing.assert_allclose(out.trace["L0.fwd"]["z_o"][t].detach(), zo, atol=1e-5)
        np.testing.assert_allclose(out.trace["L0.fwd"]["c"][t].detach(), c, atol=1e-5)
        np.testing.assert_allclose(out.y[t].detach(), h, atol=1e-5)


def test_lstm_without_forget_gate_steps():
    spec = ModelSpec(
        kind="lstm",
        input_size=2,
        hidden_size=2,
        output_size=1,
        forget_gate=False,
        cell_input_activation="sigmoid",
        cell_output_activation="linear",
    )
    model = build_model(spec)
    assert model.gate_names == ("i", "g", "o")
    assert model.rnn.weight_ih_l0.shape == (6, 2)
    w = random_weights(model, 2)
    x = np.random.default_rng(3).normal(size=(5, 1, 2)).astype(np.float32)
    out = model(as_x(x))
    assert "f" not in out.trace["L0.fwd"] and "z_f" not in out.trace["L0.fwd"]
    h = np.zeros((1, 2))
    c = np.zeros((1, 2))
    b = w["rnn.bias_ih_l0"] + w["rnn.bias_hh_l0"]
    for t in range(5):
        z = x[t] @ w["rnn.weight_ih_l0"].T + h @ w["rnn.weight_hh_l0"].T + b
        c = c + sigmoid(z[:, 0:2]) * sigmoid(z[:, 2:4])  # 1997: no forget gate
        h = sigmoid(z[:, 4:6]) * c
        y = h @ w["head.weight"].T + w["head.bias"]
        np.testing.assert_allclose(out.trace["L0.fwd"]["c"][t].detach(), c, atol=1e-5)
        np.testing.assert_allclose(out.y[t].detach(), y, atol=1e-5)


@pytest.mark.parametrize("head", ["linear", "identity"])
def test_jordan_steps(head):
    spec = ModelSpec(
        kind="jordan",
        activation="sigmoid",
        input_size=2,
        hidden_size=3,
        output_size=2 if head == "linear" else 3,
        head=head,
    )
    model = build_model(spec)
    w = random_weights(model, 4)
    assert w["rnn.weight_yh_l0"].shape == (3, spec.output_size)
    x = np.random.default_rng(5).normal(size=(6, 2, 2)).astype(np.float32)
    out = model(as_x(x))
    y = np.zeros((2, spec.output_size))  # y_0 = 0
    for t in range(6):
        a = (
            x[t] @ w["rnn.weight_ih_l0"].T
            + w["rnn.bias_ih_l0"]
            + y @ w["rnn.weight_yh_l0"].T
            + w["rnn.bias_hh_l0"]
        )
        h = sigmoid(a)
        y = h @ w["head.weight"].T + w["head.bias"] if head == "linear" else h
        np.testing.assert_allclose(out.trace["L0.fwd"]["a"][t].detach(), a, atol=1e-5)
        np.testing.assert_allclose(out.y[t].detach(), y, atol=1e-5)
    ((name, eff),) = model.recurrent_matrices().items()
    assert name == "L0.fwd W_yh·W_out"
    expected = w["rnn.weight_yh_l0"] @ (w["head.weight"] if head == "linear" else np.eye(3))
    np.testing.assert_allclose(eff, expected, atol=1e-6)
    assert (model.forward_fused(as_x(x)) - out.y).abs().max() < 1e-6


def test_irnn_initialisation_and_steps():
    spec = ModelSpec(kind="irnn", input_size=3, hidden_size=4, output_size=1)
    model = build_model(spec, seed=3)
    w = {n: p.detach().numpy() for n, p in model.named_parameters()}
    np.testing.assert_array_equal(w["rnn.weight_hh_l0"], np.eye(4))
    np.testing.assert_array_equal(w["rnn.bias_ih_l0"], 0)
    np.testing.assert_array_equal(w["rnn.bias_hh_l0"], 0)
    assert 0 < w["rnn.weight_ih_l0"].std() < 5 * IRNN_INPUT_STD
    assert model.fused_available
    w = random_weights(model, 6)
    x = np.random.default_rng(7).normal(size=(5, 2, 3)).astype(np.float32)
    out = model(as_x(x))
    h = np.zeros((2, 4))
    for t in range(5):
        a = (
            x[t] @ w["rnn.weight_ih_l0"].T
            + w["rnn.bias_ih_l0"]
            + h @ w["rnn.weight_hh_l0"].T
            + w["rnn.bias_hh_l0"]
        )
        h = np.maximum(a, 0)
        np.testing.assert_allclose(out.trace["L0.fwd"]["h"][t].detach(), h, atol=1e-5)
    np.testing.assert_allclose(
        out.y[-1].detach(), h @ w["head.weight"].T + w["head.bias"], atol=1e-5
    )


def test_elman_sigmoid_with_h0_steps():
    spec = ModelSpec(
        kind="elman",
        activation="sigmoid",
        input_size=1,
        hidden_size=2,
        output_size=2,
        head="identity",
        h0=float(sigmoid(0.5)),
    )
    model = build_model(spec)
    assert not model.fused_available
    w = random_weights(model, 8)
    x = np.random.default_rng(9).normal(size=(3, 1, 1)).astype(np.float32)
    out = model(as_x(x))
    h = np.full((1, 2), sigmoid(0.5))
    for t in range(3):
        h = sigmoid(
            x[t] @ w["rnn.weight_ih_l0"].T
            + w["rnn.bias_ih_l0"]
            + h @ w["rnn.weight_hh_l0"].T
            + w["rnn.bias_hh_l0"]
        )
        np.testing.assert_allclose(out.y[t].detach(), h, atol=1e-6)
