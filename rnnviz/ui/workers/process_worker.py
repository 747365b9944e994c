"""A training worker that trains in a child process, with the window's trainer as a mirror.

Same interface as ``TrainingWorker`` (the window can use either; ``RNNVIZ_WORKER`` chooses).
Training in a separate process keeps the GUI's event loop and the trainer off one GIL: the
window keeps ~1.0x of headless steps/s and its timers fire on time.

- The child (``training_process.serve``, no Qt) builds its own Trainer(s) from the run's
  plain settings and the mirror's current TrainConfig. It is spawned by ``prestart`` (the
  window calls it when a run is set up, so the 1.5-3 s the child takes to import torch pass
  while the user reads the preset) or else on the first ``start``, and lives while the
  worker does: ``stop`` only pauses it, ``shutdown`` ends it. Commands sent while it starts
  wait in the pipe.
- The parent's ``trainer`` (and ``compare``) are mirrors: ``take`` (GUI thread) drains the
  child's coalesced messages and appends their records, trajectory points, checkpoints and
  live-setting changes to the mirror's history in order, sets ``step_count`` / ``diverged``
  and copies the newest weights into the mirror's model. So everything that reads the
  window's trainer (panels, ``request(fn, callback)``) works as with the thread worker.
- ``submit(command)`` runs a closure on the mirror only; live settings go through
  ``set_live``, which changes both the child's trainer and the mirror (marked at the step
  where the child applied it).

This module is that control, on the GUI thread; the child's process and channels are in
``training_child.py``, the meaning of its messages for the mirror in ``mirror.py``.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
from collections.abc import Callable

from rnnviz.engine.live_settings import apply_live
from rnnviz.engine.record import StepRecord
from rnnviz.ui.workers import training_child
from rnnviz.ui.workers.mirror import apply_message
from rnnviz.ui.workers.requests import Requests
from rnnviz.ui.workers.thread_worker import Published, WorkerError
from rnnviz.ui.workers.training_child import CLOSE_GRACE_S, TrainingChild


class ProcessTrainingWorker:
    """Trains ``settings`` (a RunSettings) in a child process; ``trainer`` / ``compare`` are
    the parent's mirrors of the child's trainers (built from the same settings)."""

    _live: set[ProcessTrainingWorker] = set()  # workers with a child process (tests check it)
    #: the window asks for step 0 through ``request`` (nothing trains in this process)
    previews_off_gui = True

    def __init__(self, trainer, compare=None, settings=None) -> None:
        if settings is None:
            raise TypeError("ProcessTrainingWorker needs the run's settings (plain data)")
        self.trainer = trainer
        self.compare = compare
        self.settings = settings
        self._ctx = mp.get_context("spawn")
        self._child: TrainingChild | None = None  # the process and our ends of its channels
        self._ready = False
        self._run_id = 0
        self._running = False
        self._steps_per_second: float | None = None
        self._trainer_lock = threading.Lock()  # held while the mirror is updated or read
        self._requests = Requests(trainer, self._trainer_lock)
        self._newest: StepRecord | None = None
        self._newest_full: StepRecord | None = None
        self._compare_newest: StepRecord | None = None
        self._error: WorkerError | None = None
        self._finished = False
        self._steps_done = 0
        self._lost_mid_run = False
        self._said_stopped = False

    # -- control (GUI thread) ----------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running

    @property
    def starting(self) -> bool:
        """A run was asked for while the child is still starting (importing torch)."""
        return self._running and not self._ready

    @property
    def process(self):
        return self._child.process if self._child is not None else None

    @property
    def lost(self) -> bool:
        """The child died (killed, out of memory) without being shut down."""
        return self._child is not None and self._child.process.exitcode is not None

    @property
    def lost_mid_run(self) -> bool:
        """It died while training: the mirror's records may be newer than its weights
        (those come with full records), so only a checkpoint is a state to go on from."""
        return self.lost and self._lost_mid_run

    def forget_child(self) -> int | None:
        """Let go of a dead child (the next ``start`` spawns one from the mirror, which
        holds the exact state of a paused run); returns its exit code."""
        child, self._child = self._child, None
        code = child.process.exitcode if child is not None else None
        if child is not None:
            child.close_channels()
        self._running = False
        ProcessTrainingWorker._live.discard(self)
        return code

    def set_speed(self, steps_per_second: float | None) -> None:
        self._steps_per_second = steps_per_second if steps_per_second else None
        self._send(("speed", self._steps_per_second))

    def prestart(self) -> None:
        """Start the child process now, so that the first ``start`` finds it ready."""
        if self._child is None:
            self._spawn()

    def start(self, max_steps: int | None = None) -> bool:
        """Start training (up to ``max_steps`` more steps). False if already running."""
        if self._running:
            return False
        if self.trainer.diverged:
            return False
        self.prestart()
        self._run_id += 1
        self._running = True
        self._finished = False
        self._send(("start", max_steps, self._run_id))
        return True

    def stop(self, timeout: float = 1.0) -> bool:
        """Pause: end the current run after the child's current step and take in everything it
        trained. True when the run ended (the child lives on for the next start); requests
        still running on the mirror go on."""
        deadline = time.monotonic() + timeout
        while self._running and self._pump(block=0):  # e.g. the child's "ready"
            pass
        if self._running:
            self._send(("pause",))
            if not self._ready:  # still starting up: the run never began; don't wait for it
                self._end_run()
            while self._running and self._ready:
                left = deadline - time.monotonic()
                if left <= 0 or not self._pump(block=left):
                    break
        ok = not self._running
        if self._running and not self._alive():
            self._end_run()
            ok = True
        # requests on the mirror (a step-0 preview, generated text) are not waited for: they
        # only read it, and the GUI thread would stall for as long as they take
        return ok

    def shutdown(self, timeout: float = 1.0, wait: bool = True) -> bool:
        """Stop training and end the child process (terminated if it does not exit in time).

        ``wait=False`` (a reset, another preset: the run is discarded): the child is told to
        stop and left to a reaper thread, so the window does not wait for it (a child still
        importing torch reads "stop" only when ready, seconds later); ``reap_all`` ends the
        reapers when the window closes."""
        deadline = time.monotonic() + timeout
        if wait:  # the mirror is then changed (a session opened, continued): no request on it
            stopped = self.stop(timeout * 0.5) and self._requests.join(timeout * 0.5)
        else:  # nothing the child still sends is wanted, and the window does not wait for
            self._end_run()  # a request on the mirror either (``busy``: leave the mirror be)
            stopped = True
        self._end_child(deadline if wait else time.monotonic() + timeout, wait)
        self._running = False
        ProcessTrainingWorker._live.discard(self)
        return stopped

    @property
    def busy(self) -> bool:
        """A request still uses the mirror (a discarded run's must not be reset under it)."""
        return self._requests.busy()

    def close(self, grace: float = CLOSE_GRACE_S) -> None:
        """End the child now (the window closes): told to stop, given ``grace`` seconds,
        then terminated; nothing it still sends is taken in."""
        self._end_run()
        self._end_child(time.monotonic() + grace)
        self._running = False
        ProcessTrainingWorker._live.discard(self)

    @staticmethod
    def reap_all(timeout: float = 3.0) -> None:
        """End the children left to reapers (the window closes): each reaper gives its
        child ``CLOSE_GRACE_S`` at most from now, then terminates it."""
        training_child.reap_all(timeout)

    def set_live(self, settings: dict) -> None:
        """Change live settings (``LIVE_FIELDS``) between two steps (marked as events)."""
        if self._running:  # the child marks the step where it applied them; the mirror follows
            self._send(("live", settings, True))
            return
        with self._trainer_lock:
            apply_live(self.trainer, self.compare, settings)
        self._send(("live", settings, False))

    def submit(self, command: Callable[[], None]) -> None:
        """Run ``command()`` against the mirror trainer (it cannot reach the child's)."""
        with self._trainer_lock:
            command()

    def request(self, fn: Callable, callback: Callable) -> None:
        """Run ``fn(trainer)`` (the mirror) on a helper thread; ``deliver_results`` hands its
        result (or exception) to ``callback`` on the GUI thread."""
        self._requests.run_in_helper(self._requests.job(fn, callback))

    def deliver_results(self) -> None:
        self._requests.deliver()

    def take(self) -> Published:
        """Take in the child's messages, then take (and clear) what was published."""
        while self._pump(block=0, wait_lock=False):  # the mirror busy: a later tick takes
            pass
        if (
            self._running
            and not self._said_stopped
            and self._child is not None
            and self._child.stopped()
        ):
            self._said_stopped = True  # said once; it may be continued (SIGCONT) and go on
            self._error = WorkerError(
                message="the training process is stopped (a SIGSTOP or a debugger): training "
                "goes on when it is continued, Reset ends it",
                details="",
            )
        if self._running and self._child is not None and not self._alive():
            self._pump(block=0)
            if self._running:
                code = self._child.process.exitcode
                self._lost_mid_run = True
                self._error = WorkerError(
                    message=f"the training process ended unexpectedly (exit code {code}): "
                    "Run continues from the last checkpoint, Reset starts again",
                    details="",
                )
                self._end_run()
        out = Published(
            newest=self._newest,
            newest_full=self._newest_full,
            compare=self._compare_newest,
            steps_done=self._steps_done,
            error=self._error,
            finished=self._finished,
        )
        self._newest = self._newest_full = self._compare_newest = None
        self._error = None
        self._finished = False
        return out

    # -- the child -----------------------------------------------------------------------------
    def _spawn(self) -> None:
        self._child = TrainingChild(
            self._ctx,
            (
                self.settings,
                self.trainer.config,
                self.compare is not None,
                [t.state() for t in (self.trainer, self.compare) if t is not None],
            ),
        )
        self._ready = False
        self._lost_mid_run = self._said_stopped = False
        ProcessTrainingWorker._live.add(self)
        self._send(("speed", self._steps_per_second))

    def _alive(self) -> bool:
        return self._child is not None and self._child.alive()

    def _send(self, command: tuple) -> None:
        if self._child is not None:
            self._child.send(command)

    def _end_child(self, deadline: float, wait: bool = True) -> None:
        """Tell the child to stop and end it by ``deadline`` (``wait=False``: on a reaper
        thread, so the window does not wait for it)."""
        child, self._child = self._child, None
        if child is None:
            return
        child.send(("stop",))
        if wait:
            child.end(deadline)
        else:
            training_child.end_later(child, deadline)

    def _end_run(self) -> None:
        self._running = False
        self._finished = True

    def _pump(self, block: float, wait_lock: bool = True) -> bool:
        """Take in one message (waiting up to ``block`` s). False when none came, or, with
        ``wait_lock=False``, while a request holds the mirror (the GUI thread never waits
        for one: a step-0 preview or generated text can take a second)."""
        if self._child is None or self._child.stopped():
            return False
        if not self._trainer_lock.acquire(blocking=wait_lock):
            return False
        try:
            message = self._child.receive(block)
            if message is None:
                return False
            if not message.get("ready"):
                apply_message(self.trainer, self.compare, message, self._published)
        finally:
            self._trainer_lock.release()
        if message.get("ready"):
            self._ready = True
            return True
        if message.get("error") is not None:
            text, details = message["error"]
            self._error = WorkerError(message=text, details=details)
        if message.get("fatal"):
            self._ready = True
        if message["finished"] and message.get("run") in (self._run_id, None):
            self._end_run()
        return True

    # -- what is published ---------------------------------------------------------------------
    def _published(self, which: str, record: StepRecord) -> None:
        """A record the mirror took in (``mirror.apply_message``): the newest for ``take``."""
        if which == "compare":
            if record.full or self._newest_full is not None:
                self._compare_newest = record
            return
        self._newest = record
        if record.full:
            self._newest_full = record
        self._steps_done += 1
