"""How long the window's GUI thread is blocked by a reset, a preset switch and closing.

Run under a display (Xvfb) or offscreen:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_stalls.py [--rounds 4]

Each round trains a run for ``--train`` seconds on the process worker, then times, on the
GUI thread, ``reset()``, then (after training again) ``new_from_preset`` to the other
preset; the last round closes the window while it trains. Prints the median and the
largest time per operation (and the longest turn of the event loop in the 1.5 s after it:
what it left to later events, such as drawing step 0 when the worker sends it), and
MET / MISSED against issue 23's target 6 (no stall over 50 ms; closing within 1 s). Each
operation resets the panels for the new run, so it is not expected to meet 50 ms; the
numbers say how far.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STALL_TARGET_S = 0.050
CLOSE_TARGET_S = 1.0


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", default="adding_lstm,sine_gru", help="two presets")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--train", type=float, default=2.0, help="seconds trained before each")
    args = parser.parse_args(argv)
    os.environ.setdefault("RNNVIZ_WORKER", "process")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from rnnviz.engine.threads import training_threads
    from rnnviz.ui.window import MainWindow

    app = QApplication.instance() or QApplication([])
    first, second = args.presets.split(",")
    MainWindow.confirm_discard = False
    settings = QSettings(str(Path("/tmp") / "rnnviz-bench-stalls.ini"), QSettings.Format.IniFormat)
    window = MainWindow(first, settings=settings)
    window.resize(1600, 1000)
    window.show()
    spin(app, 3.0)
    print(f"worker {os.environ['RNNVIZ_WORKER']}, training threads {training_threads()}")
    times: dict[str, list[float]] = {"reset": [], "preset switch": []}
    after: dict[str, list[float]] = {"reset": [], "preset switch": []}
    for round_ in range(args.rounds):
        window.run()
        spin(app, args.train)
        times["reset"].append(timed(window.reset))
        after["reset"].append(spin(app, 1.5))
        window.run()
        spin(app, args.train)
        other = second if round_ % 2 == 0 else first
        times["preset switch"].append(timed(lambda o=other: window.new_from_preset(o)))
        after["preset switch"].append(spin(app, 1.5))
    window.run()
    spin(app, args.train)
    close = timed(window.close)
    for name, values in times.items():
        verdict = "MET" if max(values) <= STALL_TARGET_S else "MISSED"
        print(
            f"{name:14s} median {statistics.median(values) * 1000:7.0f} ms, "
            f"max {max(values) * 1000:7.0f} ms over {len(values)} "
            f"(target <= {STALL_TARGET_S * 1000:.0f} ms): {verdict}"
        )
        # what the operation left to the event loop (e.g. drawing step 0 when it arrives)
        longest = [t * 1000 for t in after[name]]
        print(
            f"{'  then':14s} longest turn of the event loop in the 1.5 s after: median "
            f"{statistics.median(longest):7.0f} ms, max {max(longest):7.0f} ms"
        )
    verdict = "MET" if close <= CLOSE_TARGET_S else "MISSED"
    print(f"{'close':14s} {close * 1000:7.0f} ms (target <= {CLOSE_TARGET_S:.0f} s): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
