"""The recurrent matrices' spectra: what makes gradients through time vanish or explode.

For each square recurrent matrix W (per gate block for LSTM / GRU):

    rho(W)     = max_k |lambda_k(W)|          (spectral radius)
    sigma_1(W) = sqrt(lambda_max(W^T W))      (largest singular value)

A linear recurrence h_t = W h_{t-1} carries a gradient back by W^T per step, so rho < 1 makes
it vanish and rho > 1 lets it explode; ||dh_t/dh_{t-1}|| <= sigma_1 * max|f'| bounds it
(Pascanu, Mikolov & Bengio 2013).

They are computed lazily, off the training path: a recorded step keeps the matrices
(``StepRecord.recurrent``) and whoever shows the record asks for its spectra (the window for
the step on screen, on a helper thread; ``rnnviz export`` for every kept record). An
eigendecomposition is O(H^3) against a training step's O(T B H^2): at H = 512, T = 50, B = 32
the four LSTM gate blocks take about 4 plain steps, so computing them in the step made a
recorded step 4.6x a plain one (bench/bench_engine.py).
"""

from __future__ import annotations

import math

import numpy as np
import torch


def spectra(matrices: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
    """(rho, sigma_1) per matrix; rho is NaN for a non-square one (not a map of a space to
    itself), both are NaN for a matrix with a NaN or infinite entry."""
    return decompose(matrices)[0]


def decompose(
    matrices: dict[str, np.ndarray],
) -> tuple[dict[str, tuple[float, float]], dict[str, np.ndarray]]:
    """({name: (rho, sigma_1)}, {name: eigenvalues, complex128 [H]}) of the matrices.

    One batched LAPACK call per shape, in float32 like the weights (torch's geev: relative
    error ~1e-6, far below what a plot shows). Each matrix is divided by its largest |entry|
    first and the results multiplied back (rho(sW) = s rho(W)), so huge but finite weights
    (an exploding run) neither overflow float32 nor make LAPACK fail."""
    radius_sigma: dict[str, tuple[float, float]] = {}
    eigenvalues: dict[str, np.ndarray] = {}
    by_shape: dict[tuple, list[str]] = {}
    scales: dict[str, float] = {}
    for name, m in matrices.items():
        scale = float(np.max(np.abs(m))) if m.size else 0.0
        if not math.isfinite(scale):
            radius_sigma[name] = (math.nan, math.nan)
            eigenvalues[name] = np.full(m.shape[0] if m.ndim else 0, np.nan + 0j)
        elif scale == 0.0:
            radius_sigma[name] = (0.0 if _square(m) else math.nan, 0.0)
            eigenvalues[name] = np.zeros(m.shape[0] if _square(m) else 0, np.complex128)
        elif not _square(m):
            radius_sigma[name] = (math.nan, scale * float(np.linalg.norm(m / scale, ord=2)))
            eigenvalues[name] = np.empty(0, np.complex128)
        else:
            scales[name] = scale
            by_shape.setdefault(m.shape, []).append(name)
    for names in by_shape.values():
        stack = np.stack([matrices[n] / scales[n] for n in names])  # [N, H, H], |entries| <= 1
        for name, eig, sigma in zip(names, *_batched(stack), strict=True):
            s = scales[name]
            eigenvalues[name] = eig * s
            radius_sigma[name] = (s * float(np.abs(eig).max()), s * sigma)
    return radius_sigma, eigenvalues


def _square(m: np.ndarray) -> bool:
    return m.ndim == 2 and m.shape[0] == m.shape[1]


def _batched(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(eigenvalues [N, H] complex128, sigma_1 [N]) of a stack of scaled matrices; a stack
    LAPACK cannot decompose in float32 goes one matrix at a time in float64."""
    try:
        t = torch.from_numpy(stack).float()
        eig = torch.linalg.eigvals(t).numpy().astype(np.complex128)
        sigma = torch.linalg.eigvalsh(t.mT @ t)[:, -1].clamp(min=0).sqrt().double().numpy()
        return eig, sigma
    except RuntimeError:  # torch's LinAlgError: geev did not converge (rare)
        return _one_at_a_time(stack)


def _one_at_a_time(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    eigs, sigmas = [], []
    for m in stack.astype(np.float64):
        try:
            eigs.append(np.linalg.eigvals(m))
            sigmas.append(np.linalg.norm(m, ord=2))
        except np.linalg.LinAlgError:
            eigs.append(np.full(m.shape[0], np.nan + 0j))
            sigmas.append(math.nan)
    return np.stack(eigs), np.asarray(sigmas)


#: the largest slope max |f'(a)| of each activation: tanh'(0) = 1, sigmoid'(0) = 1/4
MAX_SLOPE = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}
#: |gain - 1| within this reads as "about 1" (a run walking towards 1, e.g. w = 1.0009)
NEUTRAL_BAND = 0.01


def max_slope(spec, matrix: str) -> float:
    """max |f'| of the nonlinearity a recurrent matrix feeds, by its name: an LSTM / GRU
    gate block ``... (i)`` etc. feeds a sigmoid (1/4), the cell input ``(g)`` and GRU's
    candidate ``(n)`` their activation; an Elman / Jordan / IRNN matrix the layer's."""
    block = matrix.rsplit("(", 1)[1].rstrip(")") if matrix.endswith(")") else ""
    if block in ("i", "f", "o", "r", "u"):
        return MAX_SLOPE["sigmoid"]
    if block == "g":
        return MAX_SLOPE.get(spec.cell_input_activation, 1.0)
    if block == "n":
        return MAX_SLOPE["tanh"]
    if spec.kind == "irnn":
        return MAX_SLOPE["relu"]
    return MAX_SLOPE.get(spec.activation, 1.0)


def verdict(radius: float, sigma: float, slope: float = 1.0) -> str:
    """What the Jacobian dh_t/dh_{t-1} = diag(f'(a_t)) W says about the gradient carried back
    one step, as the lecture reads it: its norm is at most sigma_1(W) max|f'|, and over many
    steps the product of the Jacobians grows like (rho(W) f')^k while the units stay where
    f' is largest. Within ``NEUTRAL_BAND`` of 1 the gain reads as about 1."""
    gain, bound = radius * slope, sigma * slope
    factor = "" if slope == 1.0 else f" × max f′ {slope:g}"
    if not (gain == gain and bound == bound):  # NaN: a diverged run
        return "unknown (the weights are not finite)"
    if bound < 1.0 - NEUTRAL_BAND:
        return f"σ_max{factor} = {bound:.3g} < 1: every step back shrinks the gradient (vanishing)"
    if abs(gain - 1.0) <= NEUTRAL_BAND:
        return f"ρ{factor} = {gain:.4g} ≈ 1: the gradient is carried back about unchanged"
    if gain > 1.0:
        return f"ρ{factor} = {gain:.3g} > 1: the gradient can grow step after step (exploding)"
    return (
        f"ρ{factor} = {gain:.3g} < 1 but σ_max{factor} = {bound:.3g} ≥ 1: the gradient can grow "
        "for a few steps, but shrinks over many"
    )


def model_verdict(spec, radius: float, sigma: float, slope: float = 1.0) -> str:
    """``verdict`` with what it leaves out for the models with another way back through time:
    a Clockwork module meets W only at its updates (between them dh_t/dh_{t-1} is the
    identity on its units), and an SCRN's gradient also flows back through the context, where
    ds_t/ds_{t-1} = alpha I exactly."""
    text = verdict(radius, sigma, slope)
    if spec.kind == "clockwork":
        return (
            f"at a step where a module updates, {text}; between its updates (T_i - 1 steps) "
            "a module carries its gradient back unchanged"
        )
    if spec.kind == "scrn":
        return (
            f"{text} on the hidden chain; through the context s the gradient shrinks by "
            f"exactly α = {spec.context_alpha:g} per step back"
        )
    return text
