"""What a recorded training step reads besides the training pass itself.

On a recorded step the displayed sequence goes through the model once more with the weights
the step used (before the update): through the fused kernels, every internal read off their
hidden states (``fused_trace.py``) and dL/dh_t, dL/dc_t by hand from dL/dy (``bptt.py``);
or, for models without a fused form, through the explicit cells with dL/dh_t from autograd
(``backward_with_states``, which the explicit path's ``gradients_of="batch"`` also uses on the
training batch). Apart from ``trainer.py`` because none of it changes what the step trains:
a run's numbers do not depend on which steps were recorded.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from rnnviz.engine.bptt import state_gradients
from rnnviz.engine.crf_objective import objective_loss, objective_metrics
from rnnviz.engine.fused_trace import trace_from_layers
from rnnviz.engine.seq2seq_decoding import greedy_metrics, sample_decoding
from rnnviz.engine.tasks.base import Batch


class Shown(NamedTuple):
    """The displayed sequence on a recorded step: its trace ({chain: {name: [T, 1, H]}}),
    outputs [T, O] and, unless the record takes the batch's, its own dL/dh_t, dL/dc_t; an
    encoder-decoder's greedy decoding and attention (``SampleDecoding``)."""

    trace: dict
    y_hat: torch.Tensor
    dh: dict
    dc: dict
    decoding: object = None


def backward_with_states(loss, states, params: dict | None = None):
    """dL/dh_t (and dL/dc_t) for every per-step state of the explicit path, each
    [T, B, H]; with ``params``, in the same backward pass their ``.grad`` as well."""
    params = params or {}
    names, tensors = [], []
    for chain, kinds in states.items():
        for kind, seq in kinds.items():
            names.append((chain, kind, len(seq)))
            tensors.extend(seq)
    inputs = list(params.values()) + tensors
    grads = torch.autograd.grad(loss, inputs, allow_unused=True)
    for p, g in zip(params.values(), grads, strict=False):
        p.grad = g if g is not None else torch.zeros_like(p)
    grads = grads[len(params) :]
    dh, dc, i = {}, {}, 0
    for chain, kind, n in names:
        seq = [
            g if g is not None else torch.zeros_like(t)
            for g, t in zip(grads[i : i + n], tensors[i : i + n], strict=True)
        ]
        i += n
        (dh if kind == "h" else dc)[chain] = torch.stack(seq)  # [T, B, H]
    return dh, dc


def shown_fused(trainer, with_gradients: bool) -> Shown:
    """The displayed sequence through the fused kernels, with the current (not yet
    updated) weights; ``with_gradients``: and the total gradients of its own loss, by
    hand (``bptt.py``) from dL/dy."""
    model, shown = trainer.model, trainer.display_batch
    with torch.no_grad():
        y_hat, outs = model.forward_fused_layers(shown.x)  # [T, 1, O]
    trace = trace_from_layers(model, shown.x, outs)
    dh = dc = {}
    if with_gradients:
        y_hat.requires_grad_(True)
        (dy,) = torch.autograd.grad(objective_loss(model, trainer.task, y_hat, shown), y_hat)
        dh, dc = state_gradients(model, trace, dy, trainer.config.bptt)
    return Shown(trace, y_hat.detach()[:, 0], dh, dc)


def shown_explicit(trainer, with_gradients: bool) -> Shown:
    """The displayed sequence through the explicit cells; ``with_gradients``: and the
    total gradients of its own loss by autograd (the parameters' ``.grad`` untouched)."""
    model, task = trainer.model, trainer.task
    shown, bptt = trainer.display_batch, trainer.config.bptt
    dh = dc = {}
    if with_gradients:
        out = model.forward_batch(shown, truncate=bptt, keep_states=True)
        dh, dc = backward_with_states(objective_loss(model, task, out.y, shown), out.states)
    else:
        with torch.no_grad():
            out = model.forward_batch(shown, truncate=bptt)
    decoding = sample_decoding(model, task, shown, out)  # None: not seq2seq
    return Shown(
        {k: {n: v.detach() for n, v in kinds.items()} for k, kinds in out.trace.items()},
        out.y.detach()[:, 0],
        dh,
        dc,
        decoding,
    )


def step_metrics(model, task, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
    """The task's metrics of outputs ``y_hat`` on ``batch``."""
    with torch.no_grad():
        metrics = objective_metrics(model, task, y_hat.detach(), batch)
        # an encoder-decoder's are of greedy decoding, not of teacher forcing
        return metrics | greedy_metrics(model, task, batch)


def recurrent_matrices(model) -> dict[str, np.ndarray]:
    """The model's recurrent matrices now, as float64 copies (for the record's spectra)."""
    with torch.no_grad():
        return {n: m.detach().cpu().double().numpy() for n, m in model.recurrent_matrices().items()}
