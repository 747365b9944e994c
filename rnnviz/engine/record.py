"""The step record: the one immutable object every panel reads.

Everything is numpy (or plain Python), never a live tensor, so a record can cross from the
training thread to the UI, be kept in the history and be written to a file.

Chain names: ``"L{layer}.fwd"`` and, for bidirectional models, ``"L{layer}.bwd"``.
Shapes: T time steps of the displayed sequence, H hidden units, I inputs, O outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SampleRecord:
    """The displayed sequence, its targets, the model's predictions and full trace.

    ``x``: [T, I] inputs; ``y``: [T] class ids or [T, O] targets; ``y_hat``: [T, O] raw
    outputs (logits for classification); ``mask``: [T] where targets count.
    ``trace[chain][name]``: [T, H] internals, e.g. ``h``; LSTM ``z, g, z_i, i, z_f, f, z_o, o,
    c``; GRU ``z_r, r, z_u, u, z_n, n``; Elman/Jordan/IRNN ``a`` (pre-activation).
    ``input_tokens`` etc.: the task's text reading of the sample (SampleView).
    Encoder-decoders (``seq2seq_decoding.py``): x is the source [T_in, I], y, y_hat and mask
    the target's T_out steps (teacher forcing); ``predicted_tokens`` the greedy decoding up to
    and with ``<eos>``; ``attention`` {"teacher": alpha [T_out, T_in], "greedy": alpha
    [len(predicted_tokens), T_in]}, each row a softmax over the source (empty without
    attention).
    CRF taggers (``crf_objective.crf_sample``): ``crf`` {"marginals" [n, K], "viterbi" [n],
    "transitions" [K, K], "start" [K], "end" [K]} over the n counted steps, and
    ``predicted_tokens`` the Viterbi path (empty for other models).
    """

    x: np.ndarray
    y: np.ndarray
    y_hat: np.ndarray
    mask: np.ndarray
    trace: dict[str, dict[str, np.ndarray]]
    input_tokens: list[str]
    target_tokens: list[str]
    predicted_tokens: list[str]
    series: dict[str, np.ndarray] = field(default_factory=dict)
    text: str = ""
    attention: dict[str, np.ndarray] = field(default_factory=dict)
    crf: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class StepRecord:
    """What one training step produced.

    Scalars are always filled. ``dh_norm`` etc. and ``sample`` are filled on recorded steps
    (``full`` is True) and are empty otherwise.

    - ``grad_norm``: ||g|| of all trainable parameters before clipping; ``grad_norm_clipped``
      after it (equal when clipping did not fire); ``clipped``: whether it fired.
    - ``param_grad_norms``: per parameter group, e.g. ``"L0.fwd W_hh (i)"`` -> ||g||.
    - ``gradients_of``: which loss the following gradients are of: ``"sequence"``, the
      displayed sequence's own loss, or ``"batch"``, the training batch's
      (``TrainConfig.gradients_of``); "" on steps that were not recorded.
    - ``dh_norm[chain]``: [T] the total gradient ||dL/dh_t|| (Frobenius norm over the batch
      and the H units); ``dc_norm`` the same for LSTM memory cells; ``dh_units[chain]``: [T, H]
      per unit (|dL/dh_t| for a sequence, its norm over the batch), for colouring single
      units.
    - ``spectral[name]``: (spectral radius, largest singular value) of each recurrent matrix
      (per gate block for LSTM / GRU, e.g. ``"L0.fwd W_hh (f)"``); empty until a viewer computed
      them from ``recurrent`` (``History.add_spectra``: off the training path).
    - ``recurrent[name]``: that matrix itself, [H, H] (recorded steps only), as this step's
      forward pass used it (before the step's update), like the trace and the gradients.
    - ``diverged``: None, or a sentence saying what became NaN/inf at this step.
    """

    step: int
    loss: float
    lr: float
    grad_norm: float
    grad_norm_clipped: float
    clipped: bool
    metrics: dict[str, float] = field(default_factory=dict)
    clip_mode: str = "none"
    clip_threshold: float = 0.0
    param_grad_norms: dict[str, float] = field(default_factory=dict)
    spectral: dict[str, tuple[float, float]] = field(default_factory=dict)
    full: bool = False
    gradients_of: str = ""
    dh_norm: dict[str, np.ndarray] = field(default_factory=dict)
    dc_norm: dict[str, np.ndarray] = field(default_factory=dict)
    dh_units: dict[str, np.ndarray] = field(default_factory=dict)
    recurrent: dict[str, np.ndarray] = field(default_factory=dict)
    sample: SampleRecord | None = None
    diverged: str | None = None
    seconds: float = 0.0


def sample_record(task, batch, trace, y_hat, decoding=None, crf=None) -> SampleRecord:
    """The displayed sequence's record: ``batch`` holds it as sequence 0, ``trace`` is
    {chain: {name: [T, 1, H]}} and ``y_hat`` [T, O]; the task says how to show it.
    ``decoding``: an encoder-decoder's ``SampleDecoding`` (greedy tokens and attention);
    ``crf``: a CRF tagger's lattice (``crf_objective.crf_sample``)."""
    trace = {
        chain: {k: v[:, 0].contiguous().cpu().numpy() for k, v in kinds.items()}
        for chain, kinds in trace.items()
    }
    x = batch.x[:, 0].cpu().numpy()
    y = batch.y[:, 0].cpu().numpy()
    y_hat = y_hat.detach().cpu().numpy()
    mask = batch.mask[:, 0].cpu().numpy()
    view = task.view(x, y, y_hat, mask)
    predicted = list(decoding.tokens) if decoding else view.predicted_tokens
    if crf:  # the CRF predicts its Viterbi path, not the per-step argmax
        labels = task.output_labels
        predicted = [labels[int(k)] for k in crf["viterbi"]]
        predicted += [""] * (len(view.predicted_tokens) - len(predicted))
    return SampleRecord(
        x=x,
        y=y,
        y_hat=y_hat,
        mask=mask,
        trace=trace,
        input_tokens=view.input_tokens,
        target_tokens=view.target_tokens,
        predicted_tokens=predicted,
        series=view.series,
        text=view.text,
        attention=dict(decoding.attention) if decoding else {},
        crf=dict(crf or {}),
    )


def unit_norms(g) -> np.ndarray:
    """[T, B, H] tensor -> [T, H]: the norm of dL/dh_t over the batch, per unit."""
    g = g.detach().cpu().numpy()
    return np.sqrt(np.einsum("tbh,tbh->th", g, g, dtype=np.float64))


def row_norms(units: np.ndarray) -> np.ndarray:
    """[T, H] unit norms -> [T]: the Frobenius norm over batch and units."""
    return np.sqrt(np.square(units).sum(1))
