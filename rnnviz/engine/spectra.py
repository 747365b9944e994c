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
