"""The NTM panel's words: the header line and the head parameters of the selected step."""

from __future__ import annotations

import numpy as np


def peak_slot(weights: np.ndarray) -> tuple[int, float]:
    """The slot a weighting [N] puts most weight on (0-based) and that weight."""
    slot = int(np.argmax(weights))
    return slot, float(weights[slot])


def summary_line(ntm: dict[str, np.ndarray], t: int, head: int) -> str:
    """``t = 5 · write → 4 (0.98) · read → 1 (0.97)``: the slot the shown head weighs most."""
    parts = [f"t = {t + 1}"]
    for side in ("write", "read"):
        weights = ntm[f"{side}_weights"]
        k = min(head, weights.shape[1] - 1)
        slot, weight = peak_slot(weights[t, k])
        parts.append(f"{side} → {slot + 1} ({weight:.2f})")
    return " · ".join(parts)


def _vector(values: np.ndarray, limit: int = 6) -> str:
    shown = ", ".join(f"{v:+.2f}" for v in values[:limit])
    return f"[{shown}{', …' if len(values) > limit else ''}]"


def _shifts(shift: np.ndarray) -> str:
    reach = (len(shift) - 1) // 2
    return " ".join(f"{o:+d}:{p:.2f}" for o, p in zip(range(-reach, reach + 1), shift, strict=True))


def head_html(ntm: dict[str, np.ndarray], t: int, head: int) -> str:
    """The read and the write head's parameters at step t, one line each (rich text)."""
    rows = []
    for side in ("read", "write"):
        heads = ntm[f"{side}_beta"].shape[1]
        k = min(head, heads - 1)
        line = (
            f"<b>{side} head {k + 1}</b>: β = {ntm[f'{side}_beta'][t, k]:.2f}, "
            f"g = {ntm[f'{side}_g'][t, k]:.2f}, γ = {ntm[f'{side}_gamma'][t, k]:.2f}, "
            f"shift {_shifts(ntm[f'{side}_shift'][t, k])}, "
            f"key {_vector(ntm[f'{side}_key'][t, k])}"
        )
        if side == "write":
            line += f", erase {_vector(ntm['erase'][t, k])}, add {_vector(ntm['add'][t, k])}"
        rows.append(line)
    return "<br>".join(rows)


def head_rows(ntm: dict[str, np.ndarray], head: int) -> dict[str, list]:
    """Per time step, the scalar parameters of the shown read and write head (for CSV)."""
    T = ntm["read_weights"].shape[0]
    columns: dict[str, list] = {"t": list(range(1, T + 1))}
    for side in ("read", "write"):
        k = min(head, ntm[f"{side}_beta"].shape[1] - 1)
        for name in ("beta", "g", "gamma"):
            columns[f"{side} {name}"] = ntm[f"{side}_{name}"][:, k].tolist()
        columns[f"{side} peak slot"] = (ntm[f"{side}_weights"][:, k].argmax(-1) + 1).tolist()
    return columns
