"""Batched, cancellable, progressively refined evaluation of the loss over a plane.

    source = SurfaceSource.from_trainer(trainer)          # a private snapshot (fast)
    plane = random_plane(source.weights, source.names, source.shapes)
    (a_range, b_range) = plane.ranges(span=1.0)
    grid = compute_surface(source, plane, a_range, b_range, resolution=101,
                           on_level=show, progress=bar, cancel=event)

Refinement: a coarse grid (11 x 11) first, then finer ones up to the requested resolution,
each handed to ``on_level`` as it completes. The levels are chosen nested in the final grid
where the resolution allows (11, 26, 51 inside 101), so no grid point is computed twice.

This module only decides which points each level asks for. They are evaluated by
``GridEvaluator`` (``evaluator.py``: chunks shared by threads, on the batched or the fused
per-point path, whichever ``calibrate.py`` measured faster for this model unless told); the
grid type and the level arithmetic are in ``grid.py``, the snapshot a surface is computed
from in ``source.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .calibrate import sample_points
from .evaluator import GridEvaluator
from .grid import COARSE, SurfaceGrid, grid_levels, nested_index, total_points
from .planes import Plane
from .source import Cancel, Progress, SurfaceSource

#: a first level coarser than COARSE, where COARSE x COARSE would take longer than
#: FIRST_LEVEL_SECONDS at the calibrated time per point (nested in 101, 51, 26, 21, 11)
PREVIEW = 6
FIRST_LEVEL_SECONDS = 0.4


def compute_surface(
    source: SurfaceSource,
    plane: Plane,
    a_range: tuple[float, float],
    b_range: tuple[float, float],
    resolution: int = 101,
    on_level: Callable[[SurfaceGrid], None] | None = None,
    progress: Progress = None,
    cancel: Cancel = None,
    coarse: int = COARSE,
    method: str | None = None,
    workers: int | None = None,
) -> SurfaceGrid:
    """The loss over ``a_range`` x ``b_range`` of ``plane`` at ``resolution`` x ``resolution``
    points, refined progressively (``on_level`` gets every level, the last one included).
    Raises SurfaceCancelled when ``cancel`` is set (checked between chunks).

    With ``method`` None the path is calibrated first, on points of the first level (their
    losses are kept); a model so slow that the coarse level would take longer than
    FIRST_LEVEL_SECONDS gets a PREVIEW x PREVIEW level before it."""
    started = time.perf_counter()
    evaluator = GridEvaluator(source, plane, method=method, workers=workers)
    levels = grid_levels(int(resolution), coarse)
    fine_a = np.linspace(*a_range, levels[-1])
    fine_b = np.linspace(*b_range, levels[-1])
    fine = np.full((levels[-1], levels[-1]), np.nan)
    known = np.zeros(fine.shape, dtype=bool)
    done = 0
    first = nested_index(levels[0], levels[-1])
    if evaluator.calibrating and first is not None:
        count = sample_points(evaluator.chunk)
        ia, ib = (i.ravel()[:count] for i in np.meshgrid(first, first, indexing="ij"))
        values = evaluator.calibrate(np.stack([fine_a[ia], fine_b[ib]], -1), cancel)
        fine[ia[: values.size], ib[: values.size]] = values
        known[ia[: values.size], ib[: values.size]] = True
        done = values.size
        per_point = evaluator.calibration[evaluator.method] / evaluator.workers
        preview = nested_index(PREVIEW, levels[-1]) is not None and levels[0] > PREVIEW
        if preview and levels[0] ** 2 * per_point > FIRST_LEVEL_SECONDS:
            levels = [PREVIEW, *levels]
    total = total_points(levels)
    if progress is not None and done:
        progress(done, total)
    grid = None
    for level, n in enumerate(levels):
        idx = nested_index(n, levels[-1])
        if idx is not None:
            a, b = fine_a[idx], fine_b[idx]
            ia, ib = np.meshgrid(idx, idx, indexing="ij")
            todo = ~known[ia, ib]
            coords = np.stack([fine_a[ia[todo]], fine_b[ib[todo]]], -1)
            fine[ia[todo], ib[todo]] = evaluator.losses(coords, cancel, progress, done, total)
            known[ia, ib] = True
            loss = fine[np.ix_(idx, idx)]
            done += int(todo.sum())
        else:
            a, b = np.linspace(*a_range, n), np.linspace(*b_range, n)
            coords = np.stack(np.meshgrid(a, b, indexing="ij"), -1).reshape(-1, 2)
            loss = evaluator.losses(coords, cancel, progress, done, total).reshape(n, n)
            done += n * n
        grid = SurfaceGrid(
            a=a,
            b=b,
            loss=loss.copy(),
            level=level,
            levels=len(levels),
            seconds=time.perf_counter() - started,
            method=evaluator.method,
            calibration_seconds=evaluator.calibration_seconds,
        )
        if on_level is not None:
            on_level(grid)
    return grid
