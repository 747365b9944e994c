"""The gradient norm per parameter group, for the gradient-norm panel's stacked curves.

A group is one chain's weight kind, split per gate for LSTM / GRU: ``L0.fwd W_hh (f)`` is
rows f of ``rnn.weight_hh_l0`` (torch's packed gate order), ``L1.bwd b`` the biases of the
second layer's backward chain, ``head W`` the head. ||g_group|| = sqrt(sum of its squared
gradient entries), so the groups' norms combine to the whole gradient's norm.
"""

from __future__ import annotations

import math
import re

import numpy as np
import torch

_PARAM_RE = re.compile(r"rnn\.(weight|bias)_(ih|hh|yh|is|sh|h|p[ifo])_l(\d+)(_reverse)?$")

Groups = dict[str, list[tuple[str, slice | None]]]


def param_groups(model, params: dict[str, torch.nn.Parameter]) -> Groups:
    """Group label -> [(parameter name, row slice or None for all rows)]."""
    groups: Groups = {}
    gates = [g for g in model.gate_names if g]
    H = model.spec.hidden_size
    for name, p in params.items():
        m = _PARAM_RE.match(name)
        if m is None:
            label = {"head.weight": "head W", "head.bias": "head b"}.get(name, name)
            groups.setdefault(label, []).append((name, None))
            continue
        kind, which, layer, rev = m.groups()
        chain = f"L{layer}.{'bwd' if rev else 'fwd'}"
        base = f"{chain} b" if kind == "bias" else f"{chain} W_{which}"
        if gates and which in ("ih", "hh") and p.shape[0] == len(gates) * H:
            for k, gate in enumerate(gates):
                groups.setdefault(f"{base} ({gate})", []).append((name, slice(k * H, (k + 1) * H)))
        else:
            groups.setdefault(base, []).append((name, None))
    return groups


def group_norms_of(params: dict[str, torch.nn.Parameter], groups: Groups) -> dict[str, float]:
    """||g|| per group from the parameters' ``.grad`` (a missing gradient counts as 0)."""
    # squared gradient per parameter row, in numpy: one reduction per parameter
    rows = {
        name: np.square(p.grad.detach().cpu().numpy().astype(np.float64))
        .reshape(p.shape[0] if p.dim() else 1, -1)
        .sum(1)
        for name, p in params.items()
        if p.grad is not None
    }
    out = {}
    for label, parts in groups.items():
        total = 0.0
        for name, part in parts:
            if name in rows:
                total += float(rows[name][part].sum() if part else rows[name].sum())
        out[label] = math.sqrt(total)
    return out
