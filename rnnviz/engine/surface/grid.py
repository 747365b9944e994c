"""A computed grid of losses, the refinement levels' sizes, and reading a grid between points.

Plain numpy, apart from the evaluation (``evaluate.py``): a saved grid is loaded and read
(``bilinear``) without a model, and the level arithmetic is what makes the progressive
refinement compute no grid point twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COARSE = 11


@dataclass(frozen=True)
class SurfaceGrid:
    """The loss on a grid: ``loss[i, j]`` at plane coordinates (a[i], b[j])."""

    a: np.ndarray  # [n]
    b: np.ndarray  # [m]
    loss: np.ndarray  # [n, m] float64 (inf / nan where the model overflows)
    level: int  # 0 = the coarse grid
    levels: int  # how many refinement levels this computation has
    seconds: float  # since the computation started
    method: str = ""  # the evaluation path that computed it ("" for a saved grid)
    calibration_seconds: float = 0.0  # of ``seconds``, spent choosing the path

    @property
    def final(self) -> bool:
        return self.level == self.levels - 1


def grid_levels(resolution: int, coarse: int = COARSE) -> list[int]:
    """Resolutions of the refinement levels ending at ``resolution``: about coarse, 26, 51,
    preferring sizes n with (resolution - 1) divisible by (n - 1) (nested grids)."""
    if resolution <= coarse:
        return [resolution]
    levels = []
    intervals = resolution - 1
    for target in (coarse, 26, 51):
        if target >= resolution:
            break
        want = target - 1
        divisors = [d for d in range(2, intervals) if intervals % d == 0 and 0.7 <= d / want <= 1.4]
        n = (min(divisors, key=lambda d: abs(d - want)) if divisors else want) + 1
        if n < resolution and (not levels or n > levels[-1]):
            levels.append(n)
    return [*levels, resolution]


def nested_index(n: int, last: int) -> np.ndarray | None:
    """Where an n x n level's rows lie in the last level's (None: not nested in it)."""
    if n < 2 or (last - 1) % (n - 1):
        return None
    return np.arange(n) * ((last - 1) // (n - 1))


def total_points(levels: list[int]) -> int:
    """Grid points the levels compute together (shared points of nested levels once)."""
    last = levels[-1]
    known = np.zeros((last, last), dtype=bool)
    extra = 0
    for n in levels:
        idx = nested_index(n, last)
        if idx is not None:
            known[np.ix_(idx, idx)] = True
        else:
            extra += n * n
    return int(known.sum()) + extra


def bilinear(grid: SurfaceGrid, coords: np.ndarray) -> np.ndarray:
    """The surface's value at plane coordinates [K, 2] (bilinear; NaN outside the grid)."""
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    a, b, z = grid.a, grid.b, grid.loss
    out = np.full(coords.shape[0], np.nan)
    inside = (
        (coords[:, 0] >= a[0])
        & (coords[:, 0] <= a[-1])
        & (coords[:, 1] >= b[0])
        & (coords[:, 1] <= b[-1])
    )
    if not inside.any() or a.size < 2 or b.size < 2:
        return out
    ca, cb = coords[inside, 0], coords[inside, 1]
    i = np.clip(np.searchsorted(a, ca) - 1, 0, a.size - 2)
    j = np.clip(np.searchsorted(b, cb) - 1, 0, b.size - 2)
    ta = (ca - a[i]) / (a[i + 1] - a[i])
    tb = (cb - b[j]) / (b[j + 1] - b[j])
    out[inside] = (
        z[i, j] * (1 - ta) * (1 - tb)
        + z[i + 1, j] * ta * (1 - tb)
        + z[i, j + 1] * (1 - ta) * tb
        + z[i + 1, j + 1] * ta * tb
    )
    return out
