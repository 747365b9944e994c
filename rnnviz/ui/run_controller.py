"""Run control: the trainer(s) a window shows, the worker that trains them, and the transport.

The ``RunController`` owns what a run is made of (``run_settings``, ``trainer``,
``compare_trainer``, ``worker``) and knows nothing of widgets: it says what changed through
signals, and the window binds them to its sidebar, transport bar, status bar and banner. Each
is emitted where the window used to make the change itself, so the order of what the user
sees is the same (e.g. the sidebar shows new settings before the panels start over).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal

from rnnviz.engine.spec import SpecError
from rnnviz.engine.train_config import LIVE_FIELDS
from rnnviz.session.cursor import Cursor
from rnnviz.session.session import Session
from rnnviz.session.settings import RunSettings
from rnnviz.ui.panels import RunContext
from rnnviz.ui.workers import (
    ProcessTrainingWorker,
    Published,
    TrainingWorker,
    WorkerError,
    worker_kind,
)
from rnnviz.ui.workers.requests import Requests

#: closing: how long the window waits for requests still running on a trainer
CLOSE_REQUESTS_S = 0.6


class RunController(QObject):
    """Loads presets and settings, starts and stops training, resets.

    Signals: ``applied(settings)`` new settings are in use (before ``started_over``);
    ``refused(reason)`` settings could not be built; ``started_over()`` a new or reset run is
    at step 0 (clear what is shown); ``running_changed(on)`` the Run button's state;
    ``state_changed(text)`` "running", "paused" or "diverged"; ``stopped()`` the worker
    stopped (draw what its last steps produced); ``failed(error)`` training raised;
    ``warned(text)`` a message for the banner; ``message(text, ms)`` a passing note."""

    applied = Signal(object)
    refused = Signal(str)
    started_over = Signal()
    running_changed = Signal(bool)
    state_changed = Signal(str)
    stopped = Signal()
    failed = Signal(object)
    warned = Signal(str)
    message = Signal(str, int)

    def __init__(
        self, cursor: Cursor, speed: float | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.cursor = cursor
        #: the run itself (settings, trainers, histories, file): Qt-free, saved and opened
        self.session = Session(cursor)
        self.worker: TrainingWorker | None = None
        self.last_error: WorkerError | None = None
        self._speed = speed  # steps/s a new worker starts at (None: as fast as possible)
        self._active = False  # a run was started and its end not yet drawn
        self._restarting = False  # panels start again for the same run (restarting())

    @property
    def trainer(self):
        return self.session.trainer

    @property
    def compare_trainer(self):
        """Compare mode: the second run, trained in lockstep (else None)."""
        return self.session.compare_trainer

    @property
    def run_settings(self) -> RunSettings | None:
        return self.session.settings

    # -- settings --------------------------------------------------------------------------
    def load_preset(self, name: str | None) -> None:
        """Open a preset (None: the default demo) and get ready to train from step 0."""
        from rnnviz.engine.presets import DEFAULT_PRESET, load_preset

        preset = load_preset(name or DEFAULT_PRESET)
        self.apply_settings(RunSettings.from_preset(preset))

    def apply_settings(self, settings: RunSettings) -> bool:
        """Build a trainer for ``settings`` (stopping the current run). False if refused."""
        try:
            settings.make_trainer()  # refused settings leave the current run as it is
        except SpecError as exc:
            self.refused.emit(str(exc))
            return False
        self._stop_worker(shutdown=True, discard=True)
        self.session.apply_settings(settings)
        self.worker = self._make_worker()
        self.announce()
        return True

    def announce(self) -> None:
        """Say what ``apply_settings`` says of a new run, for the current one: the window
        loads its first run before it builds (and binds) its panels, so that the training
        child imports torch while they are built, then announces it."""
        settings = self.run_settings
        if settings is None:  # none was loaded (refused)
            return
        self.applied.emit(settings)
        self._start_over()
        self.message.emit(f"Ready: {settings.title or 'custom settings'}", 5000)

    def context(self) -> RunContext:
        """What a panel needs to start over for the current run."""
        trainer = self.trainer
        return RunContext(
            spec=trainer.spec,
            task=trainer.task,
            chains=tuple(trainer.chains),
            config=trainer.config,
            request=self._request,
            session=self.session,
            compare_spec=self.compare_trainer.spec if self.compare_trainer is not None else None,
            surface_view=self.run_settings.surface if self.run_settings is not None else None,
            restart=self._restarting,
        )

    def _request(self, fn, callback) -> None:
        if self.worker is not None:
            self.worker.request(fn, callback)

    def _make_worker(self):
        """A worker for the current trainer(s), of the kind ``RNNVIZ_WORKER`` chooses."""
        if worker_kind() == "process":
            worker = ProcessTrainingWorker(self.trainer, self.compare_trainer, self.run_settings)
            worker.prestart()  # the child imports torch while the user looks at the preset
        else:
            worker = TrainingWorker(self.trainer, self.compare_trainer)
        worker.set_speed(self._speed)
        return worker

    def _start_over(self) -> None:
        """A new run (or a reset one): nothing trained is shown or wrong yet."""
        self.last_error = None
        self.started_over.emit()

    # -- transport -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """Training, or finished but not yet drawn (False: everything trained is shown)."""
        return self._active

    @property
    def diverged(self) -> bool:
        return self.trainer is not None and bool(self.trainer.diverged)

    def run(self) -> None:
        self._start(None)

    def pause(self) -> None:
        self._stop_worker()

    def step_once(self) -> None:
        if not self.worker or not self.worker.running:
            self._start(1)

    def run_steps(self, n: int) -> None:
        """Train ``n`` more steps at the current speed, then pause (screenshots, tests)."""
        self._start(n)

    def reset(self) -> None:
        """Back to step 0 with the seed's initial weights."""
        stopped = self._stop_worker(shutdown=True, discard=True)
        if self.trainer is None:
            return
        if stopped and not (self.worker is not None and self.worker.busy):
            self.session.reset()
        else:  # never touch a trainer a stuck thread (or a request, e.g. a step-0 preview
            self.session.rebuild()  # the window does not wait for) may still use
        self.worker = self._make_worker()
        with self.restarting():
            self._start_over()
        self.message.emit("Reset to step 0", 3000)

    @contextmanager
    def restarting(self):
        """Panels started again inside are told it is the same run (``RunContext.restart``):
        a Reset re-applied the preset's loss-surface view over the plane the user had
        picked (issue 16)."""
        self._restarting = True
        try:
            yield
        finally:
            self._restarting = False

    def set_running(self, on: bool) -> None:
        """The Run button: run, or pause."""
        if on:
            self.run()
        else:
            self.pause()

    def set_speed(self, speed: float | None) -> None:
        """Target steps/s (None: as fast as possible), now and for later workers."""
        self._speed = speed
        if self.worker is not None:
            self.worker.set_speed(speed)

    def set_live(self, config) -> bool:
        """Change the live settings (``LIVE_FIELDS`` of ``config``) of the run in progress;
        False when there is no run to change."""
        if self.worker is None:
            return False
        self.worker.set_live({k: getattr(config, k) for k in LIVE_FIELDS})
        return True

    def _start(self, max_steps: int | None) -> None:
        if self.worker is None or self.worker.running:
            return
        if getattr(self.worker, "lost", False) and not self._recover_lost_process():
            return
        if self.trainer.diverged:
            self.warned.emit(f"{self.trainer.diverged}  Press Reset (R) to start again.")
            self.running_changed.emit(False)
            return
        self.cursor.set_step(None)
        self._active = True
        self.worker.start(max_steps)
        self.running_changed.emit(max_steps is None or max_steps > 1)
        self.state_changed.emit("running")

    def _recover_lost_process(self) -> bool:
        """The training process died (killed, out of memory): go on in a new one, from the
        window's exact state if it died while paused, else from the last checkpoint (the
        steps after it are trained again), else from step 0. Says which."""
        step = self.trainer.step_count
        if not self.worker.lost_mid_run:
            code = self.worker.forget_child()
            self.message.emit(
                f"The training process had ended (exit code {code}); a new one goes on "
                f"from step {step}",
                8000,
            )
            return True
        at = self.session.checkpoint_step(step)
        if at is None:
            self.reset()
            self.warned.emit(
                f"The training process had ended at step {step}, before any checkpoint: "
                "training starts again from step 0"
            )
            return True
        if not self.continue_from(at):
            return False
        self.warned.emit(
            f"The training process had ended at step {step}: training goes on from the "
            f"checkpoint at step {at}"
        )
        return True

    def _stop_worker(self, shutdown: bool = False, discard: bool = False) -> bool:
        """Stop training (``shutdown``: and end the worker for good, e.g. its training
        process; ``discard``: the run is dropped, so the window need not wait for the
        process to exit); False if the training did not end within a second."""
        stopped = True
        if self.worker is not None:
            if shutdown:
                stopped = self.worker.shutdown(timeout=1.0, wait=not discard)
            else:
                stopped = self.worker.stop(timeout=1.0)
            if not stopped:
                what = "process" if getattr(self.worker, "process", None) else "thread"
                print(f"rnnviz: the training {what} did not stop within 1 s", file=sys.stderr)
                self.warned.emit(
                    f"The training {what} does not answer (stopped, or stuck in a long "
                    "step): Reset ends it and starts again from step 0"
                )
            self.stopped.emit()
        self._active = False
        self.running_changed.emit(False)
        self.state_changed.emit("diverged" if self.diverged else "paused")
        return stopped

    def took(self, published: Published, worker) -> None:
        """What the display took from ``worker``, once drawn: an error, the end of the run
        loop (its thread is exiting), a divergence."""
        if published.error is not None:
            self.last_error = published.error
            print(f"rnnviz: training failed:\n{published.error.details}", file=sys.stderr)
            self.failed.emit(published.error)
        if published.finished:
            worker.stop()
            self._active = False
            self.running_changed.emit(False)
            self.state_changed.emit("diverged" if self.diverged else "paused")
        newest = published.newest
        if newest is not None:
            self.session.set_modified(True)
        if newest is not None and newest.diverged:
            self.warned.emit(f"⚠  {newest.diverged}  Press Reset (R) to start again.")

    # -- files and the past ------------------------------------------------------------------
    def save(self, path) -> bool:
        """Save the session (training paused first, so the state written is whole); says
        why through ``warned`` and returns False when it cannot be written."""
        from rnnviz.session.files import SessionFileError

        if self.trainer is None:
            return False
        self.pause()
        try:
            written = self.session.save(path)
        except (SessionFileError, SpecError, OSError) as exc:
            self.warned.emit(f"Not saved: {exc}")
            return False
        self.message.emit(f"Saved {written}", 5000)
        return True

    def open(self, path) -> bool:
        """Replace the run by the session saved in ``path``; False (the run unchanged, the
        reason through ``warned``) when it cannot be opened."""
        from rnnviz.session.files import SessionFileError

        try:
            loaded = Session(Cursor())
            loaded.open(path)  # read fully before the current run is touched
        except (SessionFileError, SpecError, OSError) as exc:
            self.warned.emit(f"Could not open {path}: {exc}")
            return False
        self._stop_worker(shutdown=True)
        self.session.adopt(loaded)
        self.worker = self._make_worker()
        self.applied.emit(self.session.settings)
        self._start_over()
        self.cursor.restore(loaded.cursor.to_dict())
        self.message.emit(f"Opened {self.session.path}", 5000)
        from rnnviz.session.data_sources import data_note

        if note := data_note(self.session.trainer):
            self.warned.emit(note[:1].upper() + note[1:] + ".")
        return True

    def continue_from(self, step: int) -> bool:
        """Restart training from the checkpoint at or before ``step`` (the later history
        discarded); False with the reason through ``warned`` when there is none."""
        self._stop_worker(shutdown=True)
        try:
            at = self.session.continue_from(step)
        except SpecError as exc:
            self.warned.emit(str(exc))
            self.worker = self._make_worker()
            return False
        self.worker = self._make_worker()
        self.started_over.emit()
        self.message.emit(f"Continuing from step {at}", 5000)
        return True

    def shutdown(self) -> None:
        """End the worker for good (the window closes): its training process is given a
        moment to stop, then terminated; nothing it trained since is wanted."""
        if self.worker is not None:
            self.worker.close()
        ProcessTrainingWorker.reap_all()  # children of runs discarded earlier
        Requests.join_all(CLOSE_REQUESTS_S)  # e.g. a step-0 preview (well under a second)
        self._active = False
