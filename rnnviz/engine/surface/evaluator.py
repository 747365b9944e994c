"""Losses at many points of a plane: chunks of points shared by threads, on one of the paths.

Grid points are evaluated in chunks shared by one thread per core, each with a single torch
intra-op thread (small ops on two spinning OpenMP threads measured 5-20x slower on this shared
2-core machine). Two ways to evaluate a chunk of G points:

- batched: the G weight settings are stacked into a leading dimension and the model runs once
  for the chunk (``batched.py``: "stacked" explicit cells, or "vmap");
- "fused": one fused model call per point (``fused.py``, the naive loop's own computation),
  faster for big LSTMs where oneDNN's fused cell beats the explicit one.

Which one is faster depends on the model and the machine, so unless told the evaluator times
a chunk of each before the grid (``calibrate``, a few tens of ms) and keeps the faster; both
give the naive loop's losses (to 1e-5, tests). The loss is ``task.loss`` on one fixed
evaluation batch, which accepts the leading grid dimension: y_hat [G, T, B, O] -> loss [G].

Apart from ``evaluate.py``, which only decides which points each refinement level asks for.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from dataclasses import replace

import numpy as np
import torch

from rnnviz.engine.crf_objective import objective_loss
from rnnviz.engine.models import RecurrentModel

from .batched import looped_outputs, stacked_outputs, stacked_supported, vmapped_outputs
from .calibrate import sample_points, time_paths
from .fused import fused_outputs
from .planes import Plane
from .source import Cancel, Progress, SurfaceCancelled, SurfaceSource, cancelled

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
                    if cancelled(cancel):
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
        self.calibration, values = time_paths(self, coords, paths, lambda: cancelled(cancel))
        if values is None:
            raise SurfaceCancelled()
        self.use_path(min(self.calibration, key=self.calibration.get))
        self.calibration_seconds = time.perf_counter() - started
        return values[self.method]

    def use_path(self, method: str) -> None:
        """Evaluate with ``method`` from now on (one of the paths)."""
        self.method, self._outputs = method, _PATHS[method][0]
