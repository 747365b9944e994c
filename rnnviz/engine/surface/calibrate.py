"""Which evaluation path is faster for this model on this machine, by a short measurement.

The batched explicit path wins where batching amortises many small ops (small H, GRU, Elman,
Jordan through vmap); the fused per-point path wins where oneDNN's fused cell beats the
explicit one (LSTM from H ~32). Where the line lies depends on the model, T, the batch and
the machine's load, so it is measured, not set: each path computes a sample on the calling
thread with one torch thread (as each of the grid's threads will), once to warm up (the first
call allocates, and builds oneDNN's primitives), then up to ROUNDS times interleaved; the
fastest round counts (on a shared machine a round can lose a time slice to another process:
more rounds run unless those so far tell the paths apart by CLEAR). The batched path is timed
on the whole chunk it will run (its time per point depends on the chunk), the fused path on a
few points (its time per point does not).
"""

from __future__ import annotations

import copy
import time

import numpy as np
import torch

#: points the fused per-point path is timed on in a round
FUSED_SAMPLE = 8
#: rounds at most (each on fresh points)
ROUNDS = 3
#: further rounds only where the rounds so far did not tell the paths apart by this factor
CLEAR = 2.0


def sample_points(chunk: int) -> int:
    """Points ``time_paths`` may compute for a batched chunk of ``chunk`` points."""
    return ROUNDS * max(chunk, FUSED_SAMPLE)


def time_paths(
    evaluator, coords: np.ndarray, paths: list[str], stop=None
) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Seconds per point of each of ``paths`` (names of ``evaluator``'s paths) on plane
    coordinates ``coords`` [G, 2] (``sample_points`` of them at most are used), and each
    path's losses at the first points of ``coords``, as many as it computed: every round
    takes the next points, so the kept path's work all goes into the grid. Leaves
    ``evaluator`` on the last path timed (the caller picks). ``stop()`` is asked before each
    evaluation (a slow model's calibration takes seconds); when it says so, returns (None,
    None)."""
    flat = evaluator.plane.points(np.asarray(coords, dtype=np.float64).reshape(-1, 2))  # [G, P]
    paths = list(paths)
    size = {p: FUSED_SAMPLE if p == "fused" else evaluator.chunk for p in paths}
    models = {p: copy.deepcopy(evaluator.source.model) for p in paths}  # paths write modules
    best = dict.fromkeys(paths, float("inf"))
    values: dict[str, list[np.ndarray]] = {p: [] for p in paths}
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for path in list(paths):  # warm-up
            if stop is not None and stop():
                return None, None
            evaluator.use_path(path)
            try:
                evaluator.losses_at_weights(flat[:1], models[path])
            except Exception:
                if path != "fused" or len(paths) == 1:
                    raise
                paths.remove(path)  # a model the fused path cannot run: the batched one
                continue
            if evaluator.method != path:  # vmap fell back to the loop
                paths[paths.index(path)] = evaluator.method
                for table in (size, models, best, values):
                    table[evaluator.method] = table.pop(path)
        for round_ in range(ROUNDS):
            if round_ and any((round_ + 1) * size[p] > len(flat) for p in paths):
                break  # no fresh points left for a full round
            for path in paths:
                if stop is not None and stop():
                    return None, None
                evaluator.use_path(path)
                part = flat[round_ * size[path] : (round_ + 1) * size[path]]
                started = time.perf_counter()
                values[path].append(evaluator.losses_at_weights(part, models[path]))
                best[path] = min(best[path], (time.perf_counter() - started) / len(part))
            if max(best.values()) > CLEAR * min(best.values()):
                break
    finally:
        torch.set_num_threads(previous)
    return best, {p: np.concatenate(values[p]) for p in paths}
