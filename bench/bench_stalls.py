"""How long the window's GUI thread is blocked by a reset, a preset switch and closing.

Run under a display (Xvfb) or offscreen:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_stalls.py [--rounds 4]
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_stalls.py --baseline DIR

Each round starts a fresh process that opens the window (process worker, 1600x1000), trains
a run for ``--train`` seconds, then times, on the GUI thread, ``reset()``, then (after
training again) ``new_from_preset`` to the other preset, then closing the window while it
trains. For each it also takes the longest turn of the event loop in the 1.5 s after the
call: what the call left to later events (the layout and the paint of the new run's panels,
drawing step 0 when the worker sends it). Issue 23's target 6 is no stall over 50 ms, so an
operation meets it only where the call and every turn after it stay within 50 ms; closing
within 1 s.

``--baseline DIR``: another checkout (e.g. ``git archive`` of main, unpacked) measured by
this same bench in alternate rounds, each going first in turn, so that both see the same
load; the ratios this / baseline of the medians are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STALL_TARGET_S = 0.050
CLOSE_TARGET_S = 1.0
OPERATIONS = ("reset", "preset switch")


def spin(app, seconds: float) -> float:
    """Run the event loop for ``seconds``; returns the longest turn of it (a turn handles
    the events pending, for 50 ms at most unless one event alone takes longer)."""
    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + seconds
    longest = 0.0
    while time.monotonic() < end:
        started = time.perf_counter()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        longest = max(longest, time.perf_counter() - started)
    return longest


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def measure(root: Path, presets: tuple[str, str], train: float) -> dict[str, float]:
    """One round in this process with ``root``'s rnnviz: seconds of each call and of the
    longest turn after it, and of closing."""
    sys.path.insert(0, str(root))
    os.environ.setdefault("RNNVIZ_WORKER", "process")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from rnnviz.ui.window import MainWindow

    app = QApplication.instance() or QApplication([])
    MainWindow.confirm_discard = False
    settings = QSettings(str(Path("/tmp") / "rnnviz-bench-stalls.ini"), QSettings.Format.IniFormat)
    window = MainWindow(presets[0], settings=settings)
    window.resize(1600, 1000)
    window.show()
    spin(app, 3.0)
    result = {}
    for name, call in (
        ("reset", window.reset),
        ("preset switch", lambda: window.new_from_preset(presets[1])),
    ):
        window.run()
        spin(app, train)
        result[name] = timed(call)
        result[f"{name} then"] = spin(app, 1.5)
    window.run()
    spin(app, train)
    result["close"] = timed(window.close)
    return result


def run_child(root: Path, args) -> dict[str, float]:
    """One round in a fresh process (this bench, ``root``'s rnnviz)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--root", str(root)]
    command += ["--presets", args.presets, "--train", str(args.train)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=root, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(label: str, rounds: list[dict[str, float]], baseline: list | None) -> None:
    def ms(name: str, rows: list[dict[str, float]]) -> list[float]:
        return [row[name] * 1000 for row in rows]

    def ratio(name: str) -> str:
        if not baseline:
            return ""
        this, base = statistics.median(ms(name, rounds)), statistics.median(ms(name, baseline))
        return f"  = {this / base:.2f}x"

    print(f"{label}:")
    for name in OPERATIONS:
        call, then = ms(name, rounds), ms(f"{name} then", rounds)
        worst = max(max(call), max(then))
        verdict = "MET" if worst <= STALL_TARGET_S * 1000 else "MISSED"
        print(
            f"  {name:14s} call median {statistics.median(call):5.0f} ms [{min(call):.0f}-"
            f"{max(call):.0f}]{ratio(name)}; longest turn after it median "
            f"{statistics.median(then):5.0f} ms [{min(then):.0f}-{max(then):.0f}]"
            f"{ratio(name + ' then')} (target: no stall over "
            f"{STALL_TARGET_S * 1000:.0f} ms) {verdict}"
        )
    close = ms("close", rounds)
    verdict = "MET" if max(close) <= CLOSE_TARGET_S * 1000 else "MISSED"
    print(
        f"  {'close':14s} median {statistics.median(close):5.0f} ms [{min(close):.0f}-"
        f"{max(close):.0f}]{ratio('close')} (target <= {CLOSE_TARGET_S:.0f} s) {verdict}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", default="adding_lstm,sine_gru", help="two presets")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--train", type=float, default=2.0, help="seconds trained before each")
    parser.add_argument("--baseline", type=Path, help="another checkout, rounds interleaved")
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)  # (child: one round)
    args = parser.parse_args(argv)
    presets = tuple(args.presets.split(","))
    if args.root is not None:
        print(json.dumps(measure(args.root.resolve(), presets, args.train)), flush=True)
        return 0
    sys.path.insert(0, str(ROOT))
    from rnnviz.engine.threads import training_threads

    roots = {"this": ROOT}
    if args.baseline is not None:
        roots["baseline"] = args.baseline.resolve()
    print(
        f"worker {os.environ.get('RNNVIZ_WORKER', 'process')}, training threads "
        f"{training_threads()}, load average {os.getloadavg()[0]:.2f}, {args.rounds} rounds"
    )
    results: dict[str, list[dict[str, float]]] = {label: [] for label in roots}
    for round_ in range(args.rounds):
        order = list(roots.items())
        for label, root in order[::-1] if round_ % 2 else order:  # each goes first in turn
            results[label].append(run_child(root, args))
    for label, rounds in results.items():
        report(label, rounds, results.get("baseline") if label == "this" else None)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
