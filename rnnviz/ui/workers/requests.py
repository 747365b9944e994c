"""Requests from the GUI to the trainer: run ``fn(trainer)`` off the GUI thread, hand the result
(or the exception) to ``callback`` back on the GUI thread. Both training workers use it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Requests:
    """Jobs, helper threads and finished results; ``trainer_lock`` guards the trainer."""

    #: every helper thread started (of discarded workers too): ``join_all`` when closing
    _everywhere: set[threading.Thread] = set()

    def __init__(self, trainer, trainer_lock: threading.Lock) -> None:
        self.trainer = trainer
        self.trainer_lock = trainer_lock
        self._lock = threading.Lock()
        self._results: list[tuple[Callable, object]] = []
        self._helpers: list[threading.Thread] = []

    def job(self, fn: Callable, callback: Callable) -> Callable[[], None]:
        """A job that runs ``fn(trainer)`` under the trainer lock and keeps its result."""

        def run() -> None:
            try:
                with self.trainer_lock:
                    result = fn(self.trainer)
            except Exception as exc:  # handed to the callback, which shows it
                result = exc
            with self._lock:
                self._results.append((callback, result))

        return run

    def run_in_helper(self, job: Callable[[], None]) -> None:
        """Run ``job`` on a helper thread (joined by ``join``)."""
        self._helpers = [t for t in self._helpers if t.is_alive()]
        helper = threading.Thread(target=job, name="rnnviz-request", daemon=True)
        self._helpers.append(helper)
        Requests._everywhere = {t for t in Requests._everywhere if t.is_alive()} | {helper}
        helper.start()

    def deliver(self) -> None:
        """Call the callbacks of finished jobs (GUI thread)."""
        with self._lock:
            results, self._results = self._results, []
        for callback, result in results:
            callback(result)

    def busy(self) -> bool:
        """A job is still running (its helper thread uses the trainer)."""
        return any(helper.is_alive() for helper in self._helpers)

    def join(self, timeout: float) -> bool:
        """Wait for the helper threads; True when none is left running."""
        for helper in self._helpers:
            helper.join(timeout)
        self._helpers = [t for t in self._helpers if t.is_alive()]
        return not self._helpers

    @classmethod
    def join_all(cls, timeout: float) -> bool:
        """Wait up to ``timeout`` s in all for every helper thread still running (the window
        closes; a discarded run's request, e.g. a step-0 preview, may still be computing)."""
        deadline = time.monotonic() + timeout
        for helper in list(cls._everywhere):
            helper.join(max(0.0, deadline - time.monotonic()))
        cls._everywhere = {t for t in cls._everywhere if t.is_alive()}
        return not cls._everywhere
