"""What a surface is computed from: a private snapshot of a trainer, and how a caller stops it.

Apart from ``evaluate.py`` and ``evaluator.py`` because every stage of the computation (the
evaluator's threads, the calibration, the refinement levels) reads the snapshot and heeds
``cancel``, and the snapshot is also read where no grid is computed (the panel draws its
training path, the session checks its size).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnnviz.engine.models import RecurrentModel
from rnnviz.engine.tasks.base import Batch, Task

Cancel = threading.Event | Callable[[], bool] | None
Progress = Callable[[int, int], None] | None


class SurfaceCancelled(Exception):
    """Raised by the evaluation when ``cancel`` was set."""


def cancelled(cancel: Cancel) -> bool:
    """Whether ``cancel`` (an Event, a callable, or None: never) says stop."""
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


@dataclass(frozen=True)
class SurfaceSource:
    """Everything a surface needs, copied from a trainer so another thread can use it.

    ``names`` / ``shapes``: the trained parameters in the order of ``trainer.params``;
    ``weights`` [P]: their current values, flattened; ``steps`` [K] / ``trajectory`` [K, P]:
    the recorded training path; ``batch``: the fixed evaluation batch.
    """

    model: RecurrentModel
    task: Task
    batch: Batch
    names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    weights: np.ndarray
    steps: np.ndarray
    trajectory: np.ndarray
    step: int

    @classmethod
    def from_trainer(cls, trainer, batch_size: int | None = None) -> SurfaceSource:
        """Snapshot ``trainer`` (call it where the trainer lives: between two steps).
        ``batch_size``: sequences in the evaluation batch (default: a training batch's size,
        at most 64)."""
        size = batch_size or max(1, min(64, int(trainer.config.batch_size)))
        model = copy.deepcopy(trainer.model).eval()
        for p in model.parameters():
            p.requires_grad_(False)
        steps, trajectory = trainer.history.trajectory_array()
        return cls(
            model=model,
            task=trainer.task,
            batch=trainer.task.eval_batch(size),
            names=tuple(trainer.params),
            shapes=tuple(tuple(p.shape) for p in trainer.params.values()),
            weights=trainer.flat_weights().copy(),
            steps=steps.copy(),
            trajectory=trajectory.copy(),
            step=int(trainer.step_count),
        )

    @property
    def size(self) -> int:
        return int(self.weights.size)
