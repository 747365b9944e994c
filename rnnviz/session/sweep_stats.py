"""What a sweep's figures show, computed from its summary rows (Qt-free).

Success rate with a binomial confidence interval: k successes in n complete runs, the Wilson
score interval at z = 1.96 (95 %), which stays inside [0, 1] and is not empty at k = 0 or n:

    centre = (p + z^2 / 2n) / (1 + z^2 / n),   p = k / n
    half   = z sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n)

Failed runs (raised twice) are not trials: they are counted apart and marked in the figures.
"""

from __future__ import annotations

import math
from collections import defaultdict

Z95 = 1.959963984540054


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of k successes in n trials ((0, 1) when n is 0)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    scale = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / scale
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / scale
    return max(0.0, centre - half), min(1.0, centre + half)


def number(value: object) -> float | None:
    """A summary cell as a number (None for text, empty, or a non-finite value)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def complete(row: dict) -> bool:
    return row.get("status") in ("ok", "diverged")


def success_curves(rows: list[dict], axis: str) -> dict[str, list[tuple]]:
    """Per model kind, sorted by the axis value x: (x, successes, complete runs, failed runs,
    low, high, ids of the complete runs) -- the success rate k / n with its interval."""
    groups: dict[tuple[str, float], list[dict]] = defaultdict(list)
    for row in rows:
        x = number(row.get(axis))
        if x is not None:
            groups[(row.get("model_kind", ""), x)].append(row)
    curves: dict[str, list[tuple]] = defaultdict(list)
    for (kind, x), group in sorted(groups.items()):
        done = [r for r in group if complete(r)]
        wins = sum(str(r.get("success")) == "True" for r in done)
        failed = sum(r.get("status") == "failed" for r in group)
        low, high = wilson_interval(wins, len(done))
        curves[kind].append((x, wins, len(done), failed, low, high, [r["id"] for r in done]))
    return dict(curves)


def heat_grid(rows: list[dict], x_axis: str, y_axis: str, metric: str = "val_loss"):
    """(xs, ys, values [len(xs), len(ys)] -- the mean metric of the complete runs in each
    cell, NaN where none --, failed [same shape] counts, ids {(i, j): run ids})."""
    import numpy as np

    xs = sorted({v for r in rows if (v := number(r.get(x_axis))) is not None})
    ys = sorted({v for r in rows if (v := number(r.get(y_axis))) is not None})
    total = np.zeros((len(xs), len(ys)))
    count = np.zeros((len(xs), len(ys)))
    failed = np.zeros((len(xs), len(ys)), dtype=int)
    ids: dict[tuple[int, int], list[str]] = defaultdict(list)
    for row in rows:
        x, y = number(row.get(x_axis)), number(row.get(y_axis))
        if x is None or y is None:
            continue
        i, j = xs.index(x), ys.index(y)
        value = number(row.get(metric))
        if row.get("status") == "failed":
            failed[i, j] += 1
        elif complete(row) and value is not None:
            total[i, j] += value
            count[i, j] += 1
            ids[(i, j)].append(row["id"])
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return xs, ys, values, failed, dict(ids)
