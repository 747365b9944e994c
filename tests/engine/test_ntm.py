"""The Neural Turing Machine against a numpy float64 reference written here (addressing, read,
write, the whole step with its LSTM controller), its ranges, its gradients against finite
differences, and its bad settings."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.func import functional_call

from rnnviz.engine.models import build_model, ntm_heads
from rnnviz.engine.spec import ModelSpec, SpecError

TOL = 1e-6


# -- the reference (numpy, float64), straight from the paper's equations ---------------------
def np_softmax(z):
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def np_softplus(z):
    return np.log1p(np.exp(z))


def np_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def np_address(M, w_prev, key, beta, g, shift, gamma):
    """One head: M [N, W], w_prev [N], key [W], scalars, shift [2s+1] -> w [N]."""
    N = M.shape[0]
    norms = np.linalg.norm(key) * np.linalg.norm(M, axis=1)  # [N]
    cos = np.array([key @ M[i] for i in range(N)]) / (norms + 1e-8)
    w_c = np_softmax(beta * cos)
    w_g = g * w_c + (1 - g) * w_prev
    s = (len(shift) - 1) // 2
    w_s = np.zeros(N)
    for i in range(N):
        for j in range(N):
            offset = (i - j) % N  # the shift that carries slot j to slot i
            for k, o in enumerate(range(-s, s + 1)):
                if o % N == offset:
                    w_s[i] += w_g[j] * shift[k]
    w = w_s**gamma
    return w / w.sum()


def np_write(M, ws, erases, adds):
    """All write heads erase, then all add: M [N, W], per head w [N], e [W], a [W]."""
    out = M.copy()
    for w, e in zip(ws, erases, strict=True):
        out = out * (1 - np.outer(w, e))
    for w, a in zip(ws, adds, strict=True):
        out = out + np.outer(w, a)
    return out


def random_head(rng, N, W, s):
    return dict(
        key=rng.normal(size=W),
        beta=np_softplus(rng.normal() * 3),
        g=np_sigmoid(rng.normal() * 2),
        shift=np_softmax(rng.normal(size=2 * s + 1) * 2),
        gamma=1 + np_softplus(rng.normal() * 2),
    )


def torch_head(heads):
    """Per-head dicts -> batched torch params [1, K, ...]."""
    return {k: torch.tensor(np.array([h[k] for h in heads]))[None] for k in heads[0]}


@pytest.mark.parametrize("N, W, s", [(7, 3, 1), (10, 4, 2), (5, 2, 0)])
def test_addressing_read_and_write_against_numpy_over_several_steps(N, W, s):
    rng = np.random.default_rng(N * 10 + s)
    M = rng.normal(size=(N, W))
    M_t = torch.tensor(M)[None]
    w_prev = [np_softmax(rng.normal(size=N)) for _ in range(2)]
    w_prev_t = torch.tensor(np.array(w_prev))[None]
    for _step in range(5):
        heads = [random_head(rng, N, W, s) for _ in range(2)]
        expected = [np_address(M, w_prev[k], **heads[k]) for k in range(2)]
        got = ntm_heads.address(M_t, w_prev_t, torch_head(heads))  # [1, 2, N]
        np.testing.assert_allclose(got[0].numpy(), np.array(expected), atol=TOL, rtol=0)
        np.testing.assert_allclose(got.sum(-1).numpy(), 1.0, atol=1e-12)
        read = ntm_heads.read(M_t, got)
        np.testing.assert_allclose(read[0].numpy(), np.array(expected) @ M, atol=TOL, rtol=0)
        erases = [np_sigmoid(rng.normal(size=W)) for _ in range(2)]
        adds = [np.tanh(rng.normal(size=W)) for _ in range(2)]
        M = np_write(M, expected, erases, adds)
        M_t = ntm_heads.write(
            M_t, got, torch.tensor(np.array(erases))[None], torch.tensor(np.array(adds))[None]
        )
        np.testing.assert_allclose(M_t[0].numpy(), M, atol=TOL, rtol=0)
        w_prev, w_prev_t = expected, got


def np_ntm(weights, spec, x):
    """The whole model (LSTM controller, one read and one write head) in numpy float64."""
    N, W, s = spec.memory_slots, spec.memory_width, spec.shift_range
    H = spec.hidden_size
    w = {k: v.astype(np.float64) for k, v in weights.items()}
    M = np.full((N, W), 1e-6)
    r = w["read_init"][0]
    w0 = np_softmax(w["weight_init"])
    w_read, w_write = w0[0], w0[1]
    h, c = np.zeros(H), np.zeros(H)
    ys, read_ws, write_ws, mems = [], [], [], []
    size = W + 3 + 2 * s + 1
    for x_t in x:
        u = np.concatenate([x_t, r])
        z = w["rnn.weight_ih_l0"] @ u + w["rnn.bias_ih_l0"] + w["rnn.weight_hh_l0"] @ h
        z = z + w["rnn.bias_hh_l0"]
        i, f, g, o = np.split(z, 4)
        c = np_sigmoid(f) * c + np_sigmoid(i) * np.tanh(g)
        h = np_sigmoid(o) * np.tanh(c)
        p = np.clip(w["heads.weight"] @ h + w["heads.bias"], -20, 20)

        def head(q):
            return dict(
                key=q[:W],
                beta=np_softplus(q[W]),
                g=np_sigmoid(q[W + 1]),
                shift=np_softmax(q[W + 2 : W + 3 + 2 * s]),
                gamma=1 + np_softplus(q[W + 3 + 2 * s]),
            )

        q_read, q_write = p[:size], p[size:]
        w_read = np_address(M, w_read, **head(q_read))
        w_write = np_address(M, w_write, **head(q_write))
        r = w_read @ M
        erase = np_sigmoid(q_write[size : size + W])
        add = np.tanh(q_write[size + W :])
        M = np_write(M, [w_write], [erase], [add])
        ys.append(w["head.weight"] @ np.concatenate([h, r]) + w["head.bias"])
        read_ws.append(w_read)
        write_ws.append(w_write)
        mems.append(M)
    return np.array(ys), np.array(read_ws), np.array(write_ws), np.array(mems)


def small_spec(**changes):
    base = dict(kind="ntm", input_size=3, output_size=2, hidden_size=4)
    base.update(memory_slots=6, memory_width=3, shift_range=1)
    return ModelSpec(**(base | changes))


def test_the_whole_step_against_numpy():
    spec = small_spec()
    model = build_model(spec, seed=3).double()
    with torch.no_grad():  # larger head outputs than the initialisation gives: sharper heads
        model.heads.weight.mul_(4.0)
    x = torch.randn(6, 2, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    out = model(x)
    weights = {k: v.detach().numpy() for k, v in model.named_parameters()}
    for b in range(2):
        y, read_w, write_w, memory = np_ntm(weights, spec, x[:, b].numpy())
        np.testing.assert_allclose(out.y[:, b].detach().numpy(), y, atol=TOL, rtol=0)
        ntm = {k: v[:, b].detach().numpy() for k, v in out.trace["ntm"].items()}
        np.testing.assert_allclose(ntm["read_weights"][:, 0], read_w, atol=TOL, rtol=0)
        np.testing.assert_allclose(ntm["write_weights"][:, 0], write_w, atol=TOL, rtol=0)
        np.testing.assert_allclose(ntm["memory"], memory, atol=TOL, rtol=0)


@pytest.mark.parametrize("controller", ["lstm", "feedforward"])
def test_trace_shapes_weightings_sum_to_one_and_ranges_hold_for_huge_outputs(controller):
    spec = small_spec(read_heads=2, write_heads=2, controller=controller)
    model = build_model(spec, seed=1)
    with torch.no_grad():
        model.heads.bias.copy_(torch.linspace(-1e4, 1e4, model.heads.bias.numel()))
    T, B = 5, 3
    out = model(torch.randn(T, B, 3))
    ntm = out.trace["ntm"]
    assert ntm["read_weights"].shape == (T, B, 2, 6) == ntm["write_weights"].shape
    assert ntm["memory"].shape == (T, B, 6, 3)
    assert ntm["read_shift"].shape == (T, B, 2, 3)
    for name in ("read_weights", "write_weights", "read_shift", "write_shift"):
        assert torch.allclose(ntm[name].sum(-1), torch.ones(()), atol=1e-5), name
        assert (ntm[name] >= 0).all()
    for side in ("read", "write"):
        assert (ntm[f"{side}_beta"] >= 0).all() and (ntm[f"{side}_gamma"] >= 1).all()
        assert ((ntm[f"{side}_g"] >= 0) & (ntm[f"{side}_g"] <= 1)).all()
    assert ((ntm["erase"] >= 0) & (ntm["erase"] <= 1)).all()
    assert torch.isfinite(out.y).all()
    assert out.y.shape == (T, B, 2)


@pytest.mark.parametrize("controller", ["lstm", "feedforward"])
def test_gradients_against_finite_differences(controller):
    spec = small_spec(memory_slots=5, memory_width=2, hidden_size=3, controller=controller)
    model = build_model(spec, seed=2).double()
    names = [n for n, _ in model.named_parameters()]
    x = torch.randn(4, 1, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    x.requires_grad_(True)
    params = [p.detach().clone().requires_grad_(True) for p in model.parameters()]

    def loss(x, *values):
        out = functional_call(model, dict(zip(names, values, strict=True)), (x,))
        return (out.y.sin() * torch.arange(1.0, 3.0, dtype=torch.float64)).sum()

    # fast mode: the Jacobian checked along random directions (every parameter moves)
    assert torch.autograd.gradcheck(loss, (x, *params), eps=1e-6, atol=1e-6, fast_mode=True)


def test_addressing_gradients_against_finite_differences():
    g = torch.Generator().manual_seed(5)

    def rand(*shape):
        return torch.randn(*shape, dtype=torch.float64, generator=g).requires_grad_(True)

    memory, w_prev = rand(1, 5, 3), torch.softmax(rand(1, 2, 5), -1).detach().requires_grad_(True)

    def addressed(memory, w_prev, key, beta, gate, shift, gamma):
        params = dict(key=key, beta=beta.abs(), g=gate.sigmoid(), shift=shift.softmax(-1))
        return ntm_heads.address(memory, w_prev, params | {"gamma": 1 + gamma.abs()})

    inputs = (memory, w_prev, rand(1, 2, 3), rand(1, 2), rand(1, 2), rand(1, 2, 3), rand(1, 2))
    assert torch.autograd.gradcheck(addressed, inputs)
    weights = torch.softmax(rand(1, 2, 5), -1).detach().requires_grad_(True)
    erase = torch.sigmoid(rand(1, 2, 3)).detach().requires_grad_(True)
    assert torch.autograd.gradcheck(ntm_heads.write, (memory, weights, erase, rand(1, 2, 3)))


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"memory_slots": 0}, "model.memory_slots (NTM memory slots N)"),
        ({"memory_slots": 8, "shift_range": 8}, "shift_range"),
        ({"memory_slots": 8, "shift_range": 4}, "at most (memory_slots - 1) / 2 = 3"),
        ({"memory_width": 0}, "model.memory_width"),
        ({"read_heads": 0}, "model.read_heads"),
        ({"write_heads": 9}, "model.write_heads"),
        ({"shift_range": -1}, "model.shift_range"),
        ({"controller": "gru"}, "model.controller"),
        ({"num_layers": 2}, "one unidirectional controller layer"),
        ({"bidirectional": True}, "one unidirectional controller layer"),
        ({"head": "identity", "output_size": 7}, "linear head"),
    ],
)
def test_bad_settings_are_one_sentence(changes, words):
    with pytest.raises(SpecError) as err:
        small_spec(**changes)
    message = str(err.value)
    assert words in message and "\n" not in message and "Traceback" not in message


def test_shift_range_is_checked_from_a_dict_as_from_the_sidebar():
    data = small_spec().to_dict() | {"shift_range": 6}
    with pytest.raises(SpecError, match="lands on a different one of the 6 memory slots"):
        ModelSpec.from_dict(data)
