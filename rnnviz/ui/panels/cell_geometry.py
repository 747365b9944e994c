"""The geometry of the cell drawing: where each box of the lecture's LSTM cell (and of the
GRU cell) sits, the arrows between them, and ``CellDrawing``, which puts them in a
QGraphicsScene and then only changes the numbers in the boxes and the fill of the gates.

Coordinates are scene units; the view scales the whole drawing to fit the panel, text
included, so the fonts are large: a class reads them from afar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem

#: scene geometry (the view scales the whole drawing to fit the panel, text included)
BOX_W, BOX_H, OP_R = 212, 132, 28
# large: the view scales the whole figure down to fit a dock, and a class reads it from afar
CAPTION_PX, VALUE_PX, OP_PX = 28, 46, 34
LINE = QColor("#b0bec5")
TEXT = QColor("#eceff1")
CAPTION = QColor("#b0bec5")
MEMORY = QColor("#ffb74d")
VALUE_FILL, GATE_OPEN, GATE_SHUT = QColor("#263238"), QColor("#2e7d32"), QColor("#37474f")


def pixel_font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class Node:
    """A box in the drawing: ``key`` into the values, ``caption`` over the number; (x, y)
    is the top-left corner of the box."""

    key: str
    caption: str
    x: float
    y: float
    shape: str = "value"  # "value", "gate" (fill shows how open), "op" (a small x / + circle)


L2, L1, MID, R1, R2 = -110, 130, 370, 610, 850  # columns
LSTM_NODES = (
    Node("a", "output a", MID, 0),
    Node("x_out", "×", MID, 130, "op"),
    Node("h(c')", "h(c')", MID, 260),
    Node("c'", "new memory\nc'", MID, 420),
    Node("c", "old memory\nc", MID, 590),
    Node("x_in", "×", MID, 730, "op"),
    Node("g(z)", "g(z)", MID, 860),
    Node("z", "cell input\nz", MID, 1010),
    Node("z_o", "z_o", L2, 130),
    Node("f(z_o)", "output gate\nf(z_o)", L1, 130, "gate"),
    Node("z_i", "z_i", L2, 730),
    Node("f(z_i)", "input gate\nf(z_i)", L1, 730, "gate"),
    Node("z_f", "z_f", R2, 505),
    Node("f(z_f)", "forget gate\nf(z_f)", R1, 505, "gate"),
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
GRU_NODES = (
    Node("h'", "new state\nh'", MID, 0),
    Node("plus", "+", MID, 140, "op"),
    Node("x_n", "×", MID, 310, "op"),
    Node("n", "candidate\nn", MID, 450),
    Node("z_n", "z_n (sees\nr · h)", MID, 620),
    Node("h", "old state\nh", R1, 620),
    Node("x_h", "×", R1, 310, "op"),
    Node("1-u", "1 - u", L1, 310, "gate"),
    Node("u", "update\ngate u", R2, 310, "gate"),
    Node("z_u", "z_u", R2, 140),
    Node("z_r", "z_r", L2, 620),
    Node("r", "reset\ngate r", L1, 620, "gate"),
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


def node_rect(node: Node) -> QRectF:
    """The box of a value or gate, or the small circle of an operation."""
    if node.shape == "op":
        return QRectF(node.x + BOX_W / 2 - OP_R, node.y + BOX_H / 2 - OP_R, 2 * OP_R, 2 * OP_R)
    return QRectF(node.x, node.y, BOX_W, BOX_H)


def edge_points(a: QRectF, b: QRectF) -> tuple[QPointF, QPointF]:
    """Points on the facing sides of two boxes (vertical or horizontal neighbours)."""
    ca, cb = a.center(), b.center()
    if abs(ca.x() - cb.x()) < 1 or abs(ca.y() - cb.y()) > abs(ca.x() - cb.x()):
        up = cb.y() < ca.y()
        x = cb.x() if abs(ca.x() - cb.x()) < 1 else ca.x()
        p1 = QPointF(x, a.top() if up else a.bottom())
        p2 = QPointF(cb.x(), b.bottom() if up else b.top())
        if abs(ca.x() - cb.x()) >= 1:  # diagonal: straight line between facing sides
            p1 = QPointF(ca.x(), a.top() if up else a.bottom())
        return p1, p2
    right = cb.x() > ca.x()
    return (
        QPointF(a.right() if right else a.left(), ca.y()),
        QPointF(b.left() if right else b.right(), cb.y()),
    )


class CellDrawing:
    """The boxes, arrows and numbers of one cell in ``scene``."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene
        self.nodes: dict[str, Node] = {}
        self.value_items: dict[str, QGraphicsSimpleTextItem] = {}
        self.boxes: dict[str, object] = {}

    def build(self, nodes: tuple[Node, ...], edges: tuple[tuple[str, str], ...]) -> None:
        """Draw ``nodes`` joined by ``edges`` (empty: nothing), replacing what was drawn."""
        self.scene.clear()
        self.nodes = {node.key: node for node in nodes}
        self.value_items.clear()
        self.boxes.clear()
        pen = QPen(LINE, 2.5)
        for start, end in edges:
            self._arrow(self.nodes[start], self.nodes[end], pen)
        caption_font, value_font, op_font = (
            pixel_font(CAPTION_PX),
            pixel_font(VALUE_PX, True),
            pixel_font(OP_PX),
        )
        for node in nodes:
            rect = node_rect(node)
            if node.shape == "op":
                self.scene.addEllipse(rect, QPen(LINE, 3), QBrush(QColor("#455a64")))
                self._centre_text(node.caption, op_font, rect.center(), TEXT)
                continue
            self.boxes[node.key] = self.scene.addRect(rect, QPen(LINE, 2), QBrush(VALUE_FILL))
            lines = node.caption.count("\n") + 1
            top = QPointF(rect.center().x(), rect.top() + 4 + lines * CAPTION_PX * 0.6)
            self._centre_text(node.caption, caption_font, top, CAPTION)
            centre = QPointF(rect.center().x(), rect.bottom() - 6 - VALUE_PX * 0.6)
            self.value_items[node.key] = self._centre_text("", value_font, centre, TEXT)
        if nodes:
            self._memory_frame()
            self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-10, -10, 10, 10))

    def _memory_frame(self) -> None:
        """The dashed frame around c and c' that the lecture calls the memory cell."""
        if "c'" not in self.nodes or "c" not in self.nodes:
            return
        both = node_rect(self.nodes["c'"]).united(node_rect(self.nodes["c"]))
        frame = both.adjusted(-16, -16, 16, 16)
        self.scene.addRect(frame, QPen(MEMORY, 3, Qt.PenStyle.DashLine))
        label = self.scene.addSimpleText("memory cell", pixel_font(CAPTION_PX))
        label.setBrush(QBrush(MEMORY))
        label.setPos(frame.right() + 8, frame.top())

    def _centre_text(self, text, font, centre: QPointF, colour: QColor) -> QGraphicsSimpleTextItem:
        item = self.scene.addSimpleText(text, font)
        item.setBrush(QBrush(colour))
        item.setData(0, centre)
        self._place(item)
        item.setZValue(5)
        return item

    @staticmethod
    def _place(item: QGraphicsSimpleTextItem) -> None:
        """Centre a text on the point stored with it (again after its text changed)."""
        centre = item.data(0)
        bounds = item.boundingRect()
        item.setPos(centre.x() - bounds.width() / 2, centre.y() - bounds.height() / 2)

    def _arrow(self, start: Node, end: Node, pen: QPen) -> None:
        p1, p2 = edge_points(node_rect(start), node_rect(end))
        path = QPainterPath(p1)
        path.lineTo(p2)
        self.scene.addPath(path, pen)
        direction = p2 - p1
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
        ux, uy = direction.x() / length, direction.y() / length
        size = 12
        left = QPointF(p2.x() - size * ux + size * 0.5 * uy, p2.y() - size * uy - size * 0.5 * ux)
        right = QPointF(p2.x() - size * ux - size * 0.5 * uy, p2.y() - size * uy + size * 0.5 * ux)
        self.scene.addPolygon(QPolygonF([p2, left, right]), pen, QBrush(LINE))

    def set_value(self, key: str, text: str) -> None:
        item = self.value_items.get(key)
        if item is not None:
            item.setText(text)
            self._place(item)

    def colour_gates(self, numbers: dict) -> None:
        """Fill each gate from shut (grey) to open (green) by its value."""
        for key, node in self.nodes.items():
            box = self.boxes.get(key)
            if box is None:
                continue
            value = numbers.get(key)
            if node.shape != "gate" or not isinstance(value, float) or not np.isfinite(value):
                box.setBrush(QBrush(VALUE_FILL))
                continue
            mix = float(np.clip(value, 0.0, 1.0))
            colour = QColor(
                *(
                    int(GATE_SHUT.getRgb()[k] * (1 - mix) + GATE_OPEN.getRgb()[k] * mix)
                    for k in range(3)
                )
            )
            box.setBrush(QBrush(colour))
