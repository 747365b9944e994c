"""The spectra of the record on screen, computed on a helper thread of the window.

A recorded step keeps its recurrent matrices; their eigenvalues, spectral radius and largest
singular value (``engine/spectra.py``) are computed here, off the training path and off the
GUI thread, for the record the panels show — the newest while training, or the cursor's.
One decomposition runs at a time and the newest wish replaces an older waiting one, so at
H = 512 (about 0.4 s for the four gate blocks) the spectra simply come less often. After a
decomposition that took s seconds the next starts no sooner than s / ``SHARE`` later, so the
helper keeps to a share of one core whatever H is.

The display timer polls ``poll()``; the results go into the run's History
(``History.add_spectra``: the record, the rho / sigma series, the eigenvalues cache).
"""

from __future__ import annotations

import threading
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.engine.spectra import decompose

THREAD_NAME = "rnnviz-spectra"  # one idle thread per process once spectra were asked for
#: the helper's decompositions take at most this share of its time
SHARE = 0.5

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _shared_executor() -> ThreadPoolExecutor:
    """One helper thread for the process, idle between jobs (like torch's own pools)."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(1, thread_name_prefix=THREAD_NAME)
        return _executor


class SpectraJob:
    """``want(record, history)``: the spectra of this record, please; ``poll()`` on the GUI
    thread stores finished ones and says whether anything new arrived."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._running: tuple[Future, StepRecord, History] | None = None
        self._waiting: list[tuple[StepRecord, History]] = []
        self._not_before = 0.0

    def want(self, record: StepRecord | None, history: History | None) -> None:
        """Queue ``record`` (of ``history``) unless its spectra are known or on their way;
        a newer wish for the same history replaces a waiting older one."""
        if record is None or history is None or not record.recurrent:
            return
        if history.eigenvalues_at(record.step) is not None or self._busy_with(record):
            return
        self._waiting = [(r, h) for r, h in self._waiting if h is not history]
        self._waiting.append((record, history))
        self._start_next()

    def poll(self) -> bool:
        """Store a finished decomposition (True when one arrived) and start the next."""
        arrived = False
        if self._running is not None and self._running[0].done():
            future, record, history = self._running
            self._running = None
            radius_sigma, eigenvalues, seconds = _result(future, record)
            history.add_spectra(record.step, radius_sigma, eigenvalues)
            self._not_before = self._clock() + seconds / SHARE - seconds
            arrived = True
        self._start_next()
        return arrived

    def forget(self) -> None:
        """Drop waiting wishes (a new run); a running decomposition finishes unseen."""
        self._waiting.clear()
        self._running = None

    @property
    def idle(self) -> bool:
        return self._running is None and not self._waiting

    def _busy_with(self, record: StepRecord) -> bool:
        return (self._running is not None and self._running[1] is record) or any(
            r is record for r, _ in self._waiting
        )

    def _start_next(self) -> None:
        if self._running is not None or not self._waiting or self._clock() < self._not_before:
            return
        record, history = self._waiting.pop(0)
        future = _shared_executor().submit(_timed_decompose, record.recurrent)
        self._running = (future, record, history)


def _result(future: Future, record: StepRecord) -> tuple[dict, dict, float]:
    """The decomposition's result; one that failed becomes NaN (shown as unknown, not asked
    again) and its traceback goes to stderr."""
    try:
        return future.result()
    except Exception:  # a bug here must not stop the display
        traceback.print_exc()
        nan = float("nan")
        return {name: (nan, nan) for name in record.recurrent}, {}, 0.0


def _timed_decompose(matrices: dict) -> tuple[dict, dict, float]:
    started = time.perf_counter()
    radius_sigma, eigenvalues = decompose(matrices)
    return radius_sigma, eigenvalues, time.perf_counter() - started
