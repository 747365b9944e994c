"""Where training runs off the GUI thread, and what crosses back from it.

``ProcessTrainingWorker`` (process_worker.py, the default) trains in a child process whose
loop is ``training_process.serve`` (training_child.py spawns and ends it, mirror.py applies
its messages to the window's trainer); ``TrainingWorker`` (thread_worker.py) trains on a thread.
Both have one interface: ``take`` a ``Published`` at display rate, ``request`` work on the
trainer (requests.py), errors as ``WorkerError``. ``surface_worker`` computes loss surfaces.

Nothing imported here may import Qt: a spawned training process imports this package on its
way to ``training_process`` (surface_worker.py, which does, is imported by its panel alone).
"""

from __future__ import annotations

import os

from rnnviz.engine.spec import SpecError
from rnnviz.ui.standby import WORKER_ENV
from rnnviz.ui.workers.process_worker import ProcessTrainingWorker
from rnnviz.ui.workers.thread_worker import Published, TrainingWorker, WorkerError

__all__ = [
    "WORKER_ENV",
    "ProcessTrainingWorker",
    "Published",
    "TrainingWorker",
    "WorkerError",
    "worker_kind",
]

# WORKER_ENV (ui/standby.py) names the training worker: "process" (the default) or "thread".
# With a thread the GUI and the trainer share one GIL: measured on 2 cores (bench/bench_ui.py),
# the window trains at 0.51-0.65x of headless with a thread, 0.90-1.02x with a process.


def worker_kind() -> str:
    """The worker ``RNNVIZ_WORKER`` names ("process" when unset); a SpecError otherwise."""
    kind = os.environ.get(WORKER_ENV, "process").strip().lower() or "process"
    if kind not in ("thread", "process"):
        raise SpecError(f"{WORKER_ENV} must be 'thread' or 'process' (got {kind!r})")
    return kind
