"""How the window's trainers follow the child's: its messages applied to the parent's mirrors.

The child (``training_process.py``) sends, in order, what its trainers did since the last
message; applying that to trainers built from the same settings leaves them in the child's
state, so everything that reads the window's trainer works as with the thread worker:

    ("rec", which, record)         appended to the history; step_count, diverged from it
    ("traj", which, step, flat)    a trajectory point
    ("ckpt", which, step, state)   a checkpoint
    ("live", settings)             live settings, marked where the child applied them
    weights / compare_weights      the current weights, copied into the mirror's model
    states                         TrainerStates to restore (one per trainer)

Apart from ``process_worker.py`` (which decides when to read messages, and what of them to
publish) because this is the protocol's meaning for a trainer, with no process in it.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from rnnviz.engine.live_settings import apply_live
from rnnviz.engine.record import StepRecord


def apply_message(
    trainer, compare, message: dict, on_record: Callable[[str, StepRecord], None]
) -> None:
    """Apply the child's ``message`` to the mirrors ``trainer`` ("main") and ``compare``;
    ``on_record(which, record)`` after each record is appended."""
    trainers = {"main": trainer, "compare": compare}
    for op in message["ops"]:
        kind = op[0]
        if kind == "rec":
            record = op[2]
            mirror = trainers[op[1]]
            mirror.history.append(record)
            mirror.step_count = record.step
            mirror.diverged = record.diverged
            on_record(op[1], record)
        elif kind == "traj":
            trainers[op[1]].history.add_trajectory_point(op[2], op[3])
        elif kind == "ckpt":
            trainers[op[1]].history.add_checkpoint(op[2], op[3])
        elif kind == "live":
            apply_live(trainer, compare, op[1])
    if "weights" in message:
        load_weights(trainer, message["weights"])
    if compare is not None and "compare_weights" in message:
        load_weights(compare, message["compare_weights"])
    for mirror, state in zip((trainer, compare), message.get("states", ()), strict=False):
        mirror.restore(state)


def load_weights(trainer, weights: dict) -> None:
    """Copy ``weights`` (name -> array; others keep theirs) into the trainer's model."""
    with torch.no_grad():
        for name, p in trainer.model.named_parameters():
            if name in weights:
                p.copy_(torch.from_numpy(weights[name]))
