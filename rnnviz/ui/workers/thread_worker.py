"""The training worker: runs ``trainer.step`` on a background thread and publishes records.

Nothing crosses to the GUI as a signal per step. The worker keeps a single "newest record"
slot (and the newest *full* record), overwritten at every step; the window's display timer
takes what is there at display rate. So drawing never queues a backlog and training speed
does not depend on drawing speed.

Full records (``trainer.step(record=True)``, with the sample and its internals) are asked for
at the engine's ``RecordCadence``: at most 20 times per second, and less often when they are
slow, so that they take at most a tenth of the training time (the spectra are the window's, off
this thread: ``ui/workers/spectra_job.py``); the steps in between are scalar-only (fast). At
slow speeds every step is a full record, and the last step of a run always is.

Changes to the trainer while it runs (learning rate, clipping, what dL/dh_t is of) are queued
with ``submit`` and applied by the worker between two steps, so the trainer is only ever
touched by one thread.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from rnnviz.engine.live_settings import apply_live
from rnnviz.engine.record import StepRecord
from rnnviz.engine.record_cadence import RecordCadence
from rnnviz.engine.threads import use_training_threads
from rnnviz.ui.workers.requests import Requests


def leave_a_core_to_the_gui() -> None:
    """Train on one core fewer than the machine has (``engine/threads.py``): torch's
    intra-op threads otherwise spin on the GUI thread's core. Measured on 2 cores with the
    window open: p99 event-loop lateness 32 -> 17 ms, steps/s 0.46 -> 0.66 of headless
    (whose own speed is the same with 1 or 2 threads for these small models)."""
    use_training_threads()


@dataclass(frozen=True)
class WorkerError:
    """An exception raised on the worker thread, for the window to show."""

    message: str
    details: str


@dataclass(frozen=True)
class Published:
    """What the display timer takes from the worker in one tick."""

    newest: StepRecord | None  # the newest record, if a new one arrived since the last take
    newest_full: StepRecord | None  # the newest full record, if a new one arrived
    compare: StepRecord | None  # compare mode: the second run's record for ``newest_full``
    steps_done: int  # steps the worker has completed since it was created
    error: WorkerError | None
    finished: bool  # the run loop ended since the last take (paused, limit, divergence, error)


class TrainingWorker:
    """Owns the training thread for one trainer. Create a new worker for a new trainer.

    ``compare``: an optional second trainer (same task and seed) stepped in lockstep, one step
    of each per loop, both recording on the same steps; once it diverges it is left alone
    while the first run goes on."""

    _live: set[TrainingWorker] = set()  # workers with a running thread (tests check it)

    def __init__(self, trainer, compare=None) -> None:
        self.trainer = trainer
        self.compare = compare
        self._compare_newest: StepRecord | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._commands: deque[Callable[[], None]] = deque()
        self._steps_per_second: float | None = None  # None: as fast as possible
        self._newest: StepRecord | None = None
        self._newest_full: StepRecord | None = None
        self._error: WorkerError | None = None
        self._finished = False
        self._steps_done = 0
        self._trainer_lock = threading.Lock()  # held while a step or a request uses it
        self._requests = Requests(trainer, self._trainer_lock)

    # -- control (GUI thread) ----------------------------------------------------------------
    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def set_speed(self, steps_per_second: float | None) -> None:
        """Target pace; None or <= 0 trains as fast as possible. Applies from the next step."""
        with self._lock:
            self._steps_per_second = steps_per_second if steps_per_second else None

    def start(self, max_steps: int | None = None) -> bool:
        """Start training (up to ``max_steps`` more steps). False if already running."""
        if self.running:
            return False
        self._stop.clear()
        with self._lock:
            self._finished = False
        leave_a_core_to_the_gui()
        self._thread = threading.Thread(
            target=self._run, args=(max_steps,), name="rnnviz-training", daemon=True
        )
        TrainingWorker._live.add(self)
        self._thread.start()
        return True

    def stop(self, timeout: float = 1.0) -> bool:
        """Ask the loop to end after the current step and wait for it. True when it ended."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                return False
            self._thread = None
        if not self._requests.join(timeout):
            return False
        TrainingWorker._live.discard(self)
        self._drain_commands()
        return True

    def shutdown(self, timeout: float = 1.0, wait: bool = True) -> bool:
        """End this worker for good (a thread worker has nothing more to end than ``stop``;
        its thread shares the trainer, so it is always waited for)."""
        return self.stop(timeout)

    @property
    def busy(self) -> bool:
        """A request still uses the trainer."""
        return self._requests.busy()

    def close(self) -> None:
        """End the worker (the window closes)."""
        self.stop(timeout=1.0)

    def set_live(self, settings: dict) -> None:
        """Change live settings (``LIVE_FIELDS``) between two steps (marked as events); what
        the records show (``gradients_of``) changes for the compared run too."""
        trainer, compare = self.trainer, self.compare
        self.submit(lambda: apply_live(trainer, compare, settings))

    def submit(self, command: Callable[[], None]) -> None:
        """Run ``command()`` against the trainer between two steps (now, when idle)."""
        with self._lock:
            if self.running:
                self._commands.append(command)
                return
        with self._trainer_lock:
            command()

    def request(self, fn: Callable, callback: Callable) -> None:
        """Run ``fn(trainer)`` off the GUI thread (between steps while training); its result
        (or exception) is handed to ``callback`` by ``deliver_results`` on the GUI thread."""
        job = self._requests.job(fn, callback)
        with self._lock:
            if self.running:
                self._commands.append(job)
                return
        self._requests.run_in_helper(job)

    def deliver_results(self) -> None:
        """Call the callbacks of finished requests (GUI thread)."""
        self._requests.deliver()

    def take(self) -> Published:
        """Take (and clear) what was published since the last take."""
        with self._lock:
            out = Published(
                newest=self._newest,
                newest_full=self._newest_full,
                compare=self._compare_newest,
                steps_done=self._steps_done,
                error=self._error,
                finished=self._finished,
            )
            self._newest = None
            self._newest_full = None
            self._compare_newest = None
            self._error = None
            self._finished = False
        return out

    # -- the loop (worker thread) ------------------------------------------------------------
    def _drain_commands(self) -> None:
        while True:
            with self._lock:
                if not self._commands:
                    return
                command = self._commands.popleft()
            command()

    def _wait_for_pace(self, last_step_at: float) -> bool:
        """Sleep until the next step is due at the current speed. False when asked to stop."""
        while not self._stop.is_set():
            with self._lock:
                sps = self._steps_per_second
            if sps is None:
                return True
            remaining = last_step_at + 1.0 / sps - time.monotonic()
            if remaining <= 0:
                return True
            # wake at least every 50 ms so a speed change or stop is seen promptly
            self._stop.wait(min(remaining, 0.05))
        return False

    def _step_compare(self, full: bool) -> StepRecord | None:
        compare = self.compare
        if compare is None or compare.diverged:
            return None
        return compare.step(record=full)

    def _run(self, max_steps: int | None) -> None:
        trainer = self.trainer
        cadence = RecordCadence()
        last_step_at = -1e9
        done = 0
        try:
            while not self._stop.is_set():
                self._drain_commands()
                if max_steps is not None and done >= max_steps:
                    break
                if not self._wait_for_pace(last_step_at):
                    break
                self._drain_commands()
                now = time.monotonic()
                last_step_at = now
                is_last = max_steps is not None and done == max_steps - 1
                full = cadence.due(force=is_last)
                with self._trainer_lock:
                    record = trainer.step(record=full)
                    second = self._step_compare(full)
                if full:
                    cadence.recorded(time.monotonic() - now)
                done += 1
                with self._lock:
                    self._newest = record
                    if record.full:
                        self._newest_full = record
                    if second is not None and (second.full or record.full):
                        self._compare_newest = second
                    self._steps_done += 1
                if record.diverged:
                    break
        except Exception as exc:  # shown in the window, never swallowed
            error = WorkerError(
                message=f"{type(exc).__name__}: {exc}", details=traceback.format_exc()
            )
            with self._lock:
                self._error = error
        finally:
            try:
                self._drain_commands()
            finally:
                with self._lock:
                    self._finished = True
