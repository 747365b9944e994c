"""Run functions for the sweep fault tests: importable by spawned workers (a test module's
functions are pickled by reference), each the real run with a fault added."""

import os
import signal

from rnnviz.session.sweep_run import run_one

#: the run whose task.seq_len is this raises on every attempt
RAISING_LEN = 11
#: the run whose task.seq_len is this kills its own worker process on its first attempt
DYING_LEN = 12


def faulty_run(payload: dict) -> dict:
    seq_len = payload["set"].get("task.seq_len")
    if seq_len == RAISING_LEN:
        raise RuntimeError("the run broke on purpose")
    if seq_len == DYING_LEN and payload["attempt"] == 1:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
    return run_one(payload)


def failing_run(payload: dict) -> dict:
    raise RuntimeError("no run may start")
