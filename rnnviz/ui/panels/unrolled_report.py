"""The numbers behind the unrolled graph, as exported: each drawn node's value and each
edge's gradient and drawn strength."""

from __future__ import annotations

import numpy as np

from rnnviz.engine.record import StepRecord
from rnnviz.ui.export import Table
from rnnviz.ui.panels import unrolled_colours as colours
from rnnviz.ui.panels import unrolled_layout as geo


def unrolled_tables(
    graph: geo.UnrolledLayout, record: StepRecord, mode: str, unit: int, edge_u: np.ndarray
) -> dict[str, Table]:
    """``nodes``: t, kind, chain and the value colouring each node (``mode`` "unit": unit
    ``unit``'s, "norm": the norm over units); ``edges``: t, kind, the nodes joined, the
    gradient norm flowing back and its drawn strength ``edge_u`` (0..1)."""
    values = colours.node_raw_values(graph, record.sample, mode, unit)
    what = f"unit {unit}" if mode == "unit" else "norm over units"
    nodes = [
        [n.t + 1, n.kind, n.chain or "", float(v)] for n, v in zip(graph.nodes, values, strict=True)
    ]
    sample = record.sample
    gradients = colours.edge_gradients(graph, record.dh_norm, record.dc_norm, sample.mask)

    def name(i: int) -> str:
        node = graph.nodes[i]
        return f"{node.kind}{' ' + node.chain if node.chain else ''} t={node.t + 1}"

    edges = [
        [e.grad[2] + 1, e.kind, name(e.src), name(e.dst), float(g), float(u)]
        for e, g, u in zip(graph.edges, gradients, edge_u, strict=True)
    ]
    return {
        "nodes": Table(
            ["t", "kind", "chain", f"value ({what})"], nodes, f"nodes at step {record.step}"
        ),
        "edges": Table(
            ["t", "kind", "from", "to", "gradient norm", "strength"],
            edges,
            f"edges at step {record.step}: the gradient flowing back (output edges: 1 "
            "where the loss counts)",
        ),
    }
