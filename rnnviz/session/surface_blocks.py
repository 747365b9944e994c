"""A session's loss surface computed in blocks of grid points, here or on a Dask cluster.

    job = SurfaceJob.of(SurfaceSource.from_trainer(trainer), "pca", span=1.0, resolution=51)
    grid = compute_in_blocks(job, LocalBlocks(workers=2))     # or a surface_dask.DaskBlocks
    session.set_surface(job.saved(grid))

The plane is made as the loss surface panel makes it (``make_plane``: random directions with
seed 0, the PCA of the run's path, or two parameters), through the run's current weights,
over ``plane.ranges(span)``. The evaluation path is chosen once, here, by the evaluator's own
calibration; then the resolution x resolution grid points (row-major, a the slow axis) are
split into consecutive blocks and every block is ``evaluate_block``: a ``GridEvaluator`` of
that path on one thread, the code the panel runs. A block's losses do not depend on where it
runs, so a grid split over a cluster equals the local one up to float order.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import closing
from dataclasses import dataclass, replace

import numpy as np

from rnnviz.engine.surface import (
    GridEvaluator,
    Plane,
    SurfaceCancelled,
    SurfaceGrid,
    SurfaceSource,
    exact_plane,
    pca_plane,
    random_plane,
    scalar_labels,
)
from rnnviz.engine.surface.calibrate import sample_points
from rnnviz.session.surface import SavedSurface

#: the planes the panel offers, and the span each starts with
DEFAULT_SPAN = {"auto": 1.0, "exact": 5.0, "random": 1.0, "pca": 1.0}
#: grid points per side the panel allows
RESOLUTION_RANGE = (5, 301)


def anchor_weights(source: SurfaceSource, centre: str = "current") -> np.ndarray:
    """The weights a plane is made through: the current ones, or (``centre`` "start") the
    first point of the recorded path (the run's start; the current ones without a path)."""
    if centre == "start" and source.trajectory.shape[0] and source.trajectory.ndim == 2:
        return np.asarray(source.trajectory[0], dtype=np.float64)
    return np.asarray(source.weights, dtype=np.float64)


def make_plane(
    source: SurfaceSource, kind: str, params: tuple[int, int] = (0, 1), centre: str = "current"
) -> Plane:
    """The panel's plane of kind ``kind`` through ``source``'s weights (``centre``: the
    current ones or the start's); ValueError when it cannot be made (e.g. PCA of a path of
    fewer than two points). "auto": the PCA of the path once it has moved, random
    directions before (a path of one point has no principal directions)."""
    if source.size < 2:
        raise ValueError(
            f"a loss surface needs two trained parameters; this model trains {source.size}"
        )
    weights = anchor_weights(source, centre)
    if kind == "auto":
        try:
            plane = pca_plane(weights, source.trajectory)
        except ValueError:
            plane = random_plane(weights, source.names, source.shapes, seed=0)
            return replace(plane, info="auto: the path has not moved yet, so " + plane.info)
        return replace(plane, info="auto: " + plane.info)
    if kind == "random":
        return random_plane(weights, source.names, source.shapes, seed=0)
    if kind == "pca":
        return pca_plane(weights, source.trajectory)
    if kind == "exact":
        labels = scalar_labels(source.names, source.shapes)
        return exact_plane(weights, *params, labels)
    raise ValueError(f"the plane must be one of {', '.join(DEFAULT_SPAN)}, not {kind!r}")


@dataclass(frozen=True)
class SurfaceJob:
    """What a block needs: the source (its path left out: blocks only evaluate), the plane,
    the region, the resolution and the settings the panel shows with the saved surface."""

    source: SurfaceSource
    plane: Plane
    ranges: tuple[tuple[float, float], tuple[float, float]]
    resolution: int
    params: tuple[int, int]
    span: float
    kind: str = ""  # the plane chosen ("auto" may have made a "pca" or "random" one)
    centre: str = "current"

    @classmethod
    def of(
        cls,
        source: SurfaceSource,
        kind: str,
        span: float | None = None,
        resolution: int = 101,
        params: tuple[int, int] = (0, 1),
        centre: str = "current",
    ) -> SurfaceJob:
        low, high = RESOLUTION_RANGE
        if not low <= int(resolution) <= high:
            raise ValueError(f"the resolution must be between {low} and {high} (got {resolution})")
        span = DEFAULT_SPAN.get(kind, 1.0) if span is None else float(span)
        if not (math.isfinite(span) and span > 0):
            raise ValueError(f"the span must be a positive number (got {span})")
        plane = make_plane(source, kind, params, centre)
        light = replace(source, steps=source.steps[:0], trajectory=source.trajectory[:0])
        ranges = plane.ranges(span)
        return cls(light, plane, ranges, int(resolution), tuple(params), span, kind, centre)

    def coords(self) -> np.ndarray:
        """The grid's plane coordinates [n*n, 2], row-major (a the slow axis)."""
        a, b = self.axes()
        return np.stack(np.meshgrid(a, b, indexing="ij"), -1).reshape(-1, 2)

    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        (a_range, b_range), n = self.ranges, self.resolution
        return np.linspace(*a_range, n), np.linspace(*b_range, n)

    def saved(self, grid: SurfaceGrid, step: int | None = None) -> SavedSurface:
        """The finished surface as the panel keeps it in the session."""
        return SavedSurface(
            plane=self.plane,
            ranges=self.ranges,
            grid=grid,
            step=self.source.step if step is None else step,
            names=self.source.names,
            shapes=self.source.shapes,
            params=self.params,
            span=self.span,
            resolution=self.resolution,
            choice=self.kind or self.plane.kind,
            centre=self.centre,
        )


def evaluate_block(
    job: SurfaceJob, method: str, coords: np.ndarray, stop: threading.Event | None = None
) -> np.ndarray:
    """Loss [G] at plane coordinates [G, 2] by the path ``method`` on one thread (a Dask task:
    module-level, so workers import it). SurfaceCancelled between chunks once ``stop`` is set."""
    evaluator = GridEvaluator(job.source, job.plane, method=method, workers=1)
    return evaluator.losses(coords, cancel=stop)


def choose_method(job: SurfaceJob) -> tuple[str, float]:
    """The evaluation path the panel's calibration keeps for this model here, and the
    seconds choosing took (its sample points are computed again in their blocks)."""
    evaluator = GridEvaluator(job.source, job.plane)
    evaluator.calibrate(job.coords()[: sample_points(evaluator.chunk)])
    return evaluator.method, evaluator.calibration_seconds


def split(count: int, blocks: int) -> list[slice]:
    """``count`` points in at most ``blocks`` consecutive slices of near-equal size."""
    blocks = max(1, min(blocks, count))
    edges = np.linspace(0, count, blocks + 1).round().astype(int)
    return [slice(int(lo), int(hi)) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


class LocalBlocks:
    """Blocks on this machine: one per thread. A caller that stops early (Ctrl-C, an error)
    stops the blocks under way at their next chunk, so no thread outlives ``run``."""

    def __init__(self, workers: int | None = None) -> None:
        self.slots = max(1, workers or GridEvaluator.default_workers())
        self.blocks_per_slot = 1

    def run(self, job: SurfaceJob, method: str, parts: list[np.ndarray]) -> Iterator:
        """Each block's (index, losses) as it finishes."""
        stop = threading.Event()
        with ThreadPoolExecutor(self.slots, thread_name_prefix="rnnviz-surface-block") as pool:
            futures = {
                pool.submit(evaluate_block, job, method, part, stop): i
                for i, part in enumerate(parts)
            }
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            finally:
                stop.set()  # (all done on a normal end) the blocks under way stop
                for future in futures:
                    future.cancel()

    def close(self) -> None:
        pass


Progress = Callable[[int, int], None] | None


def compute_in_blocks(
    job: SurfaceJob,
    runner,
    method: str | None = None,
    progress: Progress = None,
    cancel: threading.Event | None = None,
) -> SurfaceGrid:
    """The job's grid, its points split into ``runner.slots * runner.blocks_per_slot``
    blocks evaluated by ``runner`` (``LocalBlocks`` or ``surface_dask.DaskBlocks``).
    ``method``: the evaluation path (default: calibrated here). ``progress(done, total)``
    in points after each block; SurfaceCancelled when ``cancel`` is set."""
    started = time.perf_counter()
    calibration = 0.0
    if method is None:
        method, calibration = choose_method(job)
    coords = job.coords()
    slices = split(len(coords), runner.slots * runner.blocks_per_slot)
    loss = np.full(len(coords), np.nan)
    done = 0
    # closing: a stop here (cancel, Ctrl-C) ends the runner's blocks now, not when the
    # traceback holding the generator is freed
    with closing(runner.run(job, method, [coords[s] for s in slices])) as blocks:
        for index, values in blocks:
            loss[slices[index]] = values
            done += slices[index].stop - slices[index].start
            if progress is not None:
                progress(done, len(coords))
            if cancel is not None and cancel.is_set():
                raise SurfaceCancelled()
    a, b = job.axes()
    return SurfaceGrid(
        a=a,
        b=b,
        loss=loss.reshape(job.resolution, job.resolution),
        level=0,
        levels=1,
        seconds=time.perf_counter() - started,
        method=method,
        calibration_seconds=calibration,
    )
