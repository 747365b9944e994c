"""The recurrent matrices' spectra against numpy's float64 LAPACK: random, near-defective and
gate-block matrices, huge finite weights, NaN and zero matrices."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.spectra import MAX_SLOPE, decompose, max_slope, spectra, verdict


def _reference(m: np.ndarray) -> tuple[float, float]:
    """rho and sigma_1 in float64 by numpy (a different LAPACK than the engine's torch)."""
    m = np.asarray(m, np.float64)
    radius = float(np.abs(np.linalg.eigvals(m)).max()) if m.shape[0] == m.shape[1] else math.nan
    return radius, float(np.linalg.svd(m, compute_uv=False)[0])


def _near_defective(rng: np.random.Generator, n: int = 24) -> np.ndarray:
    """A random similarity transform of 2 x 2 blocks [[a, 1], [d, a]] with d = 1e-6: each pair
    of eigenvalues a +- 1e-3 is nearly a defective double eigenvalue."""
    blocks = np.zeros((n, n))
    for k in range(0, n, 2):
        a = rng.uniform(-0.9, 0.9)
        blocks[k : k + 2, k : k + 2] = [[a, 1.0], [1e-6, a]]
    basis = np.linalg.qr(rng.standard_normal((n, n)))[0]  # orthogonal: keeps the conditioning
    return basis @ blocks @ basis.T


def _lstm_gate_blocks(rng: np.random.Generator, hidden: int = 32) -> dict[str, np.ndarray]:
    """The four gate blocks of a torch-initialised LSTM W_hh [4H, H] (U(-1/sqrt H, 1/sqrt H))."""
    bound = 1 / math.sqrt(hidden)
    w_hh = rng.uniform(-bound, bound, (4 * hidden, hidden))
    return {f"L0.fwd W_hh ({g})": w_hh[k * hidden : (k + 1) * hidden] for k, g in enumerate("ifgo")}


def _cases() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    return {
        "random": rng.standard_normal((48, 48)) / 7,  # complex eigenvalues
        "near-defective": _near_defective(rng),
        "rotation": np.array([[0.0, -1.2], [1.2, 0.0]]),  # rho 1.2 from a complex pair
        "diagonal": np.diag([0.5, -1.25, 0.75]),
        **_lstm_gate_blocks(rng),
        "tall": rng.standard_normal((8, 3)),  # not square: no eigenvalues
    }


def test_radius_and_sigma_match_numpy_float64():
    result = spectra(_cases())
    for name, m in _cases().items():
        radius, sigma = result[name]
        want_radius, want_sigma = _reference(m)
        assert sigma == pytest.approx(want_sigma, rel=1e-5), name
        if m.shape[0] == m.shape[1]:
            assert radius == pytest.approx(want_radius, rel=1e-4), name
        else:
            assert math.isnan(radius)
    assert result["diagonal"] == pytest.approx((1.25, 1.25))
    assert result["rotation"] == pytest.approx((1.2, 1.2))


def test_eigenvalues_match_numpy():
    m = _cases()["random"]
    _, eig = decompose({"W": m})
    want = np.sort_complex(np.linalg.eigvals(m))
    np.testing.assert_allclose(np.sort_complex(eig["W"]), want, atol=1e-5)


@pytest.mark.parametrize("scale", [1e15, 1e30, 1e-30])
def test_huge_and_tiny_finite_weights(scale):
    """An exploding run's weights (1e30 overflows float32 when squared) give the exact
    spectrum scaled, not a LinAlgError."""
    m = _cases()["random"]
    ((radius, sigma),) = spectra({"W": m * scale}).values()
    want_radius, want_sigma = _reference(m)
    assert radius == pytest.approx(want_radius * scale, rel=1e-4)
    assert sigma == pytest.approx(want_sigma * scale, rel=1e-5)


def test_nan_and_zero_matrices():
    nan = np.eye(3)
    nan[1, 2] = np.nan
    result = spectra({"nan": nan, "inf": np.full((2, 2), np.inf), "zero": np.zeros((4, 4))})
    assert all(math.isnan(v) for v in result["nan"] + result["inf"])
    assert result["zero"] == (0.0, 0.0)


# -- what the spectra say: the verdict of the lecture ------------------------------------------
@pytest.mark.parametrize(
    "radius, sigma, slope, says",
    [
        (0.999, 0.999, 1.0, "≈ 1"),  # a run walking towards 1 from below
        (1.0009, 1.0009, 1.0, "≈ 1"),  # exploding_linear_clipped late on: not "exploding"
        (1.2, 1.2, 1.0, "exploding"),
        (0.5, 0.8, 1.0, "vanishing"),
        (0.9, 1.3, 1.0, "for a few steps"),  # non-normal: sigma above 1, rho below
        (4.02, 4.02, 0.25, "≈ 1"),  # the sigmoid cliff: rho 4.02 but f' <= 1/4
        (3.0, 3.0, 0.25, "vanishing"),  # sigmoid: 3 x 1/4 < 1
        (1.2, 1.2, 0.25, "vanishing"),
    ],
)
def test_verdict_uses_a_band_around_one_and_the_slope(radius, sigma, slope, says):
    text = verdict(radius, sigma, slope)
    assert says in text
    if "exploding" not in says:
        assert "exploding" not in text


def test_max_slope_of_each_kind_of_matrix():
    tanh_rnn = ModelSpec(kind="elman", activation="tanh")
    sigmoid_rnn = ModelSpec(kind="elman", activation="sigmoid")
    linear_lstm = ModelSpec(kind="lstm", cell_input_activation="linear")
    assert max_slope(tanh_rnn, "L0.fwd W_hh") == 1.0
    assert max_slope(sigmoid_rnn, "L0.fwd W_hh") == 0.25
    assert max_slope(ModelSpec(kind="irnn"), "L0.fwd W_hh") == 1.0
    assert max_slope(ModelSpec(kind="elman", activation="relu"), "L0.fwd W_hh") == 1.0
    assert max_slope(linear_lstm, "L0.fwd W_hh (f)") == 0.25
    assert max_slope(linear_lstm, "L0.fwd W_hh (g)") == 1.0
    assert max_slope(ModelSpec(kind="gru"), "L1.bwd W_hh (n)") == 1.0
    assert max_slope(ModelSpec(kind="gru"), "L0.fwd W_hh (u)") == 0.25
    # the slopes themselves, numerically: max over a fine grid of |f'(a)|
    a = torch.linspace(-6, 6, 120001, requires_grad=True)
    for name, fn in (("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu)):
        (slope,) = torch.autograd.grad(fn(a).sum(), a)
        assert float(slope.abs().max()) == pytest.approx(MAX_SLOPE[name], rel=1e-6)
