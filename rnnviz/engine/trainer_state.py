"""A trainer's resumable state as plain numpy data: what continuing a run needs, bit for bit.

Training is a pure function of (settings, weights, optimiser state, step count): a task's
batch for step s is drawn from ``default_rng([seed, s])`` (``tasks/base.py``) and the models
use no global RNG after their seeded initialisation. So a ``TrainerState`` taken after step N
and restored into a trainer built from the same settings continues exactly as the
uninterrupted run would (tests/engine/test_trainer_state.py).

    weights     {parameter name: array}         every parameter, frozen ones included
    optimizer   {"<param index>/<key>": array}  torch's per-parameter optimiser state, e.g.
                                                Adam's "0/exp_avg", "0/exp_avg_sq", "0/step"
                                                (index = position in ``trainer.params``)
    config      TrainConfig.to_dict() in force after step N (live changes included)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from rnnviz.engine.spec import SpecError
from rnnviz.engine.train_config import TrainConfig


@dataclass(frozen=True)
class TrainerState:
    """See the module docstring. ``diverged``: the divergence message, if the run had."""

    step: int
    weights: dict[str, np.ndarray]
    optimizer: dict[str, np.ndarray]
    config: dict
    diverged: str | None = None


def capture(trainer) -> TrainerState:
    """The trainer's state now (copies: later steps do not change it)."""
    built = trainer.optimizer_built
    if built is None:  # never stepped here: the state restored last, or none
        optimizer = {k: np.array(v) for k, v in trainer.pending_optimizer.items()}
    else:
        optimizer = _optimizer_arrays(trainer, built)
    return TrainerState(
        step=trainer.step_count,
        weights=trainer.weights(),
        optimizer=optimizer,
        config=trainer.config.to_dict(),
        diverged=trainer.diverged,
    )


def _optimizer_arrays(trainer, optimizer: torch.optim.Optimizer) -> dict[str, np.ndarray]:
    index = {id(p): i for i, p in enumerate(trainer.params.values())}
    arrays: dict[str, np.ndarray] = {}
    for param, slots in optimizer.state.items():
        for key, value in slots.items():
            if torch.is_tensor(value):
                value = value.detach().cpu().numpy().copy()
            arrays[f"{index[id(param)]}/{key}"] = np.asarray(value)
    return arrays


def restore(trainer, state: TrainerState) -> None:
    """Put ``state`` into ``trainer`` (built from the same settings). The history is left as
    it is (the caller restores or truncates it). Raises SpecError naming what does not fit.
    A trainer whose optimiser was not built yet keeps the optimiser state to load when it
    is (``load_optimizer``): a mirror that only shows the run never builds one."""
    config = TrainConfig.from_dict(dict(state.config))
    if config.optimizer != trainer.config.optimizer:
        raise SpecError(
            f"the saved optimiser is {config.optimizer!r}, the run's is "
            f"{trainer.config.optimizer!r}"
        )
    missing = sorted(dict(trainer.model.named_parameters()).keys() - state.weights.keys())
    if missing:
        raise SpecError(f"the saved weights lack {', '.join(missing)}")
    try:
        trainer.model.set_weights(state.weights)
    except ValueError as exc:  # a name or shape that does not fit, named by set_weights
        raise SpecError(str(exc)) from exc
    trainer.config = replace(config, freeze=trainer.config.freeze)
    _optimizer_slots(trainer, state.optimizer)  # checked before anything is kept
    trainer.pending_optimizer = dict(state.optimizer)
    if trainer.optimizer_built is not None:
        load_optimizer(trainer, trainer.optimizer_built)
    trainer.step_count = int(state.step)
    trainer.diverged = state.diverged


def load_optimizer(trainer, optimizer: torch.optim.Optimizer) -> None:
    """Load the trainer's pending optimiser state (and learning rate) into ``optimizer``."""
    for group in optimizer.param_groups:
        group["lr"] = trainer.config.lr
    slots = _optimizer_slots(trainer, trainer.pending_optimizer)
    saved = optimizer.state_dict()
    optimizer.load_state_dict({"state": slots, "param_groups": saved["param_groups"]})
    trainer.pending_optimizer = {}


def _optimizer_slots(trainer, arrays: dict[str, np.ndarray]) -> dict[int, dict]:
    """``{"<index>/<key>": array}`` as torch's per-parameter state, each checked."""
    params = list(trainer.params.values())
    slots: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in arrays.items():
        index, _, name = key.partition("/")
        if not index.isdigit() or int(index) >= len(params) or not name:
            raise SpecError(f"optimiser state {key!r} does not belong to this model")
        slots.setdefault(int(index), {})[name] = torch.from_numpy(np.array(value))
    for index, slot in slots.items():
        for name, tensor in slot.items():
            if name != "step" and tensor.shape != params[index].shape:
                raise SpecError(
                    f"optimiser state {index}/{name} has shape {tuple(tensor.shape)}, "
                    f"the parameter {tuple(params[index].shape)}"
                )
    return slots
