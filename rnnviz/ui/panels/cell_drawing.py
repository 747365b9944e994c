"""``CellDrawing``: the boxes, arrows and numbers of one cell in a QGraphicsScene, laid out
in the view's pixels (cell_fit.py chooses the fonts and sizes, cell_geometry.py the grid).
The view shows the scene unscaled, so every caption and number is drawn at least at the
plot font's size, or, in a view too short for that, at least at the plot font's size at text
size 1.0 (``floor``); a new view size or text size lays the drawing out again
(``FittedView``)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QMargins, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

from rnnviz.ui import style
from rnnviz.ui.panels import cell_fit
from rnnviz.ui.panels.cell_geometry import MEMORY_FRAME, MEMORY_LABEL_CELL, Node, edge_points

LINE = QColor("#b0bec5")
TEXT = QColor("#eceff1")
CAPTION = QColor("#b0bec5")
MEMORY = QColor("#ffb74d")
VALUE_FILL, GATE_OPEN, GATE_SHUT = QColor("#263238"), QColor("#2e7d32"), QColor("#37474f")


class CellDrawing:
    """The boxes, arrows and numbers of one cell in ``scene``."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene
        self.nodes: dict[str, Node] = {}
        self.edges: tuple[tuple[str, str], ...] = ()
        self.texts: dict[str, str] = {}  # the number shown in each box
        self.fills: dict[str, QColor] = {}  # each gate's fill
        self.value_items: dict[str, QGraphicsSimpleTextItem] = {}
        self.boxes: dict[str, object] = {}
        self.base = QFont()  # the plot font: the least size of every text
        self.available = QSizeF(0, 0)
        self.fit: cell_fit.CellFit | None = None
        #: the widest number the boxes make room for: the run's widest so far (``reserve``)
        self.widest = cell_fit.NUMBER_TEMPLATE

    def build(self, nodes: tuple[Node, ...], edges: tuple[tuple[str, str], ...]) -> None:
        """Draw ``nodes`` joined by ``edges`` (empty: nothing), replacing what was drawn."""
        self.nodes = {node.key: node for node in nodes}
        self.edges = tuple(edges)
        self.texts, self.fills = {}, {}
        self.widest = cell_fit.NUMBER_TEMPLATE
        self.lay_out()

    def reserve(self, texts) -> None:
        """Make room for the widest of ``texts`` (every number of a sequence): the boxes
        keep their size while t steps through it, and grow only for a wider number."""
        metrics = QFontMetricsF(cell_fit.scaled(self.base, 1.0, bold=True))
        widest = max((self.widest, *texts), key=metrics.horizontalAdvance)
        if metrics.horizontalAdvance(widest) > metrics.horizontalAdvance(self.widest):
            self.widest = widest
            self.lay_out()

    def _numbers(self) -> tuple[str, ...]:
        """The numbers the boxes make room for: the reserved widest and those shown."""
        shown = (self.texts.get(key, "") for key, node in self.nodes.items() if node.shape != "op")
        return (self.widest, *shown)

    @property
    def floor(self) -> float:
        """The least text scale, of the plot font: its size at text size 1.0 (at a larger
        text size a short dock gets a smaller drawing rather than a scroll bar)."""
        points = self.base.pointSizeF()
        return min(1.0, style.normal_plot_pt() / points) if points > 0 else 1.0

    def minimum_size(self) -> QSize:
        """The size of the smallest drawing: short captions, text at ``floor``."""
        return self._least(self.floor)

    def readable_size(self) -> QSize:
        """The size of the smallest drawing with plot-font text (short captions)."""
        return self._least(1.0)

    def _least(self, scale: float) -> QSize:
        if not self.nodes:
            return QSize(0, 0)
        nodes = self.nodes.values()
        return cell_fit.least(nodes, self._numbers(), self.base, scale).size().toSize()

    def lay_out(self, available: QSizeF | None = None, base: QFont | None = None) -> None:
        """Draw again for a view of ``available`` pixels and text of ``base``'s size."""
        self.available = QSizeF(available) if available is not None else self.available
        self.base = QFont(base) if base is not None else self.base
        self.scene.clear()
        self.value_items.clear()
        self.boxes.clear()
        if not self.nodes:
            self.fit = None
            return
        nodes = tuple(self.nodes.values())
        self.fit = cell_fit.best(nodes, self._numbers(), self.base, self.available, self.floor)
        pen = QPen(LINE, max(1.5, 0.12 * self.fit.line))
        for start, end in self.edges:
            self._arrow(self.nodes[start], self.nodes[end], pen)
        for node in nodes:
            self._node(node)
        self._memory_frame()
        self.scene.setSceneRect(0, 0, *self.fit.size().toTuple())

    def _node(self, node: Node) -> None:
        fit = self.fit
        rect = fit.node_rect(node)
        if node.shape == "op":
            self.scene.addEllipse(rect, QPen(LINE, 2), QBrush(QColor("#455a64")))
            self._text(node.caption, fit.op_font, rect.center(), TEXT)
            return
        box = self.scene.addRect(rect, QPen(LINE, 2), QBrush(self.fills.get(node.key, VALUE_FILL)))
        tip = f"{' '.join(node.caption.split())}: the selected unit's value at the selected t"
        box.setToolTip(tip)
        self.boxes[node.key] = box
        self._caption(fit.caption(node), rect, tip)
        number = QFontMetricsF(fit.value_font).height()
        centre = QPointF(rect.center().x(), rect.bottom() - cell_fit.PAD * fit.line - number / 2)
        value = self._text(self.texts.get(node.key, ""), fit.value_font, centre, TEXT)
        value.setToolTip(tip)
        self.value_items[node.key] = value

    def _caption(self, caption: str, rect: QRectF, tip: str) -> None:
        """The caption's lines at the top of box ``rect``, each centred: left-aligned under a
        wider first line, "new memory / c'" put its "c'" at the box's edge, against the head
        of the arrow coming in."""
        fit = self.fit
        spacing = QFontMetricsF(fit.caption_font).lineSpacing()
        top = rect.top() + cell_fit.PAD * fit.line
        for k, line in enumerate(caption.split("\n")):
            item = self._text(line, fit.caption_font, rect.center(), CAPTION)
            item.setToolTip(tip)
            item.setPos(item.x(), top + k * spacing)

    def _memory_frame(self) -> None:
        """The dashed frame around c and c' that the lecture calls the memory cell."""
        if not all(key in self.nodes for key in MEMORY_FRAME):
            return
        fit = self.fit
        rects = [fit.node_rect(self.nodes[key]) for key in MEMORY_FRAME]
        pad = min(0.35 * min(fit.gap.width(), fit.gap.height()), 0.8 * fit.margin)
        frame = rects[0].united(rects[1]).adjusted(-pad, -pad, pad, pad)
        tip = "the memory cell: the old memory c and the new memory c'"
        self.scene.addRect(frame, QPen(MEMORY, 2.5, Qt.PenStyle.DashLine)).setToolTip(tip)
        label = self.scene.addSimpleText("memory" if fit.short else "memory cell", fit.caption_font)
        label.setBrush(QBrush(MEMORY))
        label.setToolTip(tip)
        cell = fit.cell(*MEMORY_LABEL_CELL)
        bounds = label.boundingRect()
        if fit.transposed and bounds.width() > fit.box.width() + pad:
            self.scene.removeItem(label)  # no room beside the frame: its tooltip says it
            return
        # above the frame's right end; transposed, in the free cell left of the frame
        x = (
            frame.left() - pad - bounds.width()
            if fit.transposed
            else frame.right() - bounds.width()
        )
        label.setPos(x, cell.center().y() - bounds.height() / 2)

    def _text(self, text, font, centre: QPointF, colour: QColor) -> QGraphicsSimpleTextItem:
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
        """An arrow between two boxes, a pen's width clear of both: its line and head never
        reach into a box, so they never touch its text."""
        p1, p2 = edge_points(self.fit.node_rect(start), self.fit.node_rect(end))
        direction = p2 - p1
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
        ux, uy = direction.x() / length, direction.y() / length
        clear = pen.widthF()
        p1 = QPointF(p1.x() + clear * ux, p1.y() + clear * uy)
        p2 = QPointF(p2.x() - clear * ux, p2.y() - clear * uy)
        path = QPainterPath(p1)
        path.lineTo(p2)
        shaft = QPen(pen)
        shaft.setCapStyle(Qt.PenCapStyle.FlatCap)
        self.scene.addPath(path, shaft)
        # the head fits the line between the least gaps (half a line, less the clearances)
        size = min(0.45 * self.fit.line, 0.8 * (length - 2 * clear))
        left = QPointF(p2.x() - size * ux + size * 0.5 * uy, p2.y() - size * uy - size * 0.5 * ux)
        right = QPointF(p2.x() - size * ux - size * 0.5 * uy, p2.y() - size * uy + size * 0.5 * ux)
        self.scene.addPolygon(QPolygonF([p2, left, right]), pen, QBrush(LINE))

    def set_value(self, key: str, text: str) -> None:
        """Show ``text`` in box ``key``; a number wider than the boxes lays them out again."""
        self.texts[key] = text
        item = self.value_items.get(key)
        if item is None:
            return
        item.setText(text)
        self._place(item)
        if item.boundingRect().width() > self.fit.box.width() - 2 * cell_fit.PAD * self.fit.line:
            self.lay_out()

    def colour_gates(self, numbers: dict) -> None:
        """Fill each gate from shut (grey) to open (green) by its value."""
        for key, node in self.nodes.items():
            value = numbers.get(key)
            if node.shape == "op":
                continue
            if node.shape != "gate" or not isinstance(value, float) or not np.isfinite(value):
                self.fills[key] = VALUE_FILL
            else:
                mix = float(np.clip(value, 0.0, 1.0))
                shut, open_ = GATE_SHUT.getRgb(), GATE_OPEN.getRgb()
                self.fills[key] = QColor(
                    *(int(shut[k] * (1 - mix) + open_[k] * mix) for k in range(3))
                )
            if key in self.boxes:
                self.boxes[key].setBrush(QBrush(self.fills[key]))


class FittedView(QGraphicsView):
    """The cell drawing, unscaled: it lays itself out again for the view's size and at the
    text size (the view's font, which follows it), its text never smaller than the plot
    font at text size 1.0. Scaled down as a whole to fit a dock at 1280x720, its captions
    were 7 px high."""

    def __init__(self, scene: QGraphicsScene, drawing: CellDrawing) -> None:
        super().__init__(scene)
        self.drawing = drawing
        style.follow_text_size(self)

    def fit(self) -> None:
        self.drawing.lay_out(QSizeF(self.viewport().size()), self.font())
        # at least the smallest drawing (text at the floor): where a dock has less, it scrolls
        self.setMinimumSize(self.drawing.minimum_size().grownBy(self._frame()))

    def _frame(self) -> QMargins:
        width = self.frameWidth()
        return QMargins(width, width, width, width)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.fit()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit()
