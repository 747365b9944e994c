"""Batched, cancellable, progressively refined evaluation of the loss over a plane.

    source = SurfaceSource.from_trainer(trainer)          # a private snapshot (fast)
    plane = random_plane(source.weights, source.names, source.shapes)
    (a_range, b_range) = plane.ranges(span=1.0)
    grid = compute_surface(source, plane, a_range, b_range, resolution=101,
                           on_level=show, progress=bar, cancel=event)

Grid points are evaluated in chunks shared by one thread per core, each with a single torch
intra-op thread (small ops on two spinning OpenMP threads measured 5-20x slower on this shared
2-core machine). Two ways to evaluate a chunk of G points:

- batched: the G weight settings are stacked into a leading dimension and the model runs once
  for the chunk (``batched.py``: "stacked" explicit cells, or "vmap");
- "fused": one fused model call per point (``fused.py``, the naive loop's own computation),
  faster for big LSTMs where oneDNN's fused cell beats the explicit one.

Which one is faster depends on the model and the machine, so by default the evaluator times a
chunk of each before the grid (``calibrate``, a few tens of ms) and keeps the faster; both give
the naive loop's losses (to 1e-5, tests). The loss is ``task.loss`` on one fixed evaluation
batch, which accepts the leading grid dimension: y_hat [G, T, B, O] -> loss [G].

Refinement: a coarse grid (11 x 11) first, then finer ones up to the requested resolution,
each handed to ``on_level`` as it completes. The levels are chosen nested in the final grid
where the resolution allows (11, 26, 51 inside 101), so no grid point is computed twice.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch

from rnnviz.engine.crf_objective import objective_loss
from rnnviz.engine.models import RecurrentModel
from rnnviz.engine.tasks.base import Batch, Task

from .batched import looped_outputs, stacked_outputs, stacked_supported, vmapped_outputs
from .calibrate import sample_points, time_paths
from .fused import fused_outputs
from .planes import Plane

COARSE = 11
#: a first level coarser than COARSE, where COARSE x COARSE would take longer than
#: FIRST_LEVEL_SECONDS at the calibrated time per point (nested in 101, 51, 26, 21, 11)
PREVIEW = 6
FIRST_LEVEL_SECONDS = 0.4
#: elements per batched op a chunk aims at (measured: larger chunks fall out of cache)
_CHUNK_ELEMENTS = 1 << 16
#: the evaluation paths: how each computes a chunk, and whether it needs a private model
#: (functional_call and the fused path write a module's parameters in place while they run)
_PATHS = {
    "stacked": (stacked_outputs, False),
    "vmap": (vmapped_outputs, True),
    "loop": (looped_outputs, True),
    "fused": (fused_outputs, True),
}
#: how the panel names a path
PATH_NAMES = {
    "stacked": "batched",
    "vmap": "batched (vmap)",
    "loop": "one call per point",
    "fused": "fused per point",
}

Cancel = threading.Event | Callable[[], bool] | None
Progress = Callable[[int, int], None] | None


class SurfaceCancelled(Exception):
    """Raised by the evaluation when ``cancel`` was set."""


@dataclass(frozen=True)
class SurfaceSource:
    """Everything a surface needs, copied from a trainer so another thread can use it.

    ``names`` / ``shapes``: the trained parameters in the order of ``trainer.params``;
    ``weights`` [P]: their current values, flattened; ``steps`` [K] / ``trajectory`` [K, P]:
    the recorded training path; ``batch``: the fixed evaluation batch.
    """

    model: RecurrentModel
    task: Task
    batch: Batch
    names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    weights: np.ndarray
    steps: np.ndarray
    trajectory: np.ndarray
    step: int

    @classmethod
    def from_trainer(cls, trainer, batch_size: int | None = None) -> SurfaceSource:
        """Snapshot ``trainer`` (call it where the trainer lives: between two steps).
        ``batch_size``: sequences in the evaluation batch (default: a training batch's size,
        at most 64)."""
        size = batch_size or max(1, min(64, int(trainer.config.batch_size)))
        model = copy.deepcopy(trainer.model).eval()
        for p in model.parameters():
            p.requires_grad_(False)
        steps, trajectory = trainer.history.trajectory_array()
        return cls(
            model=model,
            task=trainer.task,
            batch=trainer.task.eval_batch(size),
            names=tuple(trainer.params),
            shapes=tuple(tuple(p.shape) for p in trainer.params.values()),
            weights=trainer.flat_weights().copy(),
            steps=steps.copy(),
            trajectory=trajectory.copy(),
            step=int(trainer.step_count),
        )

    @property
    def size(self) -> int:
        return int(self.weights.size)


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


class GridEvaluator:
    """Losses at many points of a plane, in batched chunks, with progress and cancel.

    ``method``: "stacked" (batched explicit cells, Elman/IRNN/LSTM/GRU), "vmap" (batched,
    any model), "loop" (one explicit call per point), "fused" (one fused call per point), or
    None: time the batched path against "fused" on the first points (``calibrate``) and keep
    the faster. ``workers``: threads sharing the chunks (default: 2 where there are 2 cores).
    ``chunk``: grid points per call. ``calibration``: seconds per point of each path timed.
    """

    def __init__(
        self,
        source: SurfaceSource,
        plane: Plane | None = None,
        method: str | None = None,
        chunk: int | None = None,
        workers: int | None = None,
    ) -> None:
        self.source = source
        self.workers = max(1, workers or self.default_workers())
        self.plane = plane
        model, batch = source.model, source.batch
        if method is not None and method not in _PATHS:
            raise ValueError(f"surface method must be one of {', '.join(_PATHS)}, not {method!r}")
        self.batched = "stacked" if stacked_supported(model) else "vmap"
        self.method = method or self.batched
        self._outputs = _PATHS[self.method][0]
        self.calibration: dict[str, float] = {}
        self._copies: list[RecurrentModel] = []  # private modules of the threads
        self._calibrate = method is None
        self.calibration_seconds = 0.0  # what choosing the path took
        width = model.spec.hidden_size * 4 * model.spec.num_directions
        self.chunk = chunk or int(np.clip(_CHUNK_ELEMENTS // (batch.batch_size * width), 4, 1024))
        self._batch = replace(batch, x=batch.x.to(dtype=torch.float32))

    @property
    def calibrating(self) -> bool:
        """True until the path is chosen (``method`` None and ``calibrate`` not yet run)."""
        return self._calibrate

    @staticmethod
    def default_workers() -> int:
        """Threads a grid is shared by unless told: one per core, at most 2."""
        return min(2, os.cpu_count() or 1)

    def losses_at_weights(self, flat: np.ndarray, model=None) -> np.ndarray:
        """Loss [G] (float64) for flat trained weights [G, P], one call of the path. ``model``:
        the module to call (default: the source's for the stacked path, else a private copy;
        a thread of ``losses`` passes its own, because ``functional_call`` and the fused path
        write a module's parameters while they run)."""
        model = self._thread_models(1)[0] if model is None else model
        flat_t = torch.as_tensor(np.ascontiguousarray(flat, dtype=np.float32))  # [G, P]
        params, offset = {}, 0
        for name, shape in zip(self.source.names, self.source.shapes, strict=True):
            count = int(np.prod(shape)) if shape else 1
            params[name] = flat_t[:, offset : offset + count].reshape(-1, *shape)  # [G, *shape]
            offset += count
        with torch.no_grad():
            try:
                y = self._outputs(model, params, self._batch)  # [G, T, B, O]
            except RuntimeError:
                if self.method != "vmap":
                    raise
                self.method, self._outputs = "loop", looped_outputs  # vmap unsupported here
                self.batched = "loop"
                y = self._outputs(model, params, self._batch)
            loss = objective_loss(model, self.source.task, y, self.source.batch, params)
        return loss.double().numpy()

    def losses(
        self,
        coords: np.ndarray,
        cancel: Cancel = None,
        progress: Progress = None,
        done: int = 0,
        total: int | None = None,
    ) -> np.ndarray:
        """Loss [G] at plane coordinates [G, 2], chunk by chunk, on ``self.workers`` threads
        (each with one torch intra-op thread: OpenMP's setting is per thread, so training
        elsewhere keeps its own). ``progress(done, total)`` after each chunk (``done`` /
        ``total`` offset for a bigger job); SurfaceCancelled when ``cancel`` is set."""
        coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
        total = coords.shape[0] + done if total is None else total
        out = np.empty(coords.shape[0])
        first = 0  # points already computed (by the calibration)
        if self._calibrate and coords.shape[0]:
            values = self.calibrate(coords[: sample_points(self.chunk)], cancel)
            first = values.size
            out[:first] = values
            done += first
            if progress is not None:
                progress(done, total)
        starts = list(range(first, coords.shape[0], self.chunk))
        lock = threading.Lock()
        state = {"next": 0, "done": done, "error": None}

        models = self._thread_models(min(self.workers, len(starts)))

        def work(model) -> None:
            previous = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                while True:
                    with lock:
                        if state["error"] is not None or state["next"] >= len(starts):
                            return
                        start = starts[state["next"]]
                        state["next"] += 1
                    if _cancelled(cancel):
                        raise SurfaceCancelled()
                    part = coords[start : start + self.chunk]
                    values = self.losses_at_weights(self.plane.points(part), model)
                    out[start : start + part.shape[0]] = values
                    with lock:  # reported in order: a bar never steps back, ends at total
                        state["done"] += part.shape[0]
                        if progress is not None:
                            progress(state["done"], total)
            except BaseException as exc:  # re-raised on the calling thread
                with lock:
                    state["error"] = state["error"] or exc
            finally:
                torch.set_num_threads(previous)

        helpers = [
            threading.Thread(
                target=work,
                args=(model,),
                name="rnnviz-surface-part",
                daemon=True,
            )
            for model in models[1:]
        ]
        for helper in helpers:
            helper.start()
        work(models[0])
        for helper in helpers:
            helper.join()
        if state["error"] is not None:
            raise state["error"]
        return out

    def _thread_models(self, count: int) -> list:
        """The module each of ``count`` threads calls. The stacked path only reads the
        source's. The others write a module's parameters while they run (functional_call
        swaps them in place, the fused path copies each point's in): two threads on one
        module would read each other's, so each thread gets a private copy, made here on
        the calling thread before any thread runs (a copy taken while another thread runs
        vmap on the module meets its batched tensors) and kept for the next level."""
        if not _PATHS[self.method][1]:
            return [self.source.model] * max(count, 1)
        while len(self._copies) < max(count, 1):
            self._copies.append(copy.deepcopy(self.source.model))
        return self._copies[: max(count, 1)]

    def calibrate(self, coords: np.ndarray, cancel: Cancel = None) -> np.ndarray:
        """Time the batched path against the fused per-point path on the first points of
        ``coords`` [G, 2] (``calibrate.sample_points``) and keep the faster (``calibrate.py``);
        ``self.calibration``: the seconds per point of each. Returns the kept path's losses
        at the first points of ``coords``, as many as it computed (none thrown away).
        SurfaceCancelled when ``cancel`` is set meanwhile."""
        self._calibrate = False
        started = time.perf_counter()
        paths = [self.batched, "fused"]
        self.calibration, values = time_paths(self, coords, paths, lambda: _cancelled(cancel))
        if values is None:
            raise SurfaceCancelled()
        self.use_path(min(self.calibration, key=self.calibration.get))
        self.calibration_seconds = time.perf_counter() - started
        return values[self.method]

    def use_path(self, method: str) -> None:
        """Evaluate with ``method`` from now on (one of the paths)."""
        self.method, self._outputs = method, _PATHS[method][0]


def _cancelled(cancel: Cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


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
    first = _nested_index(levels[0], levels[-1])
    if evaluator.calibrating and first is not None:
        count = sample_points(evaluator.chunk)
        ia, ib = (i.ravel()[:count] for i in np.meshgrid(first, first, indexing="ij"))
        values = evaluator.calibrate(np.stack([fine_a[ia], fine_b[ib]], -1), cancel)
        fine[ia[: values.size], ib[: values.size]] = values
        known[ia[: values.size], ib[: values.size]] = True
        done = values.size
        per_point = evaluator.calibration[evaluator.method] / evaluator.workers
        preview = _nested_index(PREVIEW, levels[-1]) is not None and levels[0] > PREVIEW
        if preview and levels[0] ** 2 * per_point > FIRST_LEVEL_SECONDS:
            levels = [PREVIEW, *levels]
    total = _total_points(levels)
    if progress is not None and done:
        progress(done, total)
    grid = None
    for level, n in enumerate(levels):
        idx = _nested_index(n, levels[-1])
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


def _nested_index(n: int, last: int) -> np.ndarray | None:
    """Where an n x n level's rows lie in the last level's (None: not nested in it)."""
    if n < 2 or (last - 1) % (n - 1):
        return None
    return np.arange(n) * ((last - 1) // (n - 1))


def _total_points(levels: list[int]) -> int:
    """Grid points the levels compute together (shared points of nested levels once)."""
    last = levels[-1]
    known = np.zeros((last, last), dtype=bool)
    extra = 0
    for n in levels:
        if n > 1 and (last - 1) % (n - 1) == 0:
            idx = np.arange(n) * ((last - 1) // (n - 1))
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
