"""Pure geometry of the unrolled graph (no Qt): which nodes and edges a model has when drawn
over T time steps, and where they sit.

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

How a record's numbers colour the nodes and edges: unrolled_colours.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RECURRENT_KINDS = ("rec_h", "rec_c", "rec_y", "rec_s")  # rec_s: the SCRN's context
#: sequences longer than this are drawn as their first and last steps around a gap
MAX_SHOWN_STEPS = 40
#: "all steps" still elides beyond this many (a graph of 10^5 columns helps nobody)
ALL_STEPS_LIMIT = 1000


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


def _offsets(lstm: bool, bidirectional: bool) -> tuple[dict, float, float, float]:
    """Per direction: (dx, dy) of the h node and of the c node inside a layer band; the
    band's height, the node scale and the gap between bands (and to the x and y rows)."""
    if not bidirectional:
        if lstm:
            return {"fwd": ((0.0, 0.0), (-0.38, 0.5))}, 0.5, 0.75, 1.0
        return {"fwd": ((0.0, 0.0), None)}, 0.0, 1.0, 1.0
    if lstm:
        offsets = {"fwd": ((-0.16, 0.0), (-0.4, 0.42)), "bwd": ((0.16, 0.84), (0.4, 1.26))}
        # gaps of 0.7, not 1: the six rows of a BiLSTM fit a short dock with their labels
        # a line apart (the rows of slot_filling_bilstm crowded at 1280x720, issue 16)
        return offsets, 1.26, 0.6, 0.7
    return {"fwd": ((-0.16, 0.0), None), "bwd": ((0.16, 0.6), None)}, 0.6, 0.7, 1.0


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
    offsets, band, layout.node_scale, gap = _offsets(lstm, bidirectional)
    pitch = band + gap
    shown = [(col, t) for col, t in enumerate(layout.times) if t is not None]

    def base(layer: int) -> float:
        return gap + layer * pitch

    top_y = base(num_layers - 1) + band + gap
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
