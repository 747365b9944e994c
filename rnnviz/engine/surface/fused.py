"""The model evaluated one weight setting at a time through torch's fused kernels.

This is the naive loop's own computation (copy the weights into the model, call
``forward_fused``), so its losses are the naive loop's: for an LSTM from H ~32 oneDNN's fused
cell beats the batched explicit path of ``batched.py`` by ~2x, and spreading the points over
threads (``GridEvaluator``) is then the faster way to a grid. Models without a fused module
(Jordan, Clockwork, SCRN, NTM, seq2seq) run their explicit forward, as ``forward_fused`` does.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnnviz.engine.models import RecurrentModel
from rnnviz.engine.tasks.base import Batch


def fused_outputs(model: RecurrentModel, params: dict[str, Tensor], batch: Batch) -> Tensor:
    """Outputs [G, T, B, O], one fused model call per weight setting. ``params``: name ->
    [G, *shape]. Writes the weights into ``model`` in place: the caller passes a private copy
    (each thread of ``GridEvaluator`` has its own)."""
    named = dict(model.named_parameters())
    targets = [(named[name], value) for name, value in params.items()]
    G = next(iter(params.values())).shape[0]
    # else the explicit forward of the batch, as the trainer runs it (an encoder-decoder
    # reads the targets too: teacher forcing)
    fused = model.fused_available
    ys: list[Tensor] = []
    with torch.no_grad():
        for g in range(G):
            for param, value in targets:
                param.copy_(value[g])
            ys.append(model.forward_fused(batch.x) if fused else model.forward_batch(batch).y)
    return torch.stack(ys)  # [G, T, B, O]
