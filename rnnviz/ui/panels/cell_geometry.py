"""The geometry of the cell drawing: which box of the lecture's LSTM cell (and of the GRU
cell) sits in which cell of a grid, and the arrows between them. No sizes: the drawing
(cell_drawing.py) sizes the boxes from their text at the current text size and spreads the
grid over the view (cell_fit.py), so the text keeps a readable size on screen.

The grids are compact (4 columns at most, every arrow horizontal or vertical): the drawing
scaled down as a whole to fit a 344 x 274 view at 1280x720 drew its captions at 7 px, and
the lecture's tall 5 x 8 figure does not fit that view at the plot font's size (issue 16).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF


@dataclass(frozen=True)
class Node:
    """A box in the drawing: ``key`` into the values, ``caption`` over the number, at grid
    column ``col`` and row ``row`` (row 0 on top). ``short``: the caption where the full one
    does not fit (its symbol; the full one is the box's tooltip), by default its last line."""

    key: str
    caption: str
    col: float
    row: float
    shape: str = "value"  # "value", "gate" (fill shows how open), "op" (a small x / + circle)
    short: str = ""

    @property
    def short_caption(self) -> str:
        return self.short or self.caption.split("\n")[-1]


# the LSTM, flowing upwards as in the lecture: z -> g(z) -> x (with the input gate) -> the
# memory c -> c' (with the forget gate) -> h(c') -> x (with the output gate) -> a
LSTM_NODES = (
    Node("z_o", "z_o", 0, 0),
    Node("f(z_o)", "output gate\nf(z_o)", 1, 0, "gate"),
    Node("x_out", "×", 2, 0, "op"),
    Node("a", "output a", 3, 0, short="a"),
    Node("h(c')", "h(c')", 2, 1),
    Node("z_f", "z_f", 0, 2),
    Node("f(z_f)", "forget gate\nf(z_f)", 1, 2, "gate"),
    Node("c'", "new memory\nc'", 2, 2),
    Node("c", "old memory\nc", 3, 2),
    Node("z_i", "z_i", 0, 3),
    Node("f(z_i)", "input gate\nf(z_i)", 1, 3, "gate"),
    Node("x_in", "×", 3, 3, "op"),
    Node("z", "cell input\nz", 2, 4),
    Node("g(z)", "g(z)", 3, 4),
)
LSTM_EDGES = (
    ("z", "g(z)"),
    ("g(z)", "x_in"),
    ("z_i", "f(z_i)"),
    ("f(z_i)", "x_in"),
    ("x_in", "c"),
    ("c", "c'"),
    ("z_f", "f(z_f)"),
    ("f(z_f)", "c'"),
    ("c'", "h(c')"),
    ("h(c')", "x_out"),
    ("z_o", "f(z_o)"),
    ("f(z_o)", "x_out"),
    ("x_out", "a"),
)
#: the boxes the dashed "memory cell" frame surrounds, and the free grid cell its label takes
MEMORY_FRAME = ("c'", "c")
MEMORY_LABEL_CELL = (3, 1)
GRU_NODES = (
    Node("1-u", "1 - u", 0, 0, "gate"),
    Node("x_n", "×", 1, 0, "op"),
    Node("plus", "+", 2, 0, "op"),
    Node("h'", "new state\nh'", 3, 0),
    Node("n", "candidate\nn", 1, 1),
    Node("x_h", "×", 2, 1, "op"),
    Node("u", "update\ngate u", 3, 1, "gate", "u"),
    Node("z_n", "z_n (sees\nr · h)", 1, 2, short="z_n"),
    Node("h", "old state\nh", 2, 2),
    Node("z_u", "z_u", 3, 2),
    Node("z_r", "z_r", 0, 3),
    Node("r", "reset\ngate r", 1, 3, "gate", "r"),
)
GRU_EDGES = (
    ("h", "z_n"),
    ("z_r", "r"),
    ("r", "z_n"),
    ("z_n", "n"),
    ("n", "x_n"),
    ("1-u", "x_n"),
    ("z_u", "u"),
    ("u", "x_h"),
    ("h", "x_h"),
    ("x_n", "plus"),
    ("x_h", "plus"),
    ("plus", "h'"),
)


def edge_points(a: QRectF, b: QRectF) -> tuple[QPointF, QPointF]:
    """Points on the facing sides of two boxes in one row or one column of the grid."""
    ca, cb = a.center(), b.center()
    if abs(ca.y() - cb.y()) > abs(ca.x() - cb.x()):  # one above the other
        up = cb.y() < ca.y()
        return (
            QPointF(ca.x(), a.top() if up else a.bottom()),
            QPointF(cb.x(), b.bottom() if up else b.top()),
        )
    right = cb.x() > ca.x()
    return (
        QPointF(a.right() if right else a.left(), ca.y()),
        QPointF(b.left() if right else b.right(), cb.y()),
    )
