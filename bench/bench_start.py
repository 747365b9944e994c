"""Start-up benchmark (issue 23, target 5): start -> first painted window, -> first step shown.

Run under a display (Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/bench_start.py --rounds 5

Each round starts fresh Python processes, interleaved, and times from ``Popen`` to a line the
child prints:
  floor   ``import torch, PySide6.QtWidgets, pyqtgraph`` and exit: what no start can beat;
  window  the app's own start (``MainWindow`` on the default demo, as ``rnnviz`` opens it,
          the spare training process started first: rnnviz/ui/standby.py):
          "paint" when the window's first paint event arrives, "step" when the first
          trained step has been taken for display (``Display.took`` with step >= 1);
          "cpu": the CPU seconds the window's process and its training process used in all
          (to the first step and closing), which a loaded machine inflates far less.
Prints medians and the spread over rounds, the ratio to the floor, and MET / MISSED against
the issue's targets (paint <= 2.3 s, first step <= 3 s; absolute, so only meaningful on a
quiet machine: the load average is printed).

``--baseline DIR``: also time the window of another checkout (e.g. an unpacked ``git archive
main``), started by that checkout's own bench child, interleaved with this one in every round,
so that a change is measured against the same load.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGETS_S = {"paint": 2.3, "step": 3.0}


def child_floor() -> None:
    """The imports every start pays."""
    import pyqtgraph  # noqa: F401
    import torch  # noqa: F401
    from PySide6 import QtWidgets  # noqa: F401

    print("floor", flush=True)


def child_window() -> None:
    """Open the window as ``rnnviz`` does, report the first paint and the first step shown."""
    sys.path.insert(0, str(ROOT))
    from rnnviz.ui.standby import start_spare

    start_spare()  # as the `rnnviz` command does, before Qt is imported
    from PySide6.QtCore import QEvent, QObject, QTimer

    from rnnviz.ui.app import after_first_paint, get_app, quiet_garbage_collector
    from rnnviz.ui.window import MainWindow

    app = get_app()
    window = MainWindow(None)
    window.confirm_discard = False

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
            if event.type() == QEvent.Type.Paint:
                print("paint", flush=True)
                watched.removeEventFilter(self)
                window.run_steps(1)
            return False

    painted = FirstPaint(window)
    window.installEventFilter(painted)

    def took(record) -> None:
        if record.step >= 1:
            print("step", flush=True)
            QTimer.singleShot(0, window.close)

    window.display.took.connect(took)
    window.resize(1600, 1000)
    window.show()
    after_first_paint(window, quiet_garbage_collector)  # as run_app does
    app.exec()


def timed_child(kind: str, root: Path = ROOT) -> dict[str, float]:
    """Seconds from starting the child (``root``'s bench) to each marker line it prints."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(root / "bench" / Path(__file__).name), "--child", kind],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
    )
    marks: dict[str, float] = {}
    try:
        for line in child.stdout:
            marks[line.strip()] = time.perf_counter() - start
    finally:
        # the CPU seconds it used (with the children it waited for: the training process),
        # a measure of the work done that a busy machine inflates far less than the latency
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    marks["cpu"] = usage.ru_utime + usage.ru_stime
    return marks


def verdict(name: str, values: list[float]) -> str:
    median = float(np.median(values))
    target = TARGETS_S.get(name)
    status = "" if target is None else (" MET" if median <= target else " MISSED")
    limit = "" if target is None else f" (target <= {target} s)"
    return f"{median:6.2f} s  [{min(values):.2f}-{max(values):.2f}]{limit}{status}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--baseline", type=Path, help="another checkout to time too, interleaved (e.g. main's)"
    )
    parser.add_argument("--child", choices=("floor", "window"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "floor":
        child_floor()
        return 0
    if args.child == "window":
        child_window()
        return 0
    roots = {"": ROOT}
    if args.baseline is not None:
        roots = {"": ROOT, "baseline ": args.baseline.resolve()}
    print(f"load average before: {os.getloadavg()[0]:.2f}; {args.rounds} rounds, interleaved")
    if sys.dont_write_bytecode:  # every start then compiles rnnviz's ~150 modules again
        print("bytecode caches are not written (PYTHONDONTWRITEBYTECODE): starts compile rnnviz")
    results: dict[str, list[float]] = {"floor": []}
    for label in roots:
        results.update({f"{label}paint": [], f"{label}step": [], f"{label}cpu": []})
    for round_ in range(args.rounds):
        results["floor"].append(timed_child("floor")["floor"])
        order = list(roots.items())
        for label, root in order[::-1] if round_ % 2 else order:  # each goes first in turn
            marks = timed_child("window", root)
            for name in ("paint", "step", "cpu"):
                results[f"{label}{name}"].append(marks.get(name, float("nan")))
        row = "  ".join(f"{name} {values[-1]:.2f}" for name, values in results.items())
        print(f"round {round_ + 1}: {row}", flush=True)
    floor = float(np.median(results["floor"]))
    for name, values in results.items():
        ratio = (
            ""
            if name == "floor" or "cpu" in name
            else f"  = {np.median(values) / floor:.2f}x the floor"
        )
        print(f"{name:14s} {verdict(name.split()[-1], values)}{ratio}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
