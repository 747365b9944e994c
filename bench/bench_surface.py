"""Seconds for a 101 x 101 loss surface of the default LSTM preset (random directions plane):
batched and threaded (rnnviz.engine.surface) against the naive loop (set the weights, call the
model once per grid point, one process) in the same run, and the time to the first (coarse)
surface. Targets: first surface within 1 s; full grid >= 2x faster than naive.

    .venv/bin/python bench/bench_surface.py [--resolution 101] [--naive-points 1500]

The naive loop is timed on ``--naive-points`` grid points and scaled to the full grid (its cost
per point is constant). Numbers are noisy on a shared machine: run it when it is quiet.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from rnnviz.engine.presets import load_preset
from rnnviz.engine.surface import SurfaceSource, compute_surface, random_plane
from rnnviz.engine.trainer import Trainer


def naive_seconds_per_point(source: SurfaceSource, plane, coords: np.ndarray) -> float:
    """Set the weights, call the (fused) model once per point: seconds per grid point."""
    model = source.model
    params = dict(model.named_parameters())
    started = time.perf_counter()
    with torch.no_grad():
        for point in coords:
            flat, offset = plane.points(point), 0
            for name, shape in zip(source.names, source.shapes, strict=True):
                count = int(np.prod(shape))
                params[name].copy_(torch.from_numpy(flat[offset : offset + count].reshape(shape)))
                offset += count
            source.task.loss(model.forward_fused(source.batch.x), source.batch)
    return (time.perf_counter() - started) / len(coords)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="lecture_lstm_learn")
    parser.add_argument("--resolution", type=int, default=101)
    parser.add_argument("--naive-points", type=int, default=1500)
    args = parser.parse_args()
    trainer = Trainer.from_preset(load_preset(args.preset))
    for _ in range(5):
        trainer.step(record=False)
    source = SurfaceSource.from_trainer(trainer)
    plane = random_plane(source.weights, source.names, source.shapes)
    a_range, b_range = plane.ranges(1.0)
    n = args.resolution
    print(
        f"preset {args.preset}: {source.size} trained parameters, eval batch "
        f"{tuple(source.batch.x.shape)}, grid {n} x {n}, torch threads {torch.get_num_threads()}"
    )
    compute_surface(source, plane, a_range, b_range, resolution=11)  # warm-up

    results = {}
    for workers in (1, 2):
        levels = []
        started = time.perf_counter()
        compute_surface(
            source,
            plane,
            a_range,
            b_range,
            resolution=n,
            workers=workers,
            on_level=lambda g, levels=levels: levels.append((g.loss.shape[0], g.seconds)),
        )
        results[workers] = (time.perf_counter() - started, levels)
        shown = ", ".join(f"{size}x{size} at {sec:.3f} s" for size, sec in levels)
        print(f"batched, {workers} thread(s): full {results[workers][0]:.2f} s  ({shown})")

    rng = np.random.default_rng(0)
    coords = np.column_stack(
        [rng.uniform(*a_range, args.naive_points), rng.uniform(*b_range, args.naive_points)]
    )
    per_point = {}
    default_threads = torch.get_num_threads()
    for threads in sorted({1, default_threads}):  # naive at its best thread count (fair)
        torch.set_num_threads(threads)
        per_point[threads] = naive_seconds_per_point(source, plane, coords)
        print(
            f"naive loop, {threads} torch thread(s): {per_point[threads] * 1e3:.3f} ms per "
            f"point -> {per_point[threads] * n * n:.2f} s for {n} x {n} "
            f"(timed on {args.naive_points} points)"
        )
    torch.set_num_threads(default_threads)
    naive = min(per_point.values()) * n * n
    best = min(results, key=lambda w: results[w][0])
    full, levels = results[best]
    first = levels[0][1]
    print(
        f"first (coarse {levels[0][0]}x{levels[0][0]}) surface after {first:.3f} s "
        f"(target <= 1 s: {'met' if first <= 1.0 else 'MISSED'})"
    )
    print(
        f"ratio naive / batched (best, {best} thread(s)): {naive / full:.2f}x "
        f"(target >= 2x: {'met' if naive / full >= 2 else 'MISSED'})"
    )
    print(f"ratio 1 thread / 2 threads: {results[1][0] / results[2][0]:.2f}x")


if __name__ == "__main__":
    main()
