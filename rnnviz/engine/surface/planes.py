"""Planes through parameter space, and the training path projected onto them.

A plane is ``theta(a, b) = origin + a * d1 + b * d2`` over the *trained* parameters, flattened
in the order of ``trainer.params`` (P values). Three kinds:

- ``exact``: two chosen scalar parameters i and j. ``d1 = e_i``, ``d2 = e_j`` and the origin is
  the current weights with entries i and j set to 0, so (a, b) *are* the two parameters'
  values (the cliff's w and b); every other parameter stays at its current value.
- ``random``: two random Gaussian directions, filter-normalised as in Li et al. 2018
  ("Visualizing the Loss Landscape of Neural Nets"): every row r of a weight matrix W gets
  ``d_r <- d_r * ||W_r|| / ||d_r||`` (a row is one unit's incoming weights, the RNN analogue of
  a convolution filter); a vector parameter (bias, peephole) is normalised as a whole. The
  origin is the current weights, so (0, 0) is the model as it is now.
- ``pca``: the two principal directions of the recorded training trajectory (centred PCA of
  the flattened weights, as in Li et al. section 7), through the current weights.

``project(weights)`` gives each point's plane coordinates (least squares) and its distance
from the plane, ``||theta - theta(a, b)||``, so a path that is not on the drawn surface says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

PLANE_KINDS = ("exact", "random", "pca")


@dataclass(frozen=True)
class Plane:
    """``theta(a, b) = origin + a * directions[0] + b * directions[1]`` (all float64, [P])."""

    kind: str
    origin: np.ndarray  # [P]
    directions: np.ndarray  # [2, P]
    labels: tuple[str, str]  # axis names, e.g. ("rnn.weight_hh_l0", "rnn.bias_hh_l0")
    center: tuple[float, float]  # plane coordinates of the weights the plane was made at
    info: str = ""  # one line for the panel (e.g. PCA's explained variance)
    #: for the pca plane: the half-widths that fit the projected path (None otherwise)
    fit: tuple[float, float] | None = None

    @property
    def size(self) -> int:
        return int(self.origin.size)

    def points(self, coords: np.ndarray) -> np.ndarray:
        """Flat weights [..., P] (float32) at plane coordinates ``coords`` [..., 2]."""
        coords = np.asarray(coords, dtype=np.float64)
        flat = (
            self.origin
            + coords[..., :1] * self.directions[0]
            + coords[..., 1:] * self.directions[1]
        )
        return flat.astype(np.float32)

    def project(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coordinates [K, 2] of the nearest plane points to ``weights`` [K, P], and the
        distances [K] of the weights from the plane (0 when they lie in it)."""
        w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
        delta = w - self.origin  # [K, P]
        d = self.directions  # [2, P]
        gram = d @ d.T  # [2, 2]
        coords = np.linalg.solve(gram, d @ delta.T).T  # [K, 2]
        residual = delta - coords @ d  # [K, P]
        return coords, np.linalg.norm(residual, axis=1)

    def ranges(self, span: float) -> tuple[tuple[float, float], tuple[float, float]]:
        """Default (a, b) ranges: ``center +- span`` (pca: the path's extent times ``span``)."""
        if self.fit is not None:
            ha, hb = self.fit[0] * span, self.fit[1] * span
        else:
            ha = hb = float(span)
        (ca, cb) = self.center
        return (ca - ha, ca + ha), (cb - hb, cb + hb)


# -- which scalars a model has ---------------------------------------------------------------
def scalar_labels(names: Sequence[str], shapes: Sequence[tuple[int, ...]]) -> list[str]:
    """One label per flat index: ``rnn.weight_hh_l0[2, 0]`` (a 1-element tensor: just its name)."""
    labels: list[str] = []
    for name, shape in zip(names, shapes, strict=True):
        count = int(np.prod(shape)) if shape else 1
        if count == 1:
            labels.append(name)
            continue
        for index in np.ndindex(*shape):
            labels.append(f"{name}[{', '.join(str(i) for i in index)}]")
    return labels


# -- the three planes ------------------------------------------------------------------------
def exact_plane(
    weights: np.ndarray, first: int, second: int, labels: Sequence[str] | None = None
) -> Plane:
    """The plane of two scalar parameters (flat indices ``first`` and ``second``)."""
    w = np.asarray(weights, dtype=np.float64).ravel()
    if not (0 <= first < w.size and 0 <= second < w.size) or first == second:
        raise ValueError(
            f"choose two different parameters among the {w.size} trained scalars "
            f"(got {first} and {second})"
        )
    origin = w.copy()
    origin[[first, second]] = 0.0
    directions = np.zeros((2, w.size))
    directions[0, first] = 1.0
    directions[1, second] = 1.0
    names = labels if labels is not None else [f"θ[{i}]" for i in range(w.size)]
    return Plane(
        kind="exact",
        origin=origin,
        directions=directions,
        labels=(names[first], names[second]),
        center=(float(w[first]), float(w[second])),
        info="the two parameters' own values; all others fixed at the current weights",
    )


def filter_normalised(
    direction: np.ndarray,
    weights: np.ndarray,
    names: Sequence[str],
    shapes: Sequence[tuple[int, ...]],
) -> np.ndarray:
    """Scale each row of each weight matrix of ``direction`` to the norm of the same row of
    ``weights`` (a vector parameter as a whole). Rows whose weights are all 0 stay 0."""
    out = np.empty_like(direction, dtype=np.float64)
    offset = 0
    for _name, shape in zip(names, shapes, strict=True):
        count = int(np.prod(shape)) if shape else 1
        d = direction[offset : offset + count].astype(np.float64)
        w = weights[offset : offset + count].astype(np.float64)
        rows = (shape[0], -1) if len(shape) >= 2 else (1, -1)
        d, w = d.reshape(rows), w.reshape(rows)
        d_norm = np.linalg.norm(d, axis=1, keepdims=True)
        w_norm = np.linalg.norm(w, axis=1, keepdims=True)
        scale = np.divide(w_norm, d_norm, out=np.zeros_like(d_norm), where=d_norm > 0)
        out[offset : offset + count] = (d * scale).ravel()
        offset += count
    return out


def random_plane(
    weights: np.ndarray,
    names: Sequence[str],
    shapes: Sequence[tuple[int, ...]],
    seed: int = 0,
) -> Plane:
    """Two filter-normalised random directions through the current weights (Li et al. 2018)."""
    w = np.asarray(weights, dtype=np.float64).ravel()
    rng = np.random.default_rng(seed)
    directions = np.stack(
        [filter_normalised(rng.standard_normal(w.size), w, names, shapes) for _ in range(2)]
    )
    for k in range(2):  # all-zero weights (e.g. a fresh IRNN's biases): fall back to N(0, 1)
        if not np.any(directions[k]):
            directions[k] = rng.standard_normal(w.size)
    if abs(np.linalg.det(directions @ directions.T)) < 1e-12 * np.sum(directions**2) ** 2:
        raise ValueError("the random directions are parallel (too few parameters); use 'exact'")
    return Plane(
        kind="random",
        origin=w,
        directions=directions,
        labels=("α (random direction 1)", "β (random direction 2)"),
        center=(0.0, 0.0),
        info=f"random directions, filter-normalised (Li et al. 2018), seed {seed}",
    )


def pca_plane(weights: np.ndarray, trajectory: np.ndarray) -> Plane:
    """The trajectory's two principal directions (unit vectors) through ``weights``.

    ``trajectory``: [K, P] flattened weights along the path (K >= 2). The plane's coordinates
    are distances in parameter space along each direction."""
    w = np.asarray(weights, dtype=np.float64).ravel()
    traj = np.asarray(trajectory, dtype=np.float64)
    if traj.ndim != 2 or traj.shape[0] < 2 or traj.shape[1] != w.size:
        raise ValueError(
            "the PCA plane needs a recorded path of at least 2 points: train a few steps"
        )
    centred = traj - traj.mean(0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    if s.size == 0 or s[0] <= 1e-12 * max(1.0, np.abs(traj).max()):
        raise ValueError("the weights have not moved yet: train a few steps for the PCA plane")
    directions = np.zeros((2, w.size))
    directions[0] = vt[0]
    if s.size > 1 and s[1] > 1e-9 * s[0]:
        directions[1] = vt[1]
    else:  # the path is a straight line: any direction orthogonal to it
        other = np.random.default_rng(0).standard_normal(w.size)
        other -= (other @ vt[0]) * vt[0]
        directions[1] = other / np.linalg.norm(other)
    variance = s**2 / np.sum(s**2)
    explained = [float(variance[k]) if k < variance.size else 0.0 for k in range(2)]
    plane = Plane(
        kind="pca",
        origin=w,
        directions=directions,
        labels=(f"PC1 ({explained[0]:.0%})", f"PC2 ({explained[1]:.0%})"),
        center=(0.0, 0.0),
        info=f"PCA of {traj.shape[0]} path points: {explained[0]:.1%} + {explained[1]:.1%} "
        "of the path's variance",
    )
    coords, _ = plane.project(traj)
    half = np.maximum(np.abs(coords).max(0) * 1.25, 1e-3)  # [2]
    return replace(plane, fit=(float(half[0]), float(half[1])))


# -- the path on a plane ---------------------------------------------------------------------
@dataclass(frozen=True)
class ProjectedPath:
    steps: np.ndarray  # [K]
    coords: np.ndarray  # [K, 2]
    distance: np.ndarray  # [K], distance of each path point from the plane


def project_path(plane: Plane, steps: np.ndarray, trajectory: np.ndarray) -> ProjectedPath:
    steps = np.asarray(steps)
    if len(steps) == 0:
        return ProjectedPath(steps, np.empty((0, 2)), np.empty(0))
    coords, distance = plane.project(trajectory)
    return ProjectedPath(steps, coords, distance)


def first_exit(
    coords: np.ndarray, a_range: tuple[float, float], b_range: tuple[float, float]
) -> int | None:
    """Index of the first path point outside the plotted rectangle (None: it stays inside)."""
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    inside = (
        (coords[:, 0] >= a_range[0])
        & (coords[:, 0] <= a_range[1])
        & (coords[:, 1] >= b_range[0])
        & (coords[:, 1] <= b_range[1])
    )
    outside = np.flatnonzero(~inside)
    return int(outside[0]) if outside.size else None


def clip_segments(
    coords: np.ndarray, a_range: tuple[float, float], b_range: tuple[float, float]
) -> np.ndarray:
    """The parts [k, 2, 2] of the path's segments (consecutive points of ``coords`` [K, 2])
    that lie inside the plotted rectangle (Liang-Barsky clipping), so a path that leaves
    the region is drawn up to its edge (and from the edge where it comes back) instead of
    stopping at its last point inside."""
    c = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    if len(c) < 2:
        return np.empty((0, 2, 2))
    p0, d = c[:-1], c[1:] - c[:-1]
    t0, t1 = np.zeros(len(d)), np.ones(len(d))
    keep = np.all(np.isfinite(c[:-1]), 1) & np.all(np.isfinite(c[1:]), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        for axis, (low, high) in enumerate((a_range, b_range)):
            for p, q in ((-d[:, axis], p0[:, axis] - low), (d[:, axis], high - p0[:, axis])):
                parallel = p == 0
                keep &= ~(parallel & (q < 0))  # parallel to this edge and outside it
                r = q / p
                entering, leaving = ~parallel & (p < 0), ~parallel & (p > 0)
                t0 = np.where(entering, np.maximum(t0, r), t0)
                t1 = np.where(leaving, np.minimum(t1, r), t1)
    keep &= t0 <= t1
    start = p0 + t0[:, None] * d
    end = p0 + t1[:, None] * d
    return np.stack([start[keep], end[keep]], 1)
