"""Sweep throughput: runs per minute with N local workers against one worker, for each N up
to the core count (or --max-workers).

Each measurement is a real sweep (``sweep_exec.run_sweep`` on the local process pool, the
pool's start-up included, as a user waits for it) of ``--runs-per-worker`` x N identical-cost
runs: the ``--preset`` run (default adding_lstm at T = 20, 16 units) trained ``--steps``
steps, the runs differing only in their seed. The ratio is (runs/min with N) / (runs/min with
1); the target is linear scaling less 20 %: MET when the ratio is at least 0.8 x N.

    .venv/bin/python bench/bench_sweep.py [--max-workers N] [--steps 150] [--runs-per-worker 4]
        [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

from rnnviz.session.sweep_exec import run_sweep
from rnnviz.session.sweep_spec import sweep_spec_from_dict

TARGET = 0.8


def runs_per_minute(workers: int, args) -> float:
    runs = args.runs_per_worker * workers
    spec = sweep_spec_from_dict(
        {
            "preset": args.preset,
            "set": {"task.seq_len": 20, "model.hidden_size": 16},
            "repeats": runs,
            "steps": args.steps,
        }
    )
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as out:
        started = time.perf_counter()
        outcome = run_sweep(spec, out, workers=workers)
        seconds = time.perf_counter() - started
    if outcome.counts.done != runs:
        raise SystemExit(f"{runs - outcome.counts.done} run(s) did not complete")
    return runs / seconds * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--preset", default="adding_lstm")
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--runs-per-worker", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    args = parser.parse_args()
    counts = range(1, args.max_workers + 1)
    print(
        f"{os.cpu_count()} core(s), load average {os.getloadavg()[0]:.2f}; {args.preset}, "
        f"{args.steps} steps a run, one torch thread a worker; {args.rounds} rounds, "
        "worker counts interleaved in each"
    )
    rates: dict[int, list[float]] = {n: [] for n in counts}
    for _ in range(args.rounds):
        for workers in counts:
            rates[workers].append(runs_per_minute(workers, args))
    single = float(np.median(rates[1]))
    for workers in counts:
        rate = float(np.median(rates[workers]))
        spread = f"[{min(rates[workers]):.1f}-{max(rates[workers]):.1f}]"
        line = f"{workers} worker(s): {rate:7.1f} runs/min {spread}"
        if workers > 1:
            ratio = rate / single
            verdict = "MET" if ratio >= TARGET * workers else "MISSED"
            line += f", ratio {ratio:.2f} (target >= {TARGET * workers:.1f}): {verdict}"
        print(line)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
