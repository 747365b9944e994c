"""Pure geometry and colour rules of the unrolled graph (no Qt): which nodes and edges a model
has when drawn over T time steps, where they sit, and how a record's numbers colour them.

Coordinates: column ``col`` on the x axis (one per shown time step; long sequences keep the
first and last steps with one elided gap column between), rows on the y axis from the inputs
(y = 0) up through the layers to the outputs.

Nodes: ``x`` inputs, ``h`` hidden states and (LSTM) ``c`` memory cells per chain
(``"L{l}.fwd"`` / ``"L{l}.bwd"``), ``y`` outputs.

Edges (``kind``), for T shown steps and D directions:
- ``input``    x_t -> layer-0 h_t of each chain                          T * D
- ``layer``    h_t of every chain of layer l-1 -> h_t of every chain of l  T * D * D per l >= 1
- ``output``   top-layer h_t of each chain -> y_t                         T * D
- ``cell_out`` LSTM c_t -> h_t                                             T per chain
- ``rec_h``    h_{t-1} -> h_t (forward chain), h_{t+1} -> h_t (backward)   T - 1 per chain
- ``rec_c``    LSTM c_{t-1} -> c_t (forward), c_{t+1} -> c_t (backward)    T - 1 per chain
- ``rec_y``    Jordan y_{t-1} -> h_t (no h -> h edge)                      T - 1
The recurrent edges are ``rec_h``, ``rec_c`` and ``rec_y``.

Gradient on an edge u -> v: what flows back through it is dL/dv, so an edge is coloured by
||dL/dv_t|| of its destination (``record.dh_norm`` / ``dc_norm``), on a log scale relative to
the largest value of the record: ``u = clip(1 + log10(g / g_max) / DECADES, 0, 1)``.
Output edges carry dL/dy_t, which is nonzero exactly where the loss counts (``mask``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RECURRENT_KINDS = ("rec_h", "rec_c", "rec_y")
#: sequences longer than this are drawn as their first and last steps around a gap
MAX_SHOWN_STEPS = 40
#: "all steps" still elides beyond this many (a graph of 10^5 columns helps nobody)
ALL_STEPS_LIMIT = 1000
#: how many powers of ten below the largest gradient an edge fades out completely
DECADES = 6.0
EDGE_MIN_WIDTH = 0.6
EDGE_MAX_WIDTH = 6.0


@dataclass(frozen=True)
class Node:
    kind: str  # "x", "h", "c", "y"
    chain: str | None  # "L0.fwd" for h / c nodes, None for x / y
    t: int  # time step (0-based index into the sequence)
    col: int  # drawing column
    x: float
    y: float


@dataclass(frozen=True)
class Edge:
    kind: str  # see the module docstring
    src: int  # node indices
    dst: int
    #: what flows back through the edge: ("L0.fwd", "h" | "c", t), ("loss", "y", t)
    grad: tuple[str, str, int]


@dataclass
class UnrolledLayout:
    """Nodes and edges of one model over T steps, plus rows and columns for axis labels."""

    T: int
    chains: tuple[str, ...]
    lstm: bool
    jordan: bool
    times: list[int | None]  # per column: the time step shown there, None for the gap
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    rows: list[tuple[float, str]] = field(default_factory=list)  # (y, label) for the left axis
    node_scale: float = 1.0  # how close nodes sit (1: a full column / row apart)
    _index: dict[tuple[str, str | None, int], int] = field(default_factory=dict, repr=False)

    @property
    def n_cols(self) -> int:
        return len(self.times)

    @property
    def gap_col(self) -> int | None:
        return self.times.index(None) if None in self.times else None

    def col_of(self, t: int) -> int | None:
        """The column that shows time step t (None when t is elided or out of range)."""
        try:
            return self.times.index(t)
        except ValueError:
            return None

    def node_index(self, kind: str, chain: str | None, t: int) -> int | None:
        return self._index.get((kind, chain, t))

    def count(self, kind: str) -> int:
        return sum(1 for e in self.edges if e.kind == kind)

    def count_nodes(self, kind: str) -> int:
        return sum(1 for n in self.nodes if n.kind == kind)

    @property
    def recurrent_edges(self) -> list[Edge]:
        return [e for e in self.edges if e.kind in RECURRENT_KINDS]

    def positions(self) -> np.ndarray:
        return np.array([(n.x, n.y) for n in self.nodes], dtype=float).reshape(-1, 2)

    def adjacency(self) -> np.ndarray:
        return np.array([(e.src, e.dst) for e in self.edges], dtype=np.int64).reshape(-1, 2)

    def _add(self, node: Node) -> None:
        self._index[(node.kind, node.chain, node.t)] = len(self.nodes)
        self.nodes.append(node)

    def _link(self, kind, a, b, grad) -> None:
        ia, ib = self._index.get(a), self._index.get(b)
        if ia is not None and ib is not None:
            self.edges.append(Edge(kind, ia, ib, grad))


def shown_steps(T: int, max_steps: int = MAX_SHOWN_STEPS) -> list[int | None]:
    """Time step per column: all of them, or the first and last ones around a gap (None)."""
    if max_steps <= 0 or T <= max_steps:
        return list(range(T))
    head = (max_steps + 1) // 2
    tail = max_steps - head
    return list(range(head)) + [None] + list(range(T - tail, T))


def chain_names(num_layers: int, bidirectional: bool) -> tuple[str, ...]:
    dirs = ("fwd", "bwd") if bidirectional else ("fwd",)
    return tuple(f"L{layer}.{d}" for layer in range(num_layers) for d in dirs)


def _offsets(lstm: bool, bidirectional: bool) -> tuple[dict, float, float]:
    """Per direction: (dx, dy) of the h node and of the c node inside a layer band; the
    band's height and the node scale."""
    if not bidirectional:
        if lstm:
            return {"fwd": ((0.0, 0.0), (-0.38, 0.5))}, 0.5, 0.75
        return {"fwd": ((0.0, 0.0), None)}, 0.0, 1.0
    if lstm:
        offsets = {"fwd": ((-0.16, 0.0), (-0.4, 0.42)), "bwd": ((0.16, 0.84), (0.4, 1.26))}
        return offsets, 1.26, 0.6
    return {"fwd": ((-0.16, 0.0), None), "bwd": ((0.16, 0.6), None)}, 0.6, 0.7


def build_layout(
    kind: str,
    T: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    max_steps: int = MAX_SHOWN_STEPS,
) -> UnrolledLayout:
    """The unrolled graph of a ``kind`` model (elman, irnn, jordan, lstm, gru) over T steps."""
    lstm, jordan = kind == "lstm", kind == "jordan"
    chains = chain_names(num_layers, bidirectional)
    layout = UnrolledLayout(T, chains, lstm, jordan, shown_steps(T, max_steps))
    offsets, band, layout.node_scale = _offsets(lstm, bidirectional)
    pitch = band + 1.0
    shown = [(col, t) for col, t in enumerate(layout.times) if t is not None]

    def base(layer: int) -> float:
        return 1.0 + layer * pitch

    top_y = base(num_layers - 1) + band + 1.0
    arrows = {"fwd": "\u2192", "bwd": "\u2190"}
    layout.rows.append((0.0, "x"))
    for chain in chains:
        layer, direction = int(chain[1 : chain.index(".")]), chain.split(".")[1]
        (hx, hy), c_off = offsets[direction]
        name = f"L{layer} " if num_layers > 1 else ""
        arrow = f" {arrows[direction]}" if bidirectional else ""
        layout.rows.append((base(layer) + hy, f"{name}h{arrow}"))
        if c_off is not None:
            layout.rows.append((base(layer) + c_off[1], f"{name}c{arrow}"))
    layout.rows.append((top_y, "y"))

    for col, t in shown:
        layout._add(Node("x", None, t, col, float(col), 0.0))
    for chain in chains:
        layer, direction = int(chain[1 : chain.index(".")]), chain.split(".")[1]
        (hx, hy), c_off = offsets[direction]
        for col, t in shown:
            if c_off is not None:
                layout._add(Node("c", chain, t, col, col + c_off[0], base(layer) + c_off[1]))
            layout._add(Node("h", chain, t, col, col + hx, base(layer) + hy))
    for col, t in shown:
        layout._add(Node("y", None, t, col, float(col), top_y))

    top = [c for c in chains if c.startswith(f"L{num_layers - 1}.")]
    for _, t in shown:
        for chain in chains:
            layer = int(chain[1 : chain.index(".")])
            grad = (chain, "h", t)
            if layer == 0:
                layout._link("input", ("x", None, t), ("h", chain, t), grad)
            else:
                for below in chains:
                    if below.startswith(f"L{layer - 1}."):
                        layout._link("layer", ("h", below, t), ("h", chain, t), grad)
            if lstm:
                layout._link("cell_out", ("c", chain, t), ("h", chain, t), grad)
        for chain in top:
            layout._link("output", ("h", chain, t), ("y", None, t), ("loss", "y", t))
    for chain in chains:
        step = 1 if chain.endswith(".fwd") else -1
        for _, t in shown:
            prev = t - step  # the step whose state feeds step t
            if not 0 <= prev < T:
                continue
            if jordan:
                layout._link("rec_y", ("y", None, prev), ("h", chain, t), (chain, "h", t))
            else:
                layout._link("rec_h", ("h", chain, prev), ("h", chain, t), (chain, "h", t))
            if lstm:
                layout._link("rec_c", ("c", chain, prev), ("c", chain, t), (chain, "c", t))
    return layout


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


def edge_width(strength: np.ndarray) -> np.ndarray:
    """[M] gradient strengths in [0, 1] -> pen widths in pixels."""
    return EDGE_MIN_WIDTH + (EDGE_MAX_WIDTH - EDGE_MIN_WIDTH) * np.clip(strength, 0, 1)


def gradient_max(dh_norm: dict, dc_norm: dict) -> float:
    """The largest finite ||dL/dh_t|| or ||dL/dc_t|| of a record (0 when there is none)."""
    peaks = [
        float(np.max(v[np.isfinite(v)]))
        for v in list(dh_norm.values()) + list(dc_norm.values())
        if np.size(v) and np.isfinite(v).any()
    ]
    return max(peaks, default=0.0)


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
    layout: UnrolledLayout, dh_norm: dict, dc_norm: dict, mask, decades: float = DECADES
) -> np.ndarray:
    """[M] strengths in [0, 1]: the log-scaled gradient (output edges: 1 where counted)."""
    g = edge_gradients(layout, dh_norm, dc_norm, mask)
    strength = log_strength(g, gradient_max(dh_norm, dc_norm), decades)
    outputs = np.array([e.kind == "output" for e in layout.edges], dtype=bool)
    strength[outputs] = np.nan_to_num(g[outputs])
    return strength


def _is_one_hot(x: np.ndarray) -> bool:
    x = np.asarray(x).reshape(len(x), -1)
    return x.shape[1] > 1 and bool(np.isin(x, (0.0, 1.0)).all() and (x.sum(axis=1) <= 1).all())


def _row_value(kind: str, array: np.ndarray, t: int, mode: str, unit: int) -> float:
    row = array[t]
    if kind in ("h", "c") and mode == "unit":
        return float(row[min(unit, row.shape[0] - 1)])
    if kind == "y" and row.shape[0] > 1:  # classification: the confidence max softmax(y_hat)
        z = row - np.max(row)
        p = np.exp(z)
        return float(np.max(p) / np.sum(p))
    if row.shape[0] == 1:
        return float(row[0])
    return float(np.linalg.norm(row))


def node_raw_values(layout: UnrolledLayout, sample, mode: str = "unit", unit: int = 0):
    """[N] the value each node shows: h / c the selected unit (``mode="unit"``) or the norm
    over units (``"norm"``); x the input (its norm when I > 1, 0 for one-hot tokens); y the
    output (classification: the largest softmax probability)."""
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
