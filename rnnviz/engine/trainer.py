"""A trainer with no GUI and no I/O: one optimiser step per ``step()`` call.

Training uses the fused torch module where the model has one (``model.fused_available``), the
same pass whether or not the step is recorded, so a run's numbers do not depend on which steps
were recorded. On a recorded step the displayed sequence goes through the fused kernels once
more, every internal is read off its hidden states (``fused_trace.py``, equal to the explicit
cells' trace), and the total gradients dL/dh_t (and dL/dc_t) for each time step are computed by
hand from that trace and dL/dy (``bptt.py``): of the displayed sequence's own loss, or with
``gradients_of="batch"`` of the training batch's (the batch's gates and a BPTT over all of it,
about one more training step). Models without a fused form train on the explicit cells and get
dL/dh_t from autograd. The record keeps the recurrent matrices as the step used them (before
the update); their spectra are computed lazily by whoever shows the record (``spectra.py``).

This module is the step loop and the trainer's state; what a recorded step reads besides the
training pass is in ``recorded_step.py``, the optimiser and gradient clipping (with its
equations) in ``optimiser.py``, the resumable state in ``trainer_state.py``.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import torch

from rnnviz.engine import trainer_state
from rnnviz.engine.blowup import magnitude_message, nonfinite_message
from rnnviz.engine.bptt import state_gradients
from rnnviz.engine.budget import check_budget
from rnnviz.engine.crf_objective import check_crf_pairing, constrain_crf, crf_sample, objective_loss
from rnnviz.engine.fused_trace import trace_from_layers
from rnnviz.engine.gradient_groups import group_norms_of, param_groups
from rnnviz.engine.history import History
from rnnviz.engine.live_settings import LiveSettings
from rnnviz.engine.models import build_model
from rnnviz.engine.optimiser import clip_gradients, make_optimizer
from rnnviz.engine.record import StepRecord, row_norms, sample_record, unit_norms
from rnnviz.engine.recorded_step import (
    Shown,
    backward_with_states,
    recurrent_matrices,
    shown_explicit,
    shown_fused,
    step_metrics,
)
from rnnviz.engine.seq2seq_decoding import check_pairing
from rnnviz.engine.spec import ModelSpec, SpecError
from rnnviz.engine.tasks.base import Batch, Task
from rnnviz.engine.train_config import TrainConfig
from rnnviz.engine.trainer_state import TrainerState

#: parameters up to this count are added to the loss-surface trajectory at every step
_TRAJECTORY_EVERY_STEP_MAX_PARAMS = 4096
_CHECKPOINT_EVERY = 50


class DivergedError(RuntimeError):
    """Raised by ``step()`` after a run diverged; ``reset()`` (or new settings) first."""


def fit_spec_to_task(spec: ModelSpec, task: Task) -> ModelSpec:
    """The spec with input/output sizes taken from the task (identity heads keep theirs)."""
    changes = {"input_size": task.input_size}
    if spec.head != "identity":
        changes["output_size"] = task.output_size
    elif spec.output_size != task.output_size:
        raise SpecError(
            f"the task '{task.name}' needs {task.output_size} output(s), but an identity head "
            f"outputs the {spec.top_width} hidden value(s); use a linear head"
        )
    return replace(spec, **changes)


class Trainer(LiveSettings):
    """Trains ``spec`` on ``task`` with ``config``; see the module docstring.

    ``weights``: optional hand-set initial weights (name -> array), applied after the
    seeded initialisation (e.g. the lecture's hand-wired LSTM).
    """

    def __init__(
        self,
        spec: ModelSpec,
        task: Task,
        config: TrainConfig,
        weights: dict | None = None,
    ) -> None:
        self.spec = fit_spec_to_task(spec, task)
        check_pairing(self.spec, task, config.bptt)
        check_crf_pairing(self.spec, task)
        check_budget(self.spec, task, config)  # memory and time, before anything is built
        self.task = task
        self.config = config
        self.initial_weights = weights
        self.reset()

    @classmethod
    def from_preset(cls, preset, **config_changes) -> Trainer:
        from rnnviz.engine.tasks import make_task

        config = replace(preset.train, **config_changes) if config_changes else preset.train
        task = make_task(preset.task["kind"], seed=config.seed, **preset.task_options)
        return cls(preset.model, task, config, weights=preset.weights)

    # -- state -----------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to step 0: the seed's initial weights, a fresh optimiser and history."""
        self.model = build_model(self.spec, seed=self.config.seed)
        constrain_crf(self.model, self.task)
        if self.initial_weights:
            self.model.set_weights(self.initial_weights)
        unknown = set(self.config.freeze) - dict(self.model.named_parameters()).keys()
        if unknown:
            raise SpecError(f"cannot freeze unknown parameter(s): {', '.join(sorted(unknown))}")
        self.params: dict[str, torch.nn.Parameter] = {}
        for name, p in self.model.named_parameters():
            p.requires_grad_(name not in self.config.freeze)
            if p.requires_grad:
                self.params[name] = p
        self._optimizer: torch.optim.Optimizer | None = None  # built when first needed
        #: optimiser state restored before the optimiser was built (``trainer_state``)
        self.pending_optimizer: dict[str, np.ndarray] = {}
        self.step_count = 0
        self.history = History()
        self.diverged: str | None = None
        self.display_batch: Batch = self.task.eval_batch().select(0)
        self._groups = param_groups(self.model, self.params)
        self.history.add_checkpoint(0, self.state())
        self._add_trajectory_point(force=True)

    @property
    def optimizer(self) -> torch.optim.Optimizer:
        """The optimiser, built on first use: torch's Optimizer imports torch._dynamo (about
        a second) the first time one is made, which a trainer that only previews or mirrors
        a run trained elsewhere (the window's, beside a training process) never needs."""
        if self._optimizer is None:
            self._optimizer = make_optimizer(self.config, list(self.params.values()))
            trainer_state.load_optimizer(self, self._optimizer)
        return self._optimizer

    @property
    def optimizer_built(self) -> torch.optim.Optimizer | None:
        """The optimiser if it was built (its state is empty otherwise)."""
        return self._optimizer

    def _clear_grads(self) -> None:
        """``optimizer.zero_grad(set_to_none=True)`` without building the optimiser."""
        for p in self.params.values():
            p.grad = None

    def state(self) -> TrainerState:
        """Everything continuing this run needs (weights, optimiser state, step, settings)."""
        return trainer_state.capture(self)

    def restore(self, state: TrainerState) -> None:
        """Continue from ``state`` (taken from a trainer of the same settings); the history
        is the caller's to restore or truncate."""
        trainer_state.restore(self, state)

    def weights(self) -> dict[str, np.ndarray]:
        return {n: p.detach().cpu().numpy().copy() for n, p in self.model.named_parameters()}

    def flat_weights(self) -> np.ndarray:
        """All trained parameters as one float32 vector (order of ``self.params``)."""
        with torch.no_grad():
            return torch.cat([p.reshape(-1) for p in self.params.values()]).cpu().numpy()

    @property
    def chains(self) -> tuple[str, ...]:
        return tuple(self.model.chains)

    # -- one step --------------------------------------------------------------------------
    def step(self, record: bool = True) -> StepRecord:
        """One optimiser step on the next batch. ``record``: also expose every internal (the
        recurrent matrices too; their spectra are the viewer's: ``History.add_spectra``)."""
        return self._step(record, update=True)

    def preview(self) -> StepRecord:
        """The full record of the model as it is, on the batch the next step trains on: its
        forward pass and the gradients it would follow, at this step (0 before training),
        without an update and without a trace in the history. Uses no random numbers, so
        the run that follows is the same."""
        return self._step(record=True, update=False)

    def _step(self, record: bool, update: bool) -> StepRecord:
        if self.diverged:
            raise DivergedError(self.diverged)
        started = time.perf_counter()
        c = self.config
        batch = self.task.batch(self.step_count, c.batch_size)
        step = self.step_count + 1 if update else self.step_count
        self._clear_grads()
        of_batch = record and c.gradients_of == "batch"
        dh: dict[str, torch.Tensor] = {}
        dc: dict[str, torch.Tensor] = {}
        if self.model.fused_available:
            y_hat, outs = self.model.forward_fused_layers(batch.x, truncate=c.bptt)  # [T, B, O]
            if of_batch:
                y_hat.retain_grad()
            loss = objective_loss(self.model, self.task, y_hat, batch)
            loss.backward()
        else:
            out = self.model.forward_batch(batch, truncate=c.bptt, keep_states=of_batch)
            y_hat = out.y
            loss = objective_loss(self.model, self.task, y_hat, batch)
            if of_batch:
                dh, dc = backward_with_states(loss, out.states, self.params)
            else:
                loss.backward()
        loss_value = float(loss.detach())
        grads = [p.grad for p in self.params.values() if p.grad is not None]
        grad_norm = (
            float(torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads))))
            if grads
            else 0.0
        )
        diverged = nonfinite_message(step, loss_value, grad_norm) or magnitude_message(
            self, step, loss_value
        )
        full = record and diverged is None
        # the matrices that made this step's trace and gradients: before the update
        recurrent = recurrent_matrices(self.model) if full else {}
        shown: Shown | None = None
        if full:
            if self.model.fused_available:  # internals read off fused passes, gradients by hand
                shown = shown_fused(self, with_gradients=not of_batch)
                if of_batch:
                    trace = trace_from_layers(self.model, batch.x, outs)
                    dh, dc = state_gradients(self.model, trace, y_hat.grad, c.bptt)
            else:
                shown = shown_explicit(self, with_gradients=not of_batch)
            if not of_batch:
                dh, dc = shown.dh, shown.dc
        group_norms = group_norms_of(self.params, self._groups) if record else {}
        # greedy decoding's metrics too: of these weights, before the update
        metrics = step_metrics(self.model, self.task, y_hat, batch)
        clipped, grad_norm_clipped = False, grad_norm
        if diverged is None and update:
            clipped, grad_norm_clipped = clip_gradients(c, grads, grad_norm)
            self.optimizer.step()
        if update:
            self.step_count = step
            self.diverged = diverged
        dh_units = {k: unit_norms(v) for k, v in dh.items()} if full else {}
        rec = StepRecord(
            step=step,
            loss=loss_value,
            lr=c.lr,
            grad_norm=grad_norm,
            grad_norm_clipped=grad_norm_clipped,
            clipped=clipped,
            metrics=metrics,
            clip_mode=c.clip_mode,
            clip_threshold=c.clip_threshold,
            param_grad_norms=group_norms,
            full=full,
            recurrent=recurrent,
            dh_norm={k: row_norms(v) for k, v in dh_units.items()},
            dc_norm={k: row_norms(unit_norms(v)) for k, v in dc.items()} if full else {},
            dh_units=dh_units,
            gradients_of=c.gradients_of if full else "",
            sample=sample_record(
                self.task,
                self.display_batch,
                shown.trace,
                shown.y_hat,
                shown.decoding,
                crf_sample(self.model, shown.y_hat, self.display_batch.mask[:, 0]),
            )
            if full
            else None,
            diverged=diverged,
            seconds=time.perf_counter() - started,
        )
        if not update:
            self._clear_grads()
            return rec
        self.history.append(rec)
        if diverged is None:
            if step % _CHECKPOINT_EVERY == 0:
                self.history.add_checkpoint(step, self.state())
            self._add_trajectory_point(force=record)
        return rec

    def _add_trajectory_point(self, force: bool) -> None:
        n = sum(p.numel() for p in self.params.values())
        if force or n <= _TRAJECTORY_EVERY_STEP_MAX_PARAMS:
            self.history.add_trajectory_point(self.step_count, self.flat_weights())
