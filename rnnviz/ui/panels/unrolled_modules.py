"""The unrolled graph of the models whose hidden layer is more than one chain of h nodes (no
Qt): the Clockwork RNN's modules that skip steps, and the SCRN's slow context chain beside its
hidden chain. Same coordinates, node and edge conventions as ``unrolled_layout.py``.

Clockwork RNN: one row of ``m`` nodes per module (chain ``"L0.fwd[8:16]"``: the module's
units), a node only at the steps where the module updates (t mod T_i == 0, t counted in the
chain's reading order), so a slow module's row has gaps:
- ``input``   x_t (or the layer below's updated modules) -> each module updated at t
- ``rec_h``   a module's previous update t - T_i -> its update at t (the edge skips steps)
- ``output``  each module updated at t -> y_t (y_t also reads the kept values; not drawn)
A module also reads the slower modules' states; those edges are not drawn.

SCRN: an ``s`` row above the ``h`` row and shifted left, with
- ``input``  x_t -> h_t;  ``context_in`` x_t -> s_t;  ``context`` s_t -> h_t
- ``rec_h``  h_{t-1} -> h_t;  ``rec_s``  s_{t-1} -> s_t
- ``output`` h_t -> y_t and s_t -> y_t
An edge u -> v carries dL/dv; dL/ds_t is not recorded, so the edges into s stay unlit.
"""

from __future__ import annotations

from rnnviz.ui.panels.unrolled_layout import (
    Node,
    UnrolledLayout,
    build_layout,
    chain_names,
    shown_steps,
)

MODULE_GAP = 0.55  # vertical distance between two module rows
CHAIN_GAP = 0.45  # and the extra distance between two chains
CONTEXT_GAP = 0.7  # the SCRN's s row above its h row
CONTEXT_SHIFT = -0.3  # and left of it, so its edges do not hide behind the vertical ones
MODULE_SHIFT = 0.08  # each slower module a little to the right, for the same reason


def layout_for(spec, kind: str, T: int, layers: int, bidirectional: bool, max_steps: int):
    """The unrolled graph of any model kind (``spec`` may be None: an Elman-like graph)."""
    if kind == "clockwork":
        return build_clockwork_layout(
            T, layers, bidirectional, spec.hidden_size, spec.clock_periods, max_steps
        )
    if kind == "scrn":
        return build_scrn_layout(T, max_steps)
    return build_layout(kind, T, layers, bidirectional, max_steps)


def module_ranges(hidden_size: int, periods: tuple[int, ...]) -> list[tuple[int, int, int]]:
    """(first unit, end unit, period) of each module, fastest first."""
    k = hidden_size // len(periods)
    return [(i * k, (i + 1) * k, period) for i, period in enumerate(periods)]


def module_chain(chain: str, first: int, end: int) -> str:
    return f"{chain}[{first}:{end}]"


#: per chain, one row per module: (module chain name, y, period, horizontal shift)
ModuleRows = dict[str, list[tuple[str, float, int, float]]]


def build_clockwork_layout(
    T: int, num_layers: int, bidirectional: bool, hidden_size: int, periods: tuple[int, ...],
    max_steps: int,
) -> UnrolledLayout:  # fmt: skip
    """Module rows per chain, bottom to top: fastest module first."""
    chains = chain_names(num_layers, bidirectional)
    layout = UnrolledLayout(T, chains, False, False, shown_steps(T, max_steps))
    layout.node_scale = 0.7
    rows = _module_rows(layout, chains, module_ranges(hidden_size, periods), num_layers)
    shown = [(col, t) for col, t in enumerate(layout.times) if t is not None]
    for col, t in shown:
        layout._add(Node("x", None, t, col, float(col), 0.0))
    for chain in chains:
        backward = chain.endswith(".bwd")
        for name, row_y, period, shift in rows[chain]:
            for col, t in shown:
                step = T - 1 - t if backward else t  # the chain's own reading order
                if step % period == 0:
                    layout._add(Node("m", name, t, col, col + shift, row_y))
    top_y = layout.rows[-1][0]
    for col, t in shown:
        layout._add(Node("y", None, t, col, float(col), top_y))
    _link_modules(layout, rows, [t for _, t in shown], num_layers)
    return layout


def _module_rows(layout, chains, modules, num_layers: int) -> ModuleRows:
    """Place the module rows (and the x and y rows) and label them on the left axis."""
    rows: ModuleRows = {}
    layout.rows.append((0.0, "x"))
    y = 1.0
    for chain in chains:
        rows[chain] = []
        arrow = " \u2190" if chain.endswith(".bwd") else ""
        name = f"L{chain[1 : chain.index('.')]} " if num_layers > 1 else ""
        for i, (first, end, period) in enumerate(modules):
            shift = MODULE_SHIFT * (i - len(modules) / 2)
            rows[chain].append((module_chain(chain, first, end), y, period, shift))
            layout.rows.append((y, f"{name}h{first}-{end - 1} \u00d7{period}{arrow}"))
            y += MODULE_GAP
        y += CHAIN_GAP
    layout.rows.append((y, "y"))
    return rows


def _link_modules(layout, rows: ModuleRows, times: list[int], num_layers: int) -> None:
    """Input, layer, output and (skipping) recurrent edges; missing nodes get none."""
    chains = list(rows)
    for t in times:
        for chain in chains:
            layer = int(chain[1 : chain.index(".")])
            below = [c for c in chains if c.startswith(f"L{layer - 1}.")]
            for name, *_ in rows[chain]:
                grad = (chain, "h", t)
                if layer == 0:
                    layout._link("input", ("x", None, t), ("m", name, t), grad)
                for source in (row[0] for c in below for row in rows[c]):
                    layout._link("layer", ("m", source, t), ("m", name, t), grad)
                if layer == num_layers - 1:
                    layout._link("output", ("m", name, t), ("y", None, t), ("loss", "y", t))
    for chain in chains:
        step = 1 if chain.endswith(".fwd") else -1
        for name, _, period, _ in rows[chain]:
            for t in times:
                prev = ("m", name, t - step * period)
                layout._link("rec_h", prev, ("m", name, t), (chain, "h", t))


def build_scrn_layout(T: int, max_steps: int) -> UnrolledLayout:
    """x at the bottom, h, the slow context s above it, y on top."""
    chain = "L0.fwd"
    layout = UnrolledLayout(T, (chain,), False, False, shown_steps(T, max_steps))
    layout.node_scale = 0.8
    h_y, s_y = 1.0, 1.0 + CONTEXT_GAP
    top_y = s_y + 1.0
    layout.rows += [(0.0, "x"), (h_y, "h"), (s_y, "s (slow)"), (top_y, "y")]
    shown = [(col, t) for col, t in enumerate(layout.times) if t is not None]
    for kind, y in (("x", 0.0), ("h", h_y), ("s", s_y), ("y", top_y)):
        shift = CONTEXT_SHIFT if kind == "s" else 0.0
        for col, t in shown:
            node_chain = chain if kind in ("h", "s") else None
            layout._add(Node(kind, node_chain, t, col, col + shift, y))
    for _, t in shown:
        layout._link("input", ("x", None, t), ("h", chain, t), (chain, "h", t))
        layout._link("context_in", ("x", None, t), ("s", chain, t), (chain, "s", t))
        layout._link("context", ("s", chain, t), ("h", chain, t), (chain, "h", t))
        layout._link("output", ("h", chain, t), ("y", None, t), ("loss", "y", t))
        layout._link("output", ("s", chain, t), ("y", None, t), ("loss", "y", t))
        layout._link("rec_h", ("h", chain, t - 1), ("h", chain, t), (chain, "h", t))
        layout._link("rec_s", ("s", chain, t - 1), ("s", chain, t), (chain, "s", t))
    return layout
