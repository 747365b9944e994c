"""``rnnviz sweep SPEC.json --out DIR``: many independent runs, on this machine's cores or a
Dask cluster, with a progress bar; writes DIR/summary.csv (and DIR/runs/<id>.rnnviz)."""

from __future__ import annotations

import sys
from pathlib import Path

from rnnviz.cluster_args import add_cluster_args, check_workers


def add_sweep_parser(sub) -> None:
    sweep = sub.add_parser(
        "sweep",
        help="run a sweep: many runs over settings axes and seeds",
        description="Train every run of a sweep spec (a JSON file, or a shipped sweep's "
        "name: memory_vs_length, lr_vs_hidden) and write DIR/summary.csv, one row per run. "
        "Running again into the same DIR skips the runs already complete. Ctrl-C cancels.",
    )
    sweep.add_argument("spec", metavar="SPEC.json", help="the sweep spec, or a shipped sweep")
    sweep.add_argument("--out", required=True, metavar="DIR", help="the output folder")
    add_cluster_args(sweep, "worker processes (default: one fewer than the cores)", "sweep")
    sweep.add_argument(
        "--keep-runs",
        action="store_true",
        help="also write each run as a session file DIR/runs/<id>.rnnviz (the window opens it)",
    )


def sweep_command(args) -> int:
    import signal
    import threading

    from tqdm import tqdm

    from rnnviz.engine.errors import SpecError
    from rnnviz.session import sweep_summary as summary
    from rnnviz.session.sweep_budget import check_sweep_budget
    from rnnviz.session.sweep_exec import default_workers, run_sweep
    from rnnviz.session.sweep_spec import load_sweep_spec

    check_workers(args)
    spec = load_sweep_spec(args.spec)
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise SpecError(f"--out {out} is a file, not a folder")
    scheduler = args.scheduler or args.dask
    workers = args.workers or default_workers()
    runs_folder = out / "runs" if args.keep_runs else None
    skip = summary.completed_ids(summary.read_summary(out), spec.runs, runs_folder)
    cost = check_sweep_budget(spec, workers, skip, local=scheduler in (None, "local"))
    print(f"sweep {spec.title or args.spec}: {cost.describe()}", file=sys.stderr)
    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        with tqdm(total=cost.to_run, desc="sweep", unit="run", file=sys.stderr) as bar:
            shown = {}

            def update(row, counts) -> None:
                now = {"done": counts.done, "failed": counts.failed, "running": counts.running}
                if now != shown:  # redrawn when something changed, not at every poll
                    shown.update(now)
                    bar.set_postfix(now, refresh=row is None)
                if row is not None:
                    bar.update(1)

            outcome = run_sweep(
                spec, out, workers, scheduler, args.keep_runs, on_update=update, cancel=cancel
            )
    finally:
        signal.signal(signal.SIGINT, previous)
    _report(spec, outcome)
    return 130 if outcome.cancelled else 0


def _report(spec, outcome) -> None:
    c = outcome.counts
    print(
        f"{c.done} run(s) trained, {c.failed} failed, {c.skipped} already complete"
        + (" (cancelled)" if outcome.cancelled else "")
    )
    if spec.success is not None:
        judged = [r for r in outcome.rows if str(r.get("success")) in ("True", "False")]
        won = sum(str(r["success"]) == "True" for r in judged)
        print(f"success ({spec.success.describe()}): {won} of {len(judged)} run(s)")
    print(f"summary written to {outcome.summary_path}")
