"""Divergence by magnitude: a run whose loss or weights are finite but absurd has blown up
just as surely as one that reached NaN (a cross-entropy of 2.5e7, weights of 1e15), and from
there it only makes overflow errors and meaningless pictures. The trainer pauses such a run
with this module's sentence, as it does a NaN one."""

from __future__ import annotations

import math

import torch

#: the loss may grow this many times its first value (at least 1) before the run is stopped
LOSS_GROWTH = 1e6
#: a weight this large in magnitude means the updates have run away (float32 overflows at
#: about 3e38 once such weights are multiplied over a sequence)
WEIGHT_LIMIT = 1e6


def magnitude_message(trainer, step: int, loss: float) -> str | None:
    """A sentence when ``loss`` or a trained weight of ``trainer`` is absurdly large (None
    otherwise). NaN and infinities are the trainer's own check."""
    first = _first_loss(trainer, loss)
    if math.isfinite(loss) and loss > LOSS_GROWTH * max(first, 1.0):
        return (
            f"The loss reached {loss:.3g} at step {step}, over {LOSS_GROWTH:.0e} times its "
            f"first value ({first:.3g}): training blew up. Try gradient clipping or a smaller "
            "learning rate."
        )
    largest = _largest_weight(trainer)
    if largest > WEIGHT_LIMIT:
        return (
            f"A weight reached {largest:.3g} at step {step} (above {WEIGHT_LIMIT:.0e}): "
            "training blew up. Try gradient clipping or a smaller learning rate."
        )
    return None


def _first_loss(trainer, loss: float) -> float:
    losses = trainer.history.series("loss")
    first = float(losses[0]) if len(losses) else loss
    return abs(first) if math.isfinite(first) else 1.0


def _largest_weight(trainer) -> float:
    params = [p.detach() for p in trainer.params.values()]
    if not params:
        return 0.0
    norms = torch._foreach_norm(params, math.inf)
    return float(torch.stack(norms).max())


def nonfinite_message(step: int, loss: float, grad_norm: float) -> str | None:
    """A sentence when the loss or the gradient norm became NaN or infinite (None otherwise)."""
    for what, value in (("Loss", loss), ("The gradient norm", grad_norm)):
        if not math.isfinite(value):
            kind = "NaN" if math.isnan(value) else "infinite"
            return (
                f"{what} became {kind} at step {step}: the gradient exploded. "
                "Try gradient clipping or a smaller learning rate."
            )
    return None
