"""The training child as the parent sees it: the process, its two channels, and its ending.

Apart from ``process_worker.py`` (which decides when to start, pause and end a run) because
these are the multiprocessing mechanics alone: spawning ``training_process.serve`` with a
command pipe (the parent writes) and a bounded message queue (the child writes), reading
without ever blocking on a stopped or half-dead child, and ending a child that was told to
stop -- now, or on a reaper thread so that the window does not wait for it.
"""

from __future__ import annotations

import queue
import threading
import time

from rnnviz.ui.child_priority import lower_priority
from rnnviz.ui.standby import QUEUE_SIZE, take_spare

#: closing: how long a child told to stop is given before it is terminated
CLOSE_GRACE_S = 0.2

#: threads ending the children of discarded runs (``end_later``; ``reap_all`` joins them)
REAPERS: set[threading.Thread] = set()
#: set while the window closes: reapers stop waiting
HURRY = threading.Event()


class TrainingChild:
    """A spawned ``training_process.serve(receive, messages, *args)`` and our ends of its
    channels: ``commands`` (a pipe we write) and ``messages`` (a queue it writes)."""

    def __init__(self, ctx, args: tuple) -> None:
        from rnnviz.ui.workers import training_process

        self._lock = threading.Lock()
        self._backlog: list[tuple] | None = None  # commands held while the run is sent
        spare = take_spare()  # started before the window imported Qt (ui/standby.py)
        if spare is not None:
            self.process, self.commands, self.messages = spare
            self._send_run(("serve", args))
        else:
            receive, self.commands = ctx.Pipe(duplex=False)
            self.messages = ctx.Queue(QUEUE_SIZE)
            self.process = ctx.Process(
                target=training_process.serve,
                args=(receive, self.messages, *args),
                name="rnnviz-training-process",
                daemon=True,
            )
            self.process.start()
            receive.close()
        lower_priority(self.process.pid)  # the window keeps the CPU it needs to draw
        # the child is now the only writer of its message pipe: if it dies half-way through a
        # message, our read ends with EOF instead of waiting forever for the rest (with our
        # copy of the write end open, a killed child could freeze the window in ``take``)
        self.messages._writer.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def send(self, command: tuple) -> None:
        with self._lock:
            if self._backlog is not None:  # after the run, in order
                self._backlog.append(command)
                return
        self._write(command)

    def _write(self, command: tuple) -> None:
        try:
            self.commands.send(command)
        except (OSError, ValueError, AttributeError):
            pass  # the child is gone; the worker's take() reports it

    def _send_run(self, command: tuple) -> None:
        """Send a spare its run on a thread: a spare still importing torch reads it only
        then, and a run's weights can be more than the pipe holds (the window would wait);
        commands sent meanwhile follow it."""
        self._backlog = []

        def write_all() -> None:
            self._write(command)
            with self._lock:
                backlog, self._backlog = self._backlog, None
                for later in backlog:
                    self._write(later)

        threading.Thread(target=write_all, name="rnnviz-send-run", daemon=True).start()

    def receive(self, block: float) -> dict | None:
        """The next message (waiting up to ``block`` s), or None when none came."""
        try:
            return self.messages.get(timeout=block) if block else self.messages.get_nowait()
        except (queue.Empty, OSError, EOFError, ValueError):
            return None

    def stopped(self) -> bool:
        """The child is stopped (SIGSTOP, a debugger; Linux's /proc tells): it may be stopped
        half-way through writing a message, and reading that would block the window until
        it is continued, so nothing is read from it meanwhile."""
        try:
            with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] in ("T", "t")
        except (OSError, IndexError, AttributeError):
            return False

    def close_channels(self) -> None:
        self.commands.close()
        self.messages.close()
        self.messages.cancel_join_thread()

    def end(self, deadline: float) -> None:
        """Wait until ``deadline`` for the child told to stop (``CLOSE_GRACE_S`` at most once
        the window closes), then terminate (and kill) it; close the channels."""
        process = self.process
        while process.is_alive() and time.monotonic() < deadline:
            if HURRY.is_set():
                process.join(max(0.0, min(CLOSE_GRACE_S, deadline - time.monotonic())))
                break
            process.join(min(0.05, max(0.0, deadline - time.monotonic())))
        if process.is_alive():
            process.terminate()
            process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join(1.0)
        self.close_channels()


def end_later(child: TrainingChild, deadline: float) -> None:
    """``child.end(deadline)`` on a reaper thread (a discarded run: the window goes on)."""
    reaper = threading.Thread(target=child.end, args=(deadline,), name="rnnviz-reaper", daemon=True)
    REAPERS.add(reaper)
    reaper.start()


def reap_all(timeout: float = 3.0) -> None:
    """End the children left to reapers (the window closes): each reaper gives its child
    ``CLOSE_GRACE_S`` at most from now, then terminates it."""
    HURRY.set()
    deadline = time.monotonic() + timeout
    for reaper in list(REAPERS):
        reaper.join(max(0.0, deadline - time.monotonic()))
        if not reaper.is_alive():
            REAPERS.discard(reaper)
    HURRY.clear()
