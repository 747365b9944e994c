"""Clockwork RNN and SCRN against numpy float64 references written here from the papers'
equations, finite differences and the Elman equivalences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnviz.engine.models import build_model
from rnnviz.engine.models.scrn import run_scrn
from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import ModelSpec, SpecError
from rnnviz.engine.tasks import make_task
from rnnviz.engine.train_config import TrainConfig
from rnnviz.engine.trainer import Trainer


def randn(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def weights64(model) -> dict[str, np.ndarray]:
    return {k: v.astype(np.float64) for k, v in model.get_weights().items()}


# -- Clockwork ---------------------------------------------------------------------------------
def clockwork_reference(w, x, periods, reverse=False, sfx="_l0", act=np.tanh):
    """Koutník et al. 2014 in numpy float64: module i (of k = H/g units) updates at (reading)
    step t when t mod T_i == 0; it reads modules with T_j >= T_i only."""
    w_ih, w_hh = w[f"rnn.weight_ih{sfx}"], w[f"rnn.weight_hh{sfx}"]
    b = w[f"rnn.bias_ih{sfx}"] + w[f"rnn.bias_hh{sfx}"]
    H = w_hh.shape[0]
    k = H // len(periods)
    unit_period = np.array([periods[j // k] for j in range(H)])
    allowed = unit_period[None, :] >= unit_period[:, None]  # [H, H]
    T, B, _ = x.shape
    h = np.zeros((B, H))
    a_out, h_out, on_out = np.zeros((T, B, H)), np.zeros((T, B, H)), np.zeros((T, B, H))
    order = range(T - 1, -1, -1) if reverse else range(T)
    for step, t in enumerate(order):
        on = step % unit_period == 0  # [H]
        a = x[t] @ w_ih.T + b + h @ (w_hh * allowed).T
        h = np.where(on, act(a), h)
        a_out[t], h_out[t], on_out[t] = np.where(on, a, 0.0), h, on
    return a_out, h_out, on_out


@pytest.mark.parametrize("periods", [(1, 2, 4, 8), (1, 3, 3), (2, 5)])
def test_clockwork_trace_matches_numpy(periods):
    H = 2 * len(periods)
    spec = ModelSpec(kind="clockwork", input_size=2, hidden_size=H, clock_periods=periods)
    model = build_model(spec, seed=1)
    x = randn(11, 3, 2, seed=2)
    out = model(x)
    w = weights64(model)
    a, h, on = clockwork_reference(w, x.double().numpy(), periods)
    tr = {k: v.detach().double().numpy() for k, v in out.trace["L0.fwd"].items()}
    np.testing.assert_allclose(tr["a"], a, atol=1e-5)
    np.testing.assert_allclose(tr["h"], h, atol=1e-5)
    np.testing.assert_array_equal(tr["active"], on)
    y = h @ w["head.weight"].T + w["head.bias"]
    np.testing.assert_allclose(out.y.detach().numpy(), y, atol=1e-5)


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_clockwork_activation_is_choosable(activation):
    acts = {"sigmoid": lambda a: 1 / (1 + np.exp(-a)), "relu": lambda a: np.maximum(a, 0)}
    spec = ModelSpec(
        kind="clockwork", input_size=2, hidden_size=4, clock_periods=(1, 2), activation=activation
    )
    model = build_model(spec, seed=3)
    x = randn(8, 2, 2, seed=5)
    _, h, _ = clockwork_reference(
        weights64(model), x.double().numpy(), (1, 2), act=acts[activation]
    )
    np.testing.assert_allclose(model(x).trace["L0.fwd"]["h"].detach(), h, atol=1e-5)


def test_bidirectional_stacked_clockwork_matches_numpy():
    periods = (1, 2)
    spec = ModelSpec(
        kind="clockwork", input_size=1, hidden_size=4, clock_periods=periods,
        num_layers=2, bidirectional=True,
    )  # fmt: skip
    model = build_model(spec, seed=3)
    x = randn(7, 2, 1, seed=4)
    out = model(x)
    w = weights64(model)
    _, fwd, _ = clockwork_reference(w, x.double().numpy(), periods)
    _, bwd, on_b = clockwork_reference(w, x.double().numpy(), periods, True, "_l0_reverse")
    np.testing.assert_allclose(out.trace["L0.bwd"]["h"].detach().numpy(), bwd, atol=1e-5)
    np.testing.assert_array_equal(out.trace["L0.bwd"]["active"].numpy(), on_b)
    assert on_b[6, 0].all() and not on_b[5, 0, 2:].any()  # the backward chain starts at t=6
    _, top, _ = clockwork_reference(w, np.concatenate([fwd, bwd], -1), periods, False, "_l1")
    np.testing.assert_allclose(out.trace["L1.fwd"]["h"].detach().numpy(), top, atol=1e-5)


def test_an_inactive_module_keeps_its_value_bit_for_bit():
    spec = ModelSpec(kind="clockwork", input_size=1, hidden_size=6, clock_periods=(1, 2, 4))
    h = build_model(spec, seed=0)(randn(9, 2, 1)).trace["L0.fwd"]["h"]
    for t in range(1, 9):
        for module, period in enumerate((1, 2, 4)):
            units = slice(2 * module, 2 * module + 2)
            kept = torch.equal(h[t, :, units], h[t - 1, :, units])
            assert kept == (t % period != 0) or period == 1


def test_masked_blocks_stay_zero_with_zero_gradient_through_training():
    spec = ModelSpec(kind="clockwork", hidden_size=8, clock_periods=(1, 2, 4, 8))
    task = make_task("sine_generation", seq_len=24)
    config = TrainConfig(optimizer="adam", lr=0.05, batch_size=2)
    trainer = Trainer(spec, task, config)
    w_hh = trainer.model.rnn.weight_hh_l0
    # 4 modules of 2 units: the blocks below the block diagonal are masked
    block = torch.kron(torch.ones(4, 4).triu(), torch.ones(2, 2)) == 0
    zeros = torch.zeros(int(block.sum()))
    for step in range(6):
        rec = trainer.step(record=step % 2 == 0)
        assert torch.equal(w_hh.grad[block], zeros)
        assert w_hh.grad[~block].abs().sum() > 0
        assert torch.equal(w_hh.detach()[block], zeros)
        if rec.full:
            assert np.all(rec.recurrent["L0.fwd W_hh"][block.numpy()] == 0)


def test_clockwork_with_every_period_one_is_the_elman_model():
    cw = build_model(
        ModelSpec(kind="clockwork", input_size=2, hidden_size=6, clock_periods=(1, 1, 1)), seed=5
    )
    elman = build_model(ModelSpec(kind="elman", input_size=2, hidden_size=6), seed=9)
    elman.set_weights(cw.get_weights())
    x = randn(10, 3, 2)
    np.testing.assert_allclose(cw(x).y.detach(), elman(x).y.detach(), rtol=0, atol=1e-7)
    np.testing.assert_allclose(cw(x).y.detach(), elman.forward_fused(x).detach(), atol=1e-6)


def test_default_periods_are_powers_of_two_fastest_first():
    spec = ModelSpec(kind="clockwork", hidden_size=8)
    assert spec.clock_periods == (1, 2, 4, 8)  # T_i = 2^i
    active = build_model(spec, seed=0)(randn(9, 1, 1)).trace["L0.fwd"]["active"][:, 0]
    assert active[0].all()  # t = 0: every module updates
    # updates in t = 0..8 per unit (2 units a module): every t; even t; 0, 4, 8; 0, 8
    assert active.sum(0).tolist() == [9, 9, 5, 5, 3, 3, 2, 2]


def test_clockwork_options_are_refused_with_a_reason():
    with pytest.raises(SpecError, match="divisible by 4"):
        ModelSpec(kind="clockwork", hidden_size=6, clock_periods=(1, 2, 4, 8))
    with pytest.raises(SpecError, match="must not decrease"):
        ModelSpec(kind="clockwork", hidden_size=4, clock_periods=(4, 1))
    with pytest.raises(SpecError, match="at least one period"):
        ModelSpec(kind="clockwork", clock_periods=())
    with pytest.raises(SpecError, match="clock_periods"):
        ModelSpec(kind="clockwork", clock_periods=(1, 0))
    spec = ModelSpec.from_dict({"kind": "clockwork", "clock_periods": [1, 2, 4, 8]})
    assert spec.clock_periods == (1, 2, 4, 8)
    preset = load_preset("clockwork_sines").with_settings({"model.clock_periods": "1,3,9"})
    assert preset.model.clock_periods == (1, 3, 9)
    with pytest.raises(SpecError, match="list of whole numbers"):
        load_preset("clockwork_sines").with_settings({"model.clock_periods": "1,2.5"})


# -- SCRN --------------------------------------------------------------------------------------
def scrn_reference(w, x, alpha, act=np.tanh):
    """Mikolov et al. 2015 (the paper's equations) in numpy float64."""
    B_, A, P = (w[f"rnn.{n}_l0"] for n in ("weight_is", "weight_ih", "weight_sh"))
    R, b = w["rnn.weight_hh_l0"], w["rnn.bias_h_l0"]
    T, batch, _ = x.shape
    s, h = np.zeros((batch, B_.shape[0])), np.zeros((batch, R.shape[0]))
    out = {k: [] for k in ("s", "a", "h", "y")}
    for t in range(T):
        s = (1 - alpha) * x[t] @ B_.T + alpha * s
        a = s @ P.T + x[t] @ A.T + h @ R.T + b
        h = act(a)
        y = np.concatenate([h, s], -1) @ w["head.weight"].T + w["head.bias"]
        for k, v in zip(out, (s, a, h, y), strict=True):
            out[k].append(v)
    return {k: np.stack(v) for k, v in out.items()}


@pytest.mark.parametrize(("alpha", "activation"), [(0.95, "sigmoid"), (0.3, "tanh"), (0.0, "relu")])
def test_scrn_trace_matches_the_papers_equations(alpha, activation):
    spec = ModelSpec(
        kind="scrn", input_size=3, hidden_size=4, context_size=2, output_size=2,
        context_alpha=alpha, activation=activation,
    )  # fmt: skip
    model = build_model(spec, seed=2)
    x = randn(12, 2, 3, seed=1)
    out = model(x)
    acts = {"sigmoid": lambda a: 1 / (1 + np.exp(-a)), "tanh": np.tanh}
    act = acts.get(activation, lambda a: np.maximum(a, 0))
    ref = scrn_reference(weights64(model), x.double().numpy(), alpha, act)
    for name in ("s", "a", "h"):
        np.testing.assert_allclose(out.trace["L0.fwd"][name].detach(), ref[name], atol=1e-5)
    np.testing.assert_allclose(out.y.detach(), ref["y"], atol=1e-5)


def test_scrn_has_exactly_the_papers_parameters():
    spec = ModelSpec(kind="scrn", input_size=3, hidden_size=4, context_size=2, output_size=5)
    shapes = {n: tuple(p.shape) for n, p in build_model(spec).named_parameters()}
    assert shapes == {
        "rnn.weight_is_l0": (2, 3),  # B
        "rnn.weight_ih_l0": (4, 3),  # A
        "rnn.weight_sh_l0": (4, 2),  # P
        "rnn.weight_hh_l0": (4, 4),  # R
        "rnn.bias_h_l0": (4,),
        "head.weight": (5, 6),  # reads concat(h_t, s_t)
        "head.bias": (5,),
    }


def test_scrn_without_context_is_an_elman_chain():
    spec = ModelSpec(kind="scrn", input_size=2, hidden_size=3, context_size=2, context_alpha=0.0)
    scrn = build_model(spec, seed=4)
    scrn.set_weights({"rnn.weight_sh_l0": np.zeros((3, 2))})
    w = scrn.get_weights()
    elman = build_model(ModelSpec(kind="elman", input_size=2, hidden_size=3))
    elman.set_weights(
        {
            "rnn.weight_ih_l0": w["rnn.weight_ih_l0"],
            "rnn.weight_hh_l0": w["rnn.weight_hh_l0"],
            "rnn.bias_ih_l0": w["rnn.bias_h_l0"],
            "rnn.bias_hh_l0": np.zeros(3),
        }
    )
    x = randn(9, 2, 2)
    torch.testing.assert_close(scrn(x).trace["L0.fwd"]["h"], elman(x).trace["L0.fwd"]["h"])


def test_alpha_stays_fixed_under_training():
    spec = ModelSpec(kind="scrn", hidden_size=4, context_size=3, context_alpha=0.9)
    trainer = Trainer(spec, make_task("sine", seq_len=10), TrainConfig(lr=0.05, batch_size=4))
    for step in range(5):
        rec = trainer.step(record=step == 4)
    assert trainer.model.spec.context_alpha == 0.9
    assert not any("alpha" in n for n in trainer.params)
    x = randn(10, 2, 1)
    ref = scrn_reference(weights64(trainer.model), x.double().numpy(), 0.9)
    np.testing.assert_allclose(trainer.model(x).trace["L0.fwd"]["s"].detach(), ref["s"], atol=1e-5)
    assert rec.sample.trace["L0.fwd"]["s"].shape == (10, 3)
    assert set(rec.dh_norm) == {"L0.fwd"}


def test_scrn_options_are_refused_with_a_reason():
    with pytest.raises(SpecError, match="context_alpha"):
        ModelSpec(kind="scrn", context_alpha=1.0)
    with pytest.raises(SpecError, match="context_alpha"):
        ModelSpec(kind="scrn", context_alpha=-0.1)
    with pytest.raises(SpecError, match="one unidirectional layer"):
        ModelSpec(kind="scrn", num_layers=2)
    with pytest.raises(SpecError, match="one unidirectional layer"):
        ModelSpec(kind="scrn", bidirectional=True)


# -- both: truncation and gradients against finite differences
@pytest.mark.parametrize(
    "spec", [dict(kind="clockwork", clock_periods=(1, 2)), dict(kind="scrn", context_size=2)]
)
def test_truncation_cuts_the_gradient_of_both(spec):
    model = build_model(ModelSpec(input_size=2, hidden_size=4, **spec), seed=0)
    x = randn(9, 2, 2, seed=3)
    out = model(x, truncate=4, keep_states=True)
    hs = out.states["L0.fwd"]["h"]
    grads = torch.autograd.grad(
        out.y[8].sum(), hs, allow_unused=True, materialize_grads=True, retain_graph=True
    )
    assert all(g.abs().max().item() == 0 for g in grads[:8])  # s is cut too (SCRN)
    assert grads[8].abs().max().item() > 0
    grads = torch.autograd.grad(out.y[7].sum(), hs, allow_unused=True, materialize_grads=True)
    assert all(g.abs().max().item() == 0 for g in grads[:4]) and grads[4].abs().max() > 0
    assert torch.equal(out.y, model(x).y)


@pytest.mark.parametrize(
    "spec",
    [
        dict(kind="clockwork", hidden_size=4, clock_periods=(1, 3)),
        dict(kind="clockwork", hidden_size=2, clock_periods=(1, 2), bidirectional=True),
        dict(kind="scrn", hidden_size=3, context_size=2, context_alpha=0.8),
    ],
)
def test_gradients_match_finite_differences(spec):
    model = build_model(ModelSpec(input_size=2, output_size=1, **spec), seed=7).double()
    x = randn(7, 2, 2, seed=8).double()

    def loss() -> torch.Tensor:
        return model(x).y.pow(2).sum()

    grads = torch.autograd.grad(loss(), list(model.parameters()))
    eps = 1e-6
    with torch.no_grad():
        for p, g in zip(model.parameters(), grads, strict=True):
            flat, g_flat = p.view(-1), g.reshape(-1)
            for i in range(flat.numel()):
                old = flat[i].item()
                flat[i] = old + eps
                up = loss().item()
                flat[i] = old - eps
                down = loss().item()
                flat[i] = old
                assert g_flat[i].item() == pytest.approx((up - down) / (2 * eps), abs=1e-7)


# -- the sine-generation task and the settings round trip ----------------------------------------
def test_sine_generation_is_a_fixed_signal_from_no_input():
    task = make_task("sine_generation", seq_len=40, n_waves=1)
    batch = task.batch(3, 2)
    assert torch.equal(batch.x, torch.zeros(40, 2, 1))
    y = batch.y[:, 0, 0].double().numpy()
    np.testing.assert_allclose(y[20:], -y[:20], atol=1e-6)  # one sine of period 40
    assert torch.equal(batch.y, task.batch(4, 2).y)
    four = make_task("sine_generation")
    np.testing.assert_allclose(four.periods, [320, 320 / 16 ** (1 / 3), 320 / 16 ** (2 / 3), 20])
    guess = torch.zeros(320, 1, 1)
    target = four.batch(0, 1)
    assert four.metrics(guess, target)["nmse"] == pytest.approx(
        float((target.y**2).mean()) / float(target.y.var(unbiased=False)), rel=1e-5
    )


def test_specs_survive_a_json_round_trip():
    import json

    for spec in (
        ModelSpec(kind="clockwork", hidden_size=6, clock_periods=(1, 3, 9)),
        ModelSpec(kind="scrn", context_size=5, context_alpha=0.5),
    ):
        assert ModelSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


def test_the_recurrent_matrix_verdicts_name_the_other_way_back():
    """What model_verdict adds, checked on the Jacobians themselves."""
    from rnnviz.engine.spectra import model_verdict

    cw = ModelSpec(kind="clockwork", input_size=1, hidden_size=4, clock_periods=(1, 2))
    out = build_model(cw, seed=0)(randn(2, 1, 1), keep_states=True)
    h0, h1 = out.states["L0.fwd"]["h"]
    for unit in (2, 3):  # the period-2 module keeps its value at t = 1
        (row,) = torch.autograd.grad(h1[0, unit], h0, retain_graph=True)
        assert torch.equal(row[0], torch.eye(4)[unit])
    assert "between its updates (T_i - 1 steps)" in model_verdict(cw, 0.5, 0.5)
    scrn = ModelSpec(kind="scrn", input_size=1, hidden_size=2, context_size=3, context_alpha=0.7)
    bx = randn(2, 1, 3).requires_grad_(True)  # B x_t; s_0 = 0.3 bx_0, s_1 = 0.3 bx_1 + 0.7 s_0
    s = run_scrn(bx, randn(2, 1, 2), randn(2, 3), randn(2, 2), torch.zeros(1, 2), 0.7, torch.tanh)
    for k in range(3):
        (row,) = torch.autograd.grad(s.trace["s"][1, 0, k], bx, retain_graph=True)
        expected = torch.zeros(2, 1, 3)
        expected[0, 0, k], expected[1, 0, k] = 0.7 * 0.3, 0.3  # ds_1/ds_0 = 0.7 I
        torch.testing.assert_close(row, expected)
    assert "exactly α = 0.7 per step back" in model_verdict(scrn, 0.5, 0.5)
