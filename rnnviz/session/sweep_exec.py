"""Running a sweep's runs as independent tasks on an existing engine: a local process pool
(``concurrent.futures``, spawned workers, one torch thread each) or a Dask ``distributed``
cluster (``sweep_dask.py``).

At most as many runs are in flight as there are worker slots, so that a worker that dies
takes down only runs that were really running, and a cancel has nothing queued to undo. A
run that raises, or whose worker dies, is tried once more; then it is recorded as failed
with the reason, and the sweep goes on. Results come back as plain data; the parent writes
every file (``summary.csv``, kept runs' session files), each atomically. Re-running a sweep
into the same folder skips the runs its summary lists as complete. Cancel stops the queued
runs, ends the worker processes and writes the summary (unfinished runs ``cancelled``).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rnnviz.session import sweep_summary as summary
from rnnviz.session.sweep_run import run_one

#: a run is tried at most this many times (once, and once again after a failure)
MAX_ATTEMPTS = 2
#: how often the loop looks at the cancel flag while runs are in flight
POLL_S = 0.2
#: summary.csv is rewritten at most this often while runs finish (and always at the end)
SUMMARY_EVERY_S = 1.0
WORKER_DIED = "its worker process died"


class SweepCancelled(Exception):
    """The sweep was cancelled; its summary is written."""


@dataclass
class Counts:
    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    running: int = 0


@dataclass
class SweepOutcome:
    rows: list[dict]
    counts: Counts
    cancelled: bool = False
    summary_path: Path | None = None
    run_ids: list[str] = field(default_factory=list)


class LocalPool:
    """``workers`` spawned processes (not forked: torch and a GUI's threads do not survive a
    fork), each with one torch thread and Ctrl-C ignored (the parent cancels them)."""

    def __init__(self, workers: int) -> None:
        self.slots = workers
        self._pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            self.slots, mp_context=multiprocessing.get_context("spawn"), initializer=_quiet_worker
        )

    def submit(self, fn: Callable, payload: dict) -> cf.Future:
        try:
            return self._pool.submit(fn, payload)
        except cf.process.BrokenProcessPool:  # a worker died: a new pool for what follows
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = self._new_pool()
            return self._pool.submit(fn, payload)

    def wait(self, futures: list, timeout: float) -> list:
        done, _ = cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return list(done)

    @staticmethod
    def result(future: cf.Future) -> dict:
        return future.result()

    @staticmethod
    def describe(exc: BaseException) -> str:
        if isinstance(exc, cf.process.BrokenProcessPool):
            return WORKER_DIED
        return f"{type(exc).__name__}: {exc}"

    def close(self, cancel: bool = False) -> None:
        """End the pool; ``cancel``: without waiting for running runs (their processes are
        ended, so none is left behind)."""
        if not cancel:
            self._pool.shutdown(wait=True)
            return
        # the executor has no public way to end busy workers (Python 3.14 adds
        # terminate_workers); its process table is the only handle on them
        table = getattr(self._pool, "_processes", None) or {}  # the manager's own dict
        manager = getattr(self._pool, "_executor_manager_thread", None)
        self._pool.shutdown(wait=False, cancel_futures=True)
        _end(list(table.values()))
        # a worker ended makes the manager start a replacement before it sees the pool
        # broken; it ends and joins what it started, then we end anything still there
        if manager is not None:
            manager.join(timeout=30)
        _end(list(table.values()))


def _end(processes) -> None:
    """Terminate ``processes`` (killed if they do not exit in 10 s) and reap them."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()


def _quiet_worker() -> None:
    """A worker ignores Ctrl-C (sent to the whole terminal's process group): the parent
    decides, and ends the workers itself. One BLAS / OpenMP thread, like torch's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["OMP_NUM_THREADS"] = "1"


def default_workers() -> int:
    """One fewer than the cores (the machine keeps one for everything else), at least 1."""
    return max(1, (os.cpu_count() or 2) - 1)


def run_sweep(
    spec,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    keep_runs: bool = False,
    run_fn: Callable[[dict], dict] = run_one,
    on_update: Callable[[dict | None, Counts], None] | None = None,
    cancel: threading.Event | None = None,
) -> SweepOutcome:
    """Train every run of ``spec`` not already complete in ``out`` and write
    ``out/summary.csv`` (and ``out/runs/<id>.rnnviz`` with ``keep_runs``).

    ``scheduler``: None (a local process pool of ``workers``), ``"local"`` (a Dask
    LocalCluster of ``workers`` processes started for the sweep) or a Dask scheduler's
    address. ``on_update(row, counts)`` after each run ends (row None: a run started).
    ``cancel``: set it to stop; the outcome then has ``cancelled`` True.
    """
    folder = Path(out).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    runs_folder = folder / "runs" if keep_runs else None
    previous = summary.read_summary(folder)
    skip = summary.completed_ids(previous, spec.runs, runs_folder)
    rows = {
        run.id: previous[run.id] if run.id in skip else summary.planned_row(run)
        for run in spec.runs
    }
    todo = [run for run in spec.runs if run.id not in skip]
    counts = Counts(total=len(spec.runs), skipped=len(skip))
    workers = workers or default_workers()
    backend = _backend(scheduler, workers)
    writer = _SummaryWriter(folder, rows, spec.axis_names)
    cancelled = False
    try:
        _drive(backend, todo, spec, rows, counts, run_fn, runs_folder, on_update, cancel, writer)
    except (SweepCancelled, KeyboardInterrupt):
        cancelled = True
    finally:
        backend.close(cancel=cancelled)
        if cancelled:
            for ident, row in rows.items():
                if row.get("status") in ("queued", "running"):
                    rows[ident] = {**row, "status": "cancelled"}
        path = writer.write(force=True)
    return SweepOutcome(list(rows.values()), counts, cancelled, path, [r.id for r in spec.runs])


def _backend(scheduler: str | None, workers: int):
    if scheduler is None:
        return LocalPool(workers)
    from rnnviz.session.sweep_dask import DaskPool

    return DaskPool(scheduler, workers)


def _drive(backend, todo, spec, rows, counts, run_fn, runs_folder, on_update, cancel, writer):
    """Keep the worker slots busy until every run has a result or has failed twice."""
    queue = deque(todo)
    attempts: dict[str, int] = {}
    first_failure: dict[str, str] = {}
    running: dict = {}  # future -> run
    while queue or running:
        if cancel is not None and cancel.is_set():
            raise SweepCancelled
        while queue and len(running) < backend.slots:
            run = queue.popleft()
            attempts[run.id] = attempts.get(run.id, 0) + 1
            payload = _payload(run, attempts[run.id], runs_folder is not None)
            running[backend.submit(run_fn, payload)] = run
            rows[run.id] = {**rows[run.id], "status": "running"}
        counts.running = len(running)
        if on_update is not None:
            on_update(None, counts)
        for future in backend.wait(list(running), POLL_S):
            run = running.pop(future)
            try:
                result = backend.result(future)
            except Exception as exc:  # the run raised, or its worker died
                reason = f"attempt {attempts[run.id]}: {backend.describe(exc)}"
                if attempts[run.id] < MAX_ATTEMPTS:
                    first_failure[run.id] = reason
                    queue.appendleft(run)  # once more, as soon as a slot is free
                    continue
                notes = "; ".join(n for n in (first_failure.get(run.id), reason) if n)
                rows[run.id] = summary.failed_row(run, attempts[run.id], notes)
                counts.failed += 1
            else:
                _keep(result, runs_folder)
                success = spec.success.judge(result["metrics"]) if spec.success else None
                reason = first_failure.get(run.id, "")
                rows[run.id] = summary.result_row(run, result, attempts[run.id], success, reason)
                counts.done += 1
            counts.running = len(running)
            writer.write()
            if on_update is not None:
                on_update(rows[run.id], counts)


def _payload(run, attempt: int, keep: bool) -> dict:
    return {
        "id": run.id,
        "preset": run.preset,
        "set": run.overrides,
        "steps": run.steps,
        "threads": 1,
        "keep": keep,
        "attempt": attempt,
    }


def _keep(result: dict, runs_folder: Path | None) -> None:
    """Write a kept run's session file (sent back as bytes: a Dask worker may be another
    machine) atomically into ``runs/``."""
    data = result.pop("session_bytes", None)
    if runs_folder is None or data is None:
        return
    runs_folder.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".run-", suffix=".rnnviz", dir=runs_folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, runs_folder / f"{result['id']}.rnnviz")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _SummaryWriter:
    def __init__(self, folder: Path, rows: dict, axes: list[str]) -> None:
        self.folder, self.rows, self.axes = folder, rows, axes
        self.last = -float("inf")

    def write(self, force: bool = False) -> Path | None:
        now = time.monotonic()
        if not force and now - self.last < SUMMARY_EVERY_S:
            return None
        self.last = now
        return summary.write_summary(self.folder, list(self.rows.values()), self.axes)
