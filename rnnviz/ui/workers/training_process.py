"""The training loop of ``ProcessTrainingWorker``, run in a child process (spawn).

No Qt here, and nothing that imports it: a spawned child re-imports this module (and the
modules of what it is sent), so it must stay cheap and GUI-free. The child builds its own
Trainer(s) from plain data (a RunSettings and the mirror's current TrainConfig), then waits
for commands on a pipe:

    ("start", max_steps)   train up to max_steps more steps (None: until paused)
    ("pause",)             end the current run after the current step
    ("speed", sps)         target pace (None: as fast as possible)
    ("live", settings, ack)   change live settings ({name: value}) between two steps
    ("stop",)              exit

and sends messages (dicts) on a bounded queue, at most ``MESSAGE_HZ`` per second while
training: ``ops``, what happened since the last message, in order, for the parent's mirror of
the trainer -- ("rec", which, record), ("traj", which, step, flat weights), ("ckpt", which,
step, weights), ("live", settings); ``weights`` / ``compare_weights``: the current
weights (with every message carrying a full record, and the last of a run); ``finished``:
the run loop ended; ``error``: (message, details) of an exception. When the queue is full
the child keeps coalescing into the pending message instead of waiting for the parent.

The child exits on ("stop",), when the command pipe breaks, or when its parent is gone.
"""

from __future__ import annotations

import gc
import os
import queue
import time
import traceback
from dataclasses import replace

from rnnviz.engine.live_settings import apply_live
from rnnviz.engine.record_cadence import RecordCadence
from rnnviz.ui.workers.heap_trim import HeapTrimmer

MESSAGE_HZ = 60.0
#: the parent is polled for liveness at least this often while idle
IDLE_POLL_S = 0.5


class _Gone(Exception):
    """The parent asked the child to exit, or is gone."""


def _tee_history(trainer, which: str, ops: list) -> None:
    """Also put what the trainer adds to its history (besides records) into ``ops``."""
    history = trainer.history
    add_point, add_checkpoint = history.add_trajectory_point, history.add_checkpoint

    def point(step, flat):
        add_point(step, flat)
        ops.append(("traj", which, step, flat))

    def checkpoint(step, weights):
        add_checkpoint(step, weights)
        ops.append(("ckpt", which, step, weights))

    history.add_trajectory_point = point
    history.add_checkpoint = checkpoint


class _Child:
    def __init__(self, conn, out, settings, config, with_compare: bool, states=None) -> None:
        self.conn = conn
        self.out = out
        self.parent = os.getppid()
        self.trainer = replace(settings, config=config).make_trainer()
        self.compare = settings.make_compare_trainer() if with_compare else None
        # a run opened from a file or continued from a checkpoint starts where it was
        for trainer, state in zip((self.trainer, self.compare), states or (), strict=False):
            if trainer is not None and state is not None:
                trainer.restore(state)
        self.ops: list = []
        _tee_history(self.trainer, "main", self.ops)
        if self.compare is not None:
            _tee_history(self.compare, "compare", self.ops)
        self.sps: float | None = None
        self.pause_requested = False
        self.pending_start: int | None | bool = False  # False: none
        self.run = 0  # the parent's id of the current run
        self.weights_due = False
        self.last_sent = 0.0
        self.heap = HeapTrimmer()

    def build_optimizers(self) -> None:
        """Build the optimisers now, while the window shows the preset: torch's first one
        imports torch._dynamo (~1 s), which the first step would otherwise wait for."""
        for trainer in (self.trainer, self.compare):
            if trainer is not None:
                trainer.optimizer  # noqa: B018 (built on first use)

    # -- commands ----------------------------------------------------------------------------
    def _check_parent(self) -> None:
        if os.getppid() != self.parent:
            raise _Gone

    def _handle(self, command: tuple) -> None:
        kind = command[0]
        if kind == "stop":
            raise _Gone
        if kind == "start":
            self.pending_start, self.run = command[1], command[2]
            self.pause_requested = False
        elif kind == "pause":
            if self.pending_start is not False:  # a run asked for and not begun: it is over
                self.pending_start = False
                self._send(finished=True, force=True)
            else:
                self.pause_requested = True
        elif kind == "speed":
            self.sps = command[1] or None
        elif kind == "live":
            _, settings, ack = command
            apply_live(self.trainer, self.compare, settings)
            if ack:
                self.ops.append(("live", settings))

    def _drain(self, wait: float = 0.0) -> None:
        """Handle the commands waiting (waiting up to ``wait`` s for the first)."""
        try:
            if not self.conn.poll(wait):
                return
            while True:
                self._handle(self.conn.recv())
                if not self.conn.poll():
                    return
        except (EOFError, OSError):
            raise _Gone from None

    # -- messages ----------------------------------------------------------------------------
    def _send(self, finished: bool = False, error=None, force: bool = False) -> None:
        """Send what is pending; without ``force``, at most MESSAGE_HZ times a second and
        never waiting (a full queue: keep coalescing)."""
        now = time.monotonic()
        if not force and (not self.ops or now - self.last_sent < 1.0 / MESSAGE_HZ):
            return
        message = {"ops": list(self.ops), "finished": finished, "error": error, "run": self.run}
        if self.weights_due or finished:
            message["weights"] = self.trainer.weights()
            if self.compare is not None:
                message["compare_weights"] = self.compare.weights()
        if finished:  # the mirror takes the exact state (optimiser too): what a save writes
            message["states"] = [t.state() for t in (self.trainer, self.compare) if t is not None]
        while True:
            try:
                self.out.put(message, block=force, timeout=0.2 if force else None)
                break
            except queue.Full:
                if not force:
                    return
                self._check_parent()
        del self.ops[:]  # in place: the history tees hold this list
        self.last_sent = now
        self.weights_due = False

    # -- the loop ----------------------------------------------------------------------------
    def serve(self) -> None:
        try:
            while True:
                if self.pending_start is not False:
                    max_steps, self.pending_start = self.pending_start, False
                    self._run(max_steps)
                    continue
                self._drain(IDLE_POLL_S)
                self._check_parent()
                self.heap.maybe()
        except _Gone:
            self.out.cancel_join_thread()  # never hang at exit on a parent that stopped reading

    def _wait_for_pace(self, last_step_at: float) -> bool:
        while not self.pause_requested:
            if self.sps is None:
                return True
            remaining = last_step_at + 1.0 / self.sps - time.monotonic()
            if remaining <= 0:
                return True
            self._drain(min(remaining, 0.05))
        return False

    def _run(self, max_steps: int | None) -> None:
        trainer, compare = self.trainer, self.compare
        cadence = RecordCadence()
        last_step_at, done = -1e9, 0
        error = None
        self.pause_requested = False
        try:
            while True:
                self._drain()
                self._check_parent()
                if self.pause_requested or (max_steps is not None and done >= max_steps):
                    break
                if not self._wait_for_pace(last_step_at):
                    break
                now = time.monotonic()
                last_step_at = now
                is_last = max_steps is not None and done == max_steps - 1
                full = cadence.due(force=is_last)
                record = trainer.step(record=full)
                self.ops.append(("rec", "main", record))
                if compare is not None and not compare.diverged:
                    second = compare.step(record=full)
                    self.ops.append(("rec", "compare", second))
                if full:
                    cadence.recorded(time.monotonic() - now)
                    self.weights_due = True
                done += 1
                if record.diverged:
                    break
                self._send()
                self.heap.maybe()
        except _Gone:
            raise
        except Exception as exc:  # shown in the window, never swallowed
            error = (f"{type(exc).__name__}: {exc}", traceback.format_exc())
        self.pause_requested = False
        self._send(finished=True, error=error, force=True)


def warm_up() -> None:
    """Import what building a run and its first optimiser import: a spare child
    (ui/standby.py) does it before its run arrives, while the window starts."""
    import torch

    import rnnviz.engine.trainer  # noqa: F401
    import rnnviz.session.settings  # noqa: F401

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)  # imports torch._dynamo


def serve(conn, out, settings, config, with_compare: bool = True, states=None) -> None:
    """The child's entry point: build the trainer(s), then obey commands until told to stop."""
    from rnnviz.engine.threads import use_training_threads

    # leave a core to the GUI: its painting (and Mesa's threads under Xvfb) otherwise
    # competes with torch's intra-op threads and the event loop runs hundreds of ms late
    use_training_threads()
    try:
        child = _Child(conn, out, settings, config, with_compare, states)
    except Exception as exc:
        error = (f"{type(exc).__name__}: {exc}", traceback.format_exc())
        out.put({"ops": [], "finished": True, "error": error, "fatal": True})
        out.close()
        out.join_thread()
        return
    gc.collect()  # then exempt torch & co. from later full collections (see ui/app.py)
    gc.freeze()
    out.put({"ops": [], "finished": False, "error": None, "ready": True})
    child.build_optimizers()
    child.serve()
    os._exit(0)  # nothing left to flush (the queue's was cancelled); skip torch's slow teardown
