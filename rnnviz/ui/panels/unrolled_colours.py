"""How a record's numbers colour the unrolled graph (no Qt), and the order in which the BPTT
animation lights it.

Nodes: the selected unit's activation (or the norm over units), normalised per row, on a
diverging map (blue negative, white 0, red positive).

Gradient on an edge u -> v: what flows back through it is dL/dv, so an edge is coloured by
||dL/dv_t|| of its destination (``record.dh_norm`` / ``dc_norm``), on a log scale relative to
the largest value of the record: ``u = clip(1 + log10(g / g_max) / decades, 0, 1)``, where
``decades`` is the span the drawn gradients really cover (``drawn_decades``: from the largest
down to their 5th percentile, at least 1 and at most DECADES). A fixed span of 6 decades put
every edge of a graph whose gradients differ by less than 10x at the top of the scale, and
the edges merged into solid bars (issue 16, defect 8: sine_gru, jordan_sine).
Output edges carry dL/dy_t, which is nonzero exactly where the loss counts (``mask``).
"""

from __future__ import annotations

import numpy as np

from rnnviz.ui.panels.unrolled_layout import UnrolledLayout

#: how many powers of ten below the largest gradient an edge fades out completely
DECADES = 6.0
#: the smallest span of the scale: gradients within 10x of each other still differ in width
MIN_DECADES = 1.0
#: the weakest gradient that sets the span, as a percentile of the drawn ones (a few stray
#: near-zero edges at a sequence's start do not stretch the scale)
LOW_PERCENTILE = 5.0
EDGE_MIN_WIDTH = 0.6
EDGE_MAX_WIDTH = 6.0
#: an edge is at most this fraction of a time step's column wide (wider edges of a long
#: sequence touched their neighbours and merged into bars)
WIDTH_PER_COLUMN = 0.12


# -- colours ----------------------------------------------------------------------------------
#: diverging map centred on 0 (ColorBrewer RdBu, reversed: negative blue, positive red)
DIVERGING_STOPS = np.array(
    [
        (-1.0, 5, 113, 176),
        (-0.5, 146, 197, 222),
        (0.0, 247, 247, 247),
        (0.5, 244, 165, 130),
        (1.0, 202, 0, 32),
    ]
)
#: gradient strength 0 (vanished) .. 1 (the record's largest): dim slate to bright amber
EDGE_STOPS = np.array(
    [
        (0.0, 75, 80, 95, 90),
        (0.35, 120, 90, 150, 170),
        (0.7, 235, 110, 60, 235),
        (1.0, 255, 225, 90, 255),
    ]
)
NAN_RGBA = (128, 128, 128, 255)


def _interp(values: np.ndarray, stops: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    out = np.empty(values.shape + (stops.shape[1] - 1,), dtype=float)
    for k in range(1, stops.shape[1]):
        out[..., k - 1] = np.interp(values, stops[:, 0], stops[:, k])
    return out


def diverging_rgba(values: np.ndarray) -> np.ndarray:
    """[N] values in [-1, 1] -> [N, 4] uint8 colours; NaN grey."""
    values = np.asarray(values, dtype=float)
    rgb = np.rint(_interp(np.clip(np.nan_to_num(values), -1, 1), DIVERGING_STOPS))
    rgba = np.concatenate([rgb, np.full(values.shape + (1,), 255.0)], axis=-1).astype(np.uint8)
    rgba[~np.isfinite(values)] = NAN_RGBA
    return rgba


def edge_rgba(strength: np.ndarray) -> np.ndarray:
    """[M] gradient strengths in [0, 1] -> [M, 4] uint8 colours."""
    return np.rint(_interp(np.clip(strength, 0, 1), EDGE_STOPS)).astype(np.uint8)


def edge_width(strength: np.ndarray, max_width: float = EDGE_MAX_WIDTH) -> np.ndarray:
    """[M] gradient strengths in [0, 1] -> pen widths in pixels, EDGE_MIN_WIDTH ..
    ``max_width`` (see ``width_cap``)."""
    top = max(float(max_width), EDGE_MIN_WIDTH)
    return EDGE_MIN_WIDTH + (top - EDGE_MIN_WIDTH) * np.clip(strength, 0, 1)


def width_cap(column_px: float) -> float:
    """The widest edge for columns ``column_px`` pixels apart: WIDTH_PER_COLUMN of a column,
    between 1.5 and EDGE_MAX_WIDTH pixels."""
    if not np.isfinite(column_px) or column_px <= 0:
        return EDGE_MAX_WIDTH
    return float(np.clip(WIDTH_PER_COLUMN * column_px, 1.5, EDGE_MAX_WIDTH))


def drawn_decades(g: np.ndarray) -> float:
    """How many powers of ten the scale spans for the drawn gradients ``g``: log10 of the
    largest over the LOW_PERCENTILE-th percentile of the positive finite ones, clipped to
    MIN_DECADES .. DECADES (DECADES when there are none)."""
    g = np.asarray(g, dtype=float)
    g = g[np.isfinite(g) & (g > 0)]
    if g.size == 0:
        return DECADES
    span = np.log10(g.max() / np.percentile(g, LOW_PERCENTILE))
    return float(np.clip(span, MIN_DECADES, DECADES))


def log_strength(g: np.ndarray, g_max: float, decades: float = DECADES) -> np.ndarray:
    """``clip(1 + log10(g / g_max) / decades, 0, 1)``; 0 where g <= 0 or not finite."""
    g = np.asarray(g, dtype=float)
    out = np.zeros(g.shape)
    if not g_max > 0 or not np.isfinite(g_max):
        return out
    ok = np.isfinite(g) & (g > 0)
    out[ok] = np.clip(1.0 + np.log10(g[ok] / g_max) / decades, 0.0, 1.0)
    return out


def edge_gradients(layout: UnrolledLayout, dh_norm: dict, dc_norm: dict, mask) -> np.ndarray:
    """[M] the gradient norm flowing back through each edge (NaN where not recorded);
    output edges: 1 where the loss counts at t (mask), else 0 (relative, see edge_strength)."""
    out = np.full(len(layout.edges), np.nan)
    for i, edge in enumerate(layout.edges):
        chain, what, t = edge.grad
        if chain == "loss":
            out[i] = float(mask[t] > 0) if mask is not None and t < len(mask) else np.nan
            continue
        series = (dh_norm if what == "h" else dc_norm).get(chain)
        if series is not None and t < len(series):
            out[i] = series[t]
    return out


def edge_strength(
    layout: UnrolledLayout,
    dh_norm: dict,
    dc_norm: dict,
    mask,
    decades: float | None = None,
    faint=None,
) -> tuple[np.ndarray, float, float]:
    """([M] strengths in [0, 1], the largest gradient, the decades used): the log-scaled
    gradient relative to the largest drawn one (output edges: 1 where counted).
    ``decades`` None: ``drawn_decades`` of the gradient edges not marked in ``faint``
    ([M] bool: drawn faint, e.g. padding)."""
    g = edge_gradients(layout, dh_norm, dc_norm, mask)
    outputs = np.array([e.kind == "output" for e in layout.edges], dtype=bool)
    counted = ~outputs if faint is None else ~outputs & ~np.asarray(faint, dtype=bool)
    if decades is None:
        decades = drawn_decades(g[counted])
    g_max = float(np.nanmax(g[counted])) if np.isfinite(g[counted]).any() else 0.0
    strength = log_strength(g, g_max, decades)
    strength[outputs] = np.nan_to_num(g[outputs])
    return strength, g_max, decades


def _is_one_hot(x: np.ndarray) -> bool:
    x = np.asarray(x).reshape(len(x), -1)
    return x.shape[1] > 1 and bool(np.isin(x, (0.0, 1.0)).all() and (x.sum(axis=1) <= 1).all())


def _row_value(kind: str, array: np.ndarray, t: int, mode: str, unit: int) -> float:
    row = array[t]
    if kind in ("h", "c", "s", "m") and mode == "unit":
        return float(row[min(unit, row.shape[0] - 1)])
    if kind == "y" and row.shape[0] > 1:  # classification: the confidence max softmax(y_hat)
        z = row - np.max(row)
        p = np.exp(z)
        return float(np.max(p) / np.sum(p))
    if row.shape[0] == 1:
        return float(row[0])
    return float(np.linalg.norm(row))


def node_raw_values(layout: UnrolledLayout, sample, mode: str = "unit", unit: int = 0):
    """[N] the value each node shows: h / c / s the selected unit (``mode="unit"``) or the norm
    over units (``"norm"``); a Clockwork module (``m``) the selected unit when it is one of
    the module's, else the module's first unit; x the input (its norm when I > 1, 0 for
    one-hot tokens); y the output (classification: the largest softmax probability)."""
    out = np.full(len(layout.nodes), np.nan)
    one_hot = _is_one_hot(sample.x)
    for i, node in enumerate(layout.nodes):
        if node.kind == "x" and one_hot:
            out[i] = 0.0  # one-hot tokens: a neutral colour (the token is written underneath)
            continue
        if node.kind == "x":
            array = sample.x
        elif node.kind == "y":
            array = sample.y_hat
        elif node.kind == "m":  # a Clockwork module: chain "L0.fwd[8:16]", its units of h
            chain, units = node.chain.rstrip("]").split("[")
            first, end = (int(v) for v in units.split(":"))
            array = sample.trace.get(chain, {}).get("h")
            array = None if array is None else np.asarray(array)[:, first:end]
            unit_in_module = unit - first if first <= unit < end else 0
            if array is not None and node.t < len(array):
                out[i] = _row_value("m", array, node.t, mode, unit_in_module)
            continue
        else:
            array = sample.trace.get(node.chain, {}).get(node.kind)
        if array is None or node.t >= len(array):
            continue
        array = np.asarray(array, dtype=float).reshape(len(array), -1)
        out[i] = _row_value(node.kind, array, node.t, mode, unit)
    return out


def row_keys(layout: UnrolledLayout) -> list[tuple[str, str | None]]:
    return [(n.kind, n.chain) for n in layout.nodes]


def normalise_rows(layout: UnrolledLayout, raw: np.ndarray) -> np.ndarray:
    """Each row (x, each chain's h and c, y) divided by max(1, max |value| in the row), so
    values within [-1, 1] keep their size and larger ones are scaled into it."""
    keys = row_keys(layout)
    out = np.array(raw, dtype=float)
    for key in set(keys):
        idx = np.array([i for i, k in enumerate(keys) if k == key])
        finite = raw[idx][np.isfinite(raw[idx])]
        scale = max(1.0, float(np.max(np.abs(finite)))) if finite.size else 1.0
        out[idx] = raw[idx] / scale
    return out


def node_colours(layout: UnrolledLayout, sample, mode: str = "unit", unit: int = 0):
    """[N, 4] uint8 node colours for a record's sample (diverging map centred on 0)."""
    return diverging_rgba(normalise_rows(layout, node_raw_values(layout, sample, mode, unit)))


# -- the BPTT animation -----------------------------------------------------------------------
def _longest_path(n: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    """[n] longest path (in edges) from a source to each node of a DAG given as (a, b) pairs."""
    succ: list[list[int]] = [[] for _ in range(n)]
    indegree = np.zeros(n, dtype=int)
    for a, b in pairs:
        succ[a].append(b)
        indegree[b] += 1
    depth = np.zeros(n, dtype=int)
    ready = [i for i in range(n) if indegree[i] == 0]
    while ready:
        a = ready.pop()
        for b in succ[a]:
            depth[b] = max(depth[b], depth[a] + 1)
            indegree[b] -= 1
            if indegree[b] == 0:
                ready.append(b)
    return depth


def forward_depth(layout: UnrolledLayout) -> np.ndarray:
    """[N] the frame at which each node is computed in the forward pass (longest path from
    an input): frame k of the animation lights the nodes with depth <= k."""
    return _longest_path(len(layout.nodes), [(e.src, e.dst) for e in layout.edges])


def backward_depth(layout: UnrolledLayout) -> np.ndarray:
    """[N] the frame at which the gradient dL/dnode is complete in backpropagation through
    time (longest path to an output); an edge u -> v lights when v's gradient is complete."""
    return _longest_path(len(layout.nodes), [(e.dst, e.src) for e in layout.edges])
