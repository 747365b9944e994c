"""Loss surface against the naive fused loop, for every kind (LSTM, GRU, Elman, Jordan) at
H8, H32 and H128 (issue 23, target 4): the app's surface (``compute_surface``: a coarse level
first, the path chosen per model by a short calibration, the grid shared by the surface
worker's threads) against the naive loop (set the weights, call the fused model once per grid
point, one thread of the app's training thread count), on the same grid, interleaved.

    .venv/bin/python bench/bench_surface.py [--resolution 21] [--rounds 3] [--sizes 8,32,128]

The full target is a 101 x 101 grid (a minute per model at H128); by default both variants
run on a ``--resolution`` grid and the seconds are scaled per point to 101 x 101 (both costs
are linear in the points), all but the surface's calibration (choosing the path: a fixed
0.05-0.4 s, counted once). Every round runs each model's two variants back to
back, alternating which goes first; the table gives medians and the spread (min-max) over
the rounds, the path the calibration chose in each round, and the largest difference of the
two grids. Targets: ratio >= 2x for every model, first coarse surface <= 1 s; MET / MISSED
is printed from these numbers. A shared machine is noisy: run it when it is quiet.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

import numpy as np
import torch

from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.surface import (
    GridEvaluator,
    SurfaceSource,
    compute_surface,
    grid_levels,
    random_plane,
)
from rnnviz.engine.tasks import make_task
from rnnviz.engine.threads import training_threads
from rnnviz.engine.trainer import TrainConfig, Trainer

FULL = 101


def naive_losses(source: SurfaceSource, plane, coords: np.ndarray) -> tuple[np.ndarray, float]:
    """Set the weights, call the fused model once per point: the losses [G] and the seconds."""
    model = source.model
    params = dict(model.named_parameters())
    out = np.empty(len(coords))
    started = time.perf_counter()
    with torch.no_grad():
        for k, point in enumerate(coords):
            flat, offset = plane.points(point), 0
            for name, shape in zip(source.names, source.shapes, strict=True):
                count = int(np.prod(shape))
                params[name].copy_(torch.from_numpy(flat[offset : offset + count].reshape(shape)))
                offset += count
            out[k] = float(source.task.loss(model.forward_fused(source.batch.x), source.batch))
    return out, time.perf_counter() - started


def parallel_gain(repeats: int = 300) -> float:
    """How much more work two threads (one torch thread each) do than one in the same time:
    2.0 where two cores are free, 1.0 where the machine is so busy that a second thread gains
    nothing (the surface's threads then cannot beat the naive loop by parallelism)."""
    a = torch.randn(256, 256)

    def work() -> None:
        torch.set_num_threads(1)
        for _ in range(repeats):
            a @ a

    def seconds(threads: int) -> float:
        started = time.perf_counter()
        runners = [threading.Thread(target=work) for _ in range(threads)]
        for runner in runners:
            runner.start()
        for runner in runners:
            runner.join()
        return time.perf_counter() - started

    work()
    return statistics.median(2 * seconds(1) / seconds(2) for _ in range(3))


def make_case(kind: str, hidden: int, seq_len: int, batch: int):
    """A trained-a-little model of ``kind`` on the adding task, its source, plane and ranges."""
    task = make_task("adding", seed=0, seq_len=seq_len)
    config = TrainConfig(optimizer="adam", lr=0.01, batch_size=batch, seed=0)
    trainer = Trainer(ModelSpec(kind=kind, hidden_size=hidden), task, config)
    for _ in range(3):
        trainer.step(record=False)
    source = SurfaceSource.from_trainer(trainer)
    plane = random_plane(source.weights, source.names, source.shapes, seed=1)
    return source, plane, plane.ranges(0.5)


def run_case(case, n: int, naive_threads: int, naive_first: bool) -> dict:
    """One round of one model: both variants on the same n x n grid."""
    source, plane, (a_range, b_range) = case
    a, b = np.linspace(*a_range, n), np.linspace(*b_range, n)
    coords = np.stack(np.meshgrid(a, b, indexing="ij"), -1).reshape(-1, 2)
    result: dict = {}

    def naive() -> None:
        previous = torch.get_num_threads()
        torch.set_num_threads(naive_threads)
        try:
            losses, seconds = naive_losses(source, plane, coords)
        finally:
            torch.set_num_threads(previous)
        result["naive_grid"], result["naive"] = losses.reshape(n, n), seconds

    def surface() -> None:
        levels: list = []
        started = time.perf_counter()
        grid = compute_surface(source, plane, a_range, b_range, n, on_level=levels.append)
        result["ours"] = time.perf_counter() - started
        result["first"], result["method"], result["grid"] = levels[0].seconds, grid.method, grid
        result["calibration"] = grid.calibration_seconds

    for variant in (naive, surface) if naive_first else (surface, naive):
        variant()
    result["diff"] = float(np.nanmax(np.abs(result["grid"].loss - result["naive_grid"])))
    return result


def spread(values: list[float], fmt: str) -> str:
    """The median and (min-max) of ``values``."""
    low, mid, high = (format(v, fmt) for v in (min(values), statistics.median(values), max(values)))
    return f"{mid} ({low}-{high})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="lstm,gru,elman,jordan")
    parser.add_argument("--sizes", default="8,32,128", help="hidden sizes")
    parser.add_argument("--resolution", type=int, default=21, help="grid measured (n x n)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seq-len", type=int, default=50)
    parser.add_argument("--batch", type=int, default=32, help="sequences in the eval batch")
    parser.add_argument(
        "--naive-threads",
        type=int,
        default=training_threads(),
        help="torch threads of the naive loop (default: the app's training thread count)",
    )
    args = parser.parse_args()
    kinds, sizes = args.kinds.split(","), [int(s) for s in args.sizes.split(",")]
    n = args.resolution
    workers = GridEvaluator.default_workers()
    print(
        f"{os.cpu_count()} cores; app's training threads {training_threads()}; naive loop "
        f"{args.naive_threads} torch thread(s); surface: {workers} worker thread(s) x 1 torch "
        f"thread; adding task T={args.seq_len}, eval batch {args.batch}; grid {n} x {n} "
        f"(levels {grid_levels(n)}), scaled per point to {FULL} x {FULL}; {args.rounds} rounds"
    )
    print(f"parallel gain of 2 threads before: {parallel_gain():.2f}x (2.00: two free cores)")
    cases = {(k, h): make_case(k, h, args.seq_len, args.batch) for k in kinds for h in sizes}
    for case in cases.values():  # warm-up (first calls allocate, build oneDNN primitives)
        run_case(case, 3, args.naive_threads, True)
    rounds: dict = {key: [] for key in cases}
    for r in range(args.rounds):
        for key, case in cases.items():
            rounds[key].append(run_case(case, n, args.naive_threads, naive_first=r % 2 == 0))
        print(f"round {r + 1}/{args.rounds} done", flush=True)
    print(f"parallel gain of 2 threads after: {parallel_gain():.2f}x")
    report(rounds, n, args.rounds)


def report(rounds: dict, n: int, count: int) -> None:
    scale = FULL * FULL / (n * n)

    def ours_full(r: dict) -> float:  # the calibration once, the rest per point
        return r["calibration"] + (r["ours"] - r["calibration"]) * scale

    print(
        f"\n{'model':<11} {'naive 101² s':>19} {'surface 101² s':>19} {'ratio':>17} "
        f"{'first s':>17} {'path':<14} {'max |Δ|':>8}  target >= 2x"
    )
    met_ratio = met_first = 0
    for (kind, hidden), results in rounds.items():
        ratios = [r["naive"] * scale / ours_full(r) for r in results]
        firsts = [r["first"] for r in results]
        methods = sorted({r["method"] for r in results})
        ok = statistics.median(ratios) >= 2.0
        met_ratio += ok
        met_first += statistics.median(firsts) <= 1.0
        print(
            f"{kind + ' H' + str(hidden):<11} "
            f"{spread([r['naive'] * scale for r in results], '.1f'):>19} "
            f"{spread([ours_full(r) for r in results], '.1f'):>19} "
            f"{spread(ratios, '.2f'):>17} {spread(firsts, '.2f'):>17} {','.join(methods):<14} "
            f"{max(r['diff'] for r in results):8.1e}  {'MET' if ok else 'MISSED'}"
        )
    total = len(rounds)
    print(
        f"\nsurface >= 2x the naive loop (median of {count} rounds): "
        f"{'MET' if met_ratio == total else 'MISSED'} ({met_ratio} of {total} models)"
    )
    print(
        f"first coarse surface <= 1 s (median): {'MET' if met_first == total else 'MISSED'} "
        f"({met_first} of {total} models)"
    )


if __name__ == "__main__":
    main()
