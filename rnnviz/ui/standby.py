"""A training process started before the window imports Qt: it imports torch meanwhile.

Why (issue 23, target 5): the first training step waits for a child process to import torch
(1.5-3 s on 2 cores), and the window used to start that child only once it had imported
torch, Qt and pyqtgraph itself and built its first run. ``rnnviz`` (the window command)
calls ``start_spare()`` first thing: a spawned process imports what training needs while
the window's process imports the same on the other core. The window's first training child
(``TrainingChild``) then takes that process (``take_spare``) and sends it the run as its
first command; it serves exactly as a child spawned then would (training_process.serve).

This module imports nothing heavy (the window command imports it before torch and Qt), and
the spare exits by itself when its pipe closes: a window that never trains (a bad file, a
thread worker) leaves nothing behind (``drop_spare`` ends it at once).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from typing import NamedTuple

from rnnviz.ui.child_priority import lower_priority

#: which training worker the window uses: "process" (the default: ProcessTrainingWorker trains
#: in a child process, the window's trainer is its mirror) or "thread" (TrainingWorker)
WORKER_ENV = "RNNVIZ_WORKER"


class Spare(NamedTuple):
    """The spare process and our ends of its channels (as ``TrainingChild`` keeps them)."""

    process: mp.process.BaseProcess
    commands: object  # a Connection we write
    messages: object  # a multiprocessing Queue it writes


#: a training child's message queue holds at most this many messages (it coalesces beyond)
QUEUE_SIZE = 8

_spare: Spare | None = None


def start_spare() -> None:
    """Spawn the spare training process (at most one), where the window will train in a
    process (``RNNVIZ_WORKER`` unset or "process")."""
    global _spare
    if _spare is not None or os.environ.get(WORKER_ENV, "").strip().lower() not in ("", "process"):
        return
    ctx = mp.get_context("spawn")
    receive, commands = ctx.Pipe(duplex=False)
    messages = ctx.Queue(QUEUE_SIZE)
    process = ctx.Process(
        target=wait_for_run,
        args=(receive, messages),
        name="rnnviz-training-process",
        daemon=True,
    )
    process.start()
    receive.close()
    _spare = Spare(process, commands, messages)
    lower_priority(process.pid)  # the window's own start comes first


def take_spare() -> Spare | None:
    """The spare process, once (None when there is none or it has ended)."""
    global _spare
    spare, _spare = _spare, None
    if spare is not None and not spare.process.is_alive():
        _close(spare)
        return None
    return spare


def drop_spare() -> None:
    """End a spare no run took (the window closed, or trains on a thread)."""
    spare = take_spare()
    if spare is not None:
        _close(spare)
        spare.process.join(timeout=2.0)
        if spare.process.is_alive():
            spare.process.kill()
            spare.process.join(timeout=2.0)


def _close(spare: Spare) -> None:
    spare.commands.close()  # the spare's recv ends: it exits
    spare.messages.close()
    spare.messages.cancel_join_thread()


def wait_for_run(conn, out) -> None:
    """The spare's entry point: import training's modules, then serve the run sent as the
    first command, ``("serve", args)`` with ``training_process.serve``'s arguments; exit on
    anything else or a closed pipe."""
    from rnnviz.ui.workers import training_process

    training_process.warm_up()
    try:
        command = conn.recv()
    except (EOFError, OSError):
        return
    if command[0] == "serve":
        training_process.serve(conn, out, *command[1])
