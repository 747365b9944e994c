"""UI benchmark: training speed in the window against headless, event-loop lateness, a soak.

Run under a display (Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/bench_ui.py
    xvfb-run -a ... .venv/bin/python bench/bench_ui.py --soak 180
    xvfb-run -a ... .venv/bin/python bench/bench_ui.py --worker process   # or thread

Prints, measured in one run on this machine:
(a) steps/s with the window open and training, as a ratio to the same preset trained
    headless (i) scalar-only and (ii) with full records at the worker's cadence;
(b) lateness of a 10 ms QTimer (p50 / p99 / max) while training, and while idle;
(c) ``--soak S [--warm-up W]``: trains live for W + S seconds with all panels visible, prints
    the memory growth over the last S seconds of the window and of its training process
    (resident size from smaps_rollup; the median of the last minute's samples against the
    first minute's; MET / MISSED against +20 MiB), and how much of the window's is its
    history's arrays (bounded by their caps).
No thresholds: the issue's targets (ratio >= 0.8, p99 <= 20 ms) are printed for reference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnnviz.engine.presets import load_preset  # noqa: E402
from rnnviz.engine.record_cadence import RecordCadence  # noqa: E402
from rnnviz.engine.trainer import Trainer  # noqa: E402


def rss_mib(pid: int | str = "self") -> float:
    """Resident memory of a process (this one by default), NaN if it is gone. From
    smaps_rollup: VmRSS in /proc/PID/status is approximate (proc(5): per-thread counters
    synced now and then); a soak's first sample read there was 45-58 MiB below the sum of
    its own RssAnon and RssFile, which made a flat run look like +50 MiB of growth."""
    for name, key in (("smaps_rollup", "Rss:"), ("status", "VmRSS:")):
        try:
            lines = Path(f"/proc/{pid}/{name}").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    return float("nan")


def child_pid(window) -> int | str:
    """The training process' pid (the process worker), or "none" (thread worker)."""
    process = getattr(window.worker, "process", None)
    return process.pid if process is not None else "none"


SOAK_TARGET_MIB = 20.0  # issue 23, target 8: flat within +20 MiB after warm-up


def history_mib(window) -> tuple[float, str]:
    """The window's history: its arrays in MiB, and per part (bounded by its caps)."""
    parts = window.trainer.history.memory()
    text = " ".join(f"{name} {size / 2**20:.1f}" for name, size in parts.items())
    return sum(parts.values()) / 2**20, text


def headless(preset: str, seconds: float, cadence: bool) -> float:
    """Steps/s of the bare trainer; ``cadence``: full records as the worker asks for them."""
    trainer = Trainer.from_preset(load_preset(preset))
    for _ in range(3):  # warm up
        trainer.step(record=True)
    records, steps = RecordCadence(), 0
    start = time.monotonic()
    while (now := time.monotonic()) - start < seconds:
        full = records.due() if cadence else False
        trainer.step(record=full)
        if full:
            records.recorded(time.monotonic() - now)
        steps += 1
    return steps / (time.monotonic() - start)


class LatenessProbe:
    """A 10 ms PreciseTimer; records how late each timeout fires."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.lateness: list[float] = []
        self._last = None
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._fired)

    def start(self) -> None:
        self.lateness.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _fired(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, (now - self._last) * 1000 - 10.0))
        self._last = now

    def summary(self) -> str:
        a = np.asarray(self.lateness)
        if a.size == 0:
            return "no samples"
        return (
            f"p50 {np.percentile(a, 50):5.1f} ms  p99 {np.percentile(a, 99):5.1f} ms  "
            f"max {a.max():5.1f} ms  ({a.size} samples)"
        )

    def p99(self) -> float:
        return float(np.percentile(self.lateness, 99)) if self.lateness else float("nan")


def spin(app, seconds: float) -> None:
    """Run the event loop for ``seconds`` (the app stays responsive)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def scratch_settings():
    """A throw-away settings file: the default layout, and the user's own left alone."""
    import tempfile

    from PySide6.QtCore import QSettings

    path = Path(tempfile.mkdtemp(prefix="rnnviz-bench-")) / "layout.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


def windowed(app, preset: str, seconds: float):
    from rnnviz.ui.app import quiet_garbage_collector
    from rnnviz.ui.window import MainWindow

    MainWindow.confirm_discard = False  # closing must not wait for a question no one answers
    window = MainWindow(preset, settings=scratch_settings())
    window.resize(1600, 1000)
    window.show()
    quiet_garbage_collector()  # as run_app does
    probe = LatenessProbe()
    spin(app, 1.0)
    probe.start()
    spin(app, min(3.0, seconds))
    probe.stop()
    idle = probe.summary()
    window.run()
    deadline = time.monotonic() + 60.0  # the process worker spawns its child on the first run
    while window.trainer.step_count == 0 and time.monotonic() < deadline:
        spin(app, 0.1)
    spin(app, 1.0)  # warm up
    steps0, t0 = window.trainer.step_count, time.monotonic()
    probe.start()
    spin(app, seconds)
    probe.stop()
    rate = (window.trainer.step_count - steps0) / (time.monotonic() - t0)
    window.pause()
    error = window.last_error
    window.close()
    return rate, idle, probe, error


#: the soak's start and end are the medians of its samples over this long (15 s apart): one
#: sample could fall just after the heaps were trimmed, or while they are at their fullest
SOAK_WINDOW_S = 60.0


def soak(app, preset: str, seconds: float, warm_up: float = 0.0) -> int:
    from rnnviz.ui.app import quiet_garbage_collector
    from rnnviz.ui.window import MainWindow

    MainWindow.confirm_discard = False  # closing must not wait for a question no one answers
    window = MainWindow(preset, settings=scratch_settings())
    window.resize(1600, 1000)
    window.show()
    for dock in window.docks.values():
        dock.setVisible(True)
    quiet_garbage_collector()  # as run_app does
    spin(app, 1.0)
    window.run()
    spin(app, 5.0 + warm_up)  # the target is growth after warm-up (heaps, caches, atlases)
    print(
        f"soak: {preset}, {seconds:.0f} s after {warm_up:.0f} s of warm-up, "
        f"all {len(window.panels)} panels visible"
    )
    samples = soak_samples(app, window, seconds)
    ok = window.last_error is None and not window.trainer.diverged
    steps = window.trainer.step_count
    window.close()
    print(
        f"soak: {steps} steps; "
        + ("ended cleanly" if ok else f"ERROR: {window.last_error or window.trainer.diverged}")
    )
    report_growth(samples)
    return 0 if ok else 1


def soak_samples(app, window, seconds: float) -> list[tuple[float, float, float, float]]:
    """(t, window MiB, child MiB, history MiB) every 15 s for ``seconds``, each printed."""
    pid = child_pid(window)
    samples, start = [], time.monotonic()
    while True:
        elapsed = time.monotonic() - start
        history, parts = history_mib(window)
        samples.append((elapsed, rss_mib(), rss_mib(pid), history))
        print(
            f"  t={elapsed:4.0f} s  step {window.trainer.step_count:7d}  "
            f"rss {samples[-1][1]:7.1f} MiB  child {samples[-1][2]:7.1f} MiB  "
            f"{window.steps_per_second:6.0f} steps/s  history {history:.1f} MiB ({parts})",
            flush=True,
        )
        if elapsed >= seconds or not window.running:
            return samples
        spin(app, min(15.0, seconds - elapsed))


def report_growth(samples) -> None:
    """Growth from the median of the first SOAK_WINDOW_S of samples to that of the last,
    per process, with MET / MISSED; and how much of the window's is its history's arrays."""
    t_end = samples[-1][0]
    first = [s for s in samples if s[0] <= SOAK_WINDOW_S]
    last = [s for s in samples if s[0] >= t_end - SOAK_WINDOW_S]
    growth = [statistics.median(s[i] for s in last) - statistics.median(s[i] for s in first)
              for i in (1, 2, 3)]  # fmt: skip
    print(
        f"soak: growth, median of the last {SOAK_WINDOW_S:.0f} s against the first "
        f"({len(last)} and {len(first)} samples; single samples: window "
        f"{samples[0][1]:.0f} -> {samples[-1][1]:.0f} MiB, child "
        f"{samples[0][2]:.0f} -> {samples[-1][2]:.0f} MiB)"
    )
    print(
        f"soak: the history's arrays (bounded by its caps) {growth[2]:+.1f} MiB; "
        f"the window's growth besides them {growth[0] - growth[2]:+.1f} MiB"
    )
    for who, grown in (("window", growth[0]), ("child", growth[1])):
        if grown == grown:  # NaN: no child (thread worker)
            verdict = "MET" if grown <= SOAK_TARGET_MIB else "MISSED"
            print(f"soak: {who} {grown:+.1f} MiB (target <= +{SOAK_TARGET_MIB:.0f}): {verdict}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="slot_filling_lstm")
    parser.add_argument("--seconds", type=float, default=8.0, help="each measurement")
    parser.add_argument(
        "--soak",
        type=float,
        nargs="?",
        const=180.0,
        default=None,
        metavar="SECONDS",
        help="soak mode: train live this long (default 180 s) and report memory growth",
    )
    parser.add_argument(
        "--warm-up",
        type=float,
        default=0.0,
        metavar="S",
        help="soak mode: train this long before the memory baseline is taken",
    )
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=None,
        metavar="S",
        help="override sys.setswitchinterval (the GIL hand-over period) for a comparison",
    )
    parser.add_argument(
        "--worker",
        choices=("thread", "process"),
        default=None,
        help="training worker of the window (sets RNNVIZ_WORKER; default: the window's)",
    )
    parser.add_argument("--torch-threads", type=int, default=None, help="torch.set_num_threads")
    args = parser.parse_args(argv)
    if args.worker:
        os.environ["RNNVIZ_WORKER"] = args.worker
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    print(f"GIL switch interval {sys.getswitchinterval() * 1000:.2f} ms")

    from rnnviz.ui.app import get_app
    from rnnviz.ui.workers import worker_kind

    app = get_app()
    worker = worker_kind()
    if args.soak is not None:
        print(f"{worker} worker")
        return soak(app, args.preset, args.soak, args.warm_up)

    print(f"preset {args.preset}, {args.seconds:.0f} s per measurement, {worker} worker")
    import torch

    # headless with torch's threads as they were (the thread worker trains on one core
    # fewer, leaving one to the GUI)
    threads = torch.get_num_threads()
    # the window first: torch work done in this process before (headless) leaves its thread
    # pool spinning and skews the window's numbers (measured: p50 lateness 140 vs 0.2 ms)
    rate, idle, probe, error = windowed(app, args.preset, args.seconds)
    window_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    scalar = headless(args.preset, args.seconds, cadence=False)
    cadence = headless(args.preset, args.seconds, cadence=True)
    print(f"torch threads: window {window_threads}, headless {threads}")
    print(f"headless, scalar-only steps     {scalar:8.1f} steps/s")
    print(f"headless, full records at cadence {cadence:6.1f} steps/s")
    print(f"window open and training        {rate:8.1f} steps/s")
    print(f"(a) ratio window / headless scalar-only    {rate / scalar:5.2f}  (target >= 0.8)")
    print(f"    ratio window / headless same cadence   {rate / cadence:5.2f}")
    print(f"(b) 10 ms timer lateness, idle:     {idle}")
    print(f"    10 ms timer lateness, training: {probe.summary()}  (target p99 <= 20 ms)")
    if error is not None:
        print(f"ERROR in the worker: {error.message}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
