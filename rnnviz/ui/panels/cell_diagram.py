"""The lecture's single LSTM cell, drawn with the live numbers of the selected unit and step.

    cell input:   g(z)                 input gate:  f(z_i)      forget gate: f(z_f)
    memory:       c' = g(z) f(z_i) + c f(z_f)       (c: the memory before this step)
    output:       a  = h(c') f(z_o)                 f = sigmoid; g, h the cell activations

Step through the sequence with the buttons or the arrow keys (left/right: t, up/down: unit);
every panel follows. A GRU gets the analogous drawing (torch's formulation):

    r = f(z_r), u = f(z_u), n = tanh(z_n) (z_n sees r * h),  h' = (1 - u) n + u h

Models without gates get a note. ``values`` holds the text of every number shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui.export import Table
from rnnviz.ui.panels.base import Panel, RunContext
from rnnviz.ui.panels.heatmap import ChainSelector, display_token, is_text_task, plot_font

#: scene geometry (the view scales the whole drawing to fit the panel, text included)
BOX_W, BOX_H, OP_R = 212, 132, 28
# large: the view scales the whole figure down to fit a dock, and a class reads it from afar
CAPTION_PX, VALUE_PX, OP_PX = 28, 46, 34
LINE = QColor("#b0bec5")
TEXT = QColor("#eceff1")
CAPTION = QColor("#b0bec5")
MEMORY = QColor("#ffb74d")
VALUE_FILL, GATE_OPEN, GATE_SHUT = QColor("#263238"), QColor("#2e7d32"), QColor("#37474f")
ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "relu": lambda v: np.maximum(v, 0.0),
    "linear": lambda v: v,
}


def pixel_font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


def fmt(value: float) -> str:
    """A number as the lecture writes it: at most two decimals, no trailing zeros."""
    if not np.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:.3g}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


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
NO_GATES = (
    "{name} has no gates and no memory cell: h_t = f(W_x x_t + W_h h_(t-1) + b).\n\n"
    "Choose an LSTM to see the lecture's cell with its live numbers (a GRU works too)."
)


class CellDiagramPanel(Panel):
    title = "LSTM cell"
    key = "cell_diagram"
    area = "model"
    needs_full = True  # its numbers come from recorded steps only

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        #: the text of every number now shown, by node key (e.g. "c'", "a", "f(z_i)")
        self.values: dict[str, str] = {}
        #: the numbers behind them, and the (t, unit) they are of (export_tables)
        self.numbers: dict[str, float | str] = {}
        self._shown_at: tuple[int, int] = (0, 0)
        self.nodes: dict[str, Node] = {}
        self._value_items: dict[str, QGraphicsSimpleTextItem] = {}
        self._boxes: dict[str, object] = {}
        self.sample = None
        self.chain = "L0.fwd"
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._build_header())
        self.equations = QLabel("")
        self.equations.setTextFormat(Qt.TextFormat.RichText)
        self.equations.setWordWrap(True)
        self.equations.setFont(plot_font(1))
        layout.addWidget(self.equations)
        self.scene = QGraphicsScene(self)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setBackgroundBrush(QBrush(QColor("#121212")))
        self.view.setMinimumSize(240, 240)
        layout.addWidget(self.view, 1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setFont(plot_font(2))
        self.note.setVisible(False)
        layout.addWidget(self.note, 1)
        cursor.t_changed.connect(lambda _t: self._update())
        cursor.unit_changed.connect(self._unit_changed)
        cursor.chain_changed.connect(self._chain_changed)

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        self.prev_button = QPushButton("◀ t - 1")
        self.next_button = QPushButton("t + 1 ▶")
        self.where = QLabel("")
        self.where.setObjectName("panelSummary")
        self.unit_box = QSpinBox()
        self.unit_box.setPrefix("unit ")
        self.unit_box.setToolTip("The hidden unit shown (up / down arrow keys).")
        self.chain_box = ChainSelector(self.cursor)
        for button, step in ((self.prev_button, -1), (self.next_button, 1)):
            button.setToolTip("Step through the sequence (left / right arrow keys).")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, s=step: self.step_t(s))
        for widget in (self.prev_button, self.where, self.next_button, self.unit_box):
            widget.setFont(plot_font(1))
        self.chain_box.setFont(plot_font())
        self.unit_box.valueChanged.connect(self.cursor.set_unit)
        header.addWidget(self.prev_button)
        header.addWidget(self.where, 1)
        header.addWidget(self.next_button)
        header.addWidget(self.unit_box)
        header.addWidget(self.chain_box)
        header.addWidget(self.step_tag)
        return header

    # -- Panel hooks ---------------------------------------------------------------------------
    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.sample = None
        self.values = {}
        self.numbers = {}
        chains = tuple(context.chains)
        self.chain = self.cursor.chain if self.cursor.chain in chains else chains[0]
        self.chain_box.set_chains(chains, self.chain)
        self.unit_box.blockSignals(True)
        self.unit_box.setRange(0, context.spec.hidden_size - 1)
        self.unit_box.setValue(min(self.cursor.unit, context.spec.hidden_size - 1))
        self.unit_box.blockSignals(False)
        kind = context.spec.kind
        gated = kind in ("lstm", "gru")
        self.note.setVisible(not gated)
        self.view.setVisible(gated)
        self.equations.setVisible(gated)
        names = {"elman": "An Elman network", "jordan": "A Jordan network", "irnn": "An IRNN"}
        self.note.setText("" if gated else NO_GATES.format(name=names.get(kind, kind)))
        if kind == "lstm":
            self._build_scene(LSTM_NODES, LSTM_EDGES)
        elif kind == "gru":
            self._build_scene(GRU_NODES, GRU_EDGES)
        else:
            self._build_scene((), ())
        self.where.setText("")
        self.equations.setText("")

    def show_record(self, record: StepRecord, history: History) -> None:
        if record.sample is None or self.context is None:
            return
        self.sample = record.sample
        self._update()

    # -- the drawing ---------------------------------------------------------------------------
    def _build_scene(self, nodes: tuple[Node, ...], edges: tuple[tuple[str, str], ...]) -> None:
        self.scene.clear()
        self.nodes = {node.key: node for node in nodes}
        self._value_items.clear()
        self._boxes.clear()
        pen = QPen(LINE, 2.5)
        for start, end in edges:
            self._arrow(self.nodes[start], self.nodes[end], pen)
        caption_font, value_font, op_font = (
            pixel_font(CAPTION_PX),
            pixel_font(VALUE_PX, True),
            pixel_font(OP_PX),
        )
        for node in nodes:
            rect = self._rect(node)
            if node.shape == "op":
                self.scene.addEllipse(rect, QPen(LINE, 3), QBrush(QColor("#455a64")))
                self._centre_text(node.caption, op_font, rect.center(), TEXT)
                continue
            self._boxes[node.key] = self.scene.addRect(rect, QPen(LINE, 2), QBrush(VALUE_FILL))
            lines = node.caption.count("\n") + 1
            top = QPointF(rect.center().x(), rect.top() + 4 + lines * CAPTION_PX * 0.6)
            self._centre_text(node.caption, caption_font, top, CAPTION)
            centre = QPointF(rect.center().x(), rect.bottom() - 6 - VALUE_PX * 0.6)
            self._value_items[node.key] = self._centre_text("", value_font, centre, TEXT)
        if nodes:
            frame = self._memory_frame()
            if frame is not None:
                self.scene.addRect(frame, QPen(MEMORY, 3, Qt.PenStyle.DashLine))
                label = self.scene.addSimpleText("memory cell", pixel_font(CAPTION_PX))
                label.setBrush(QBrush(MEMORY))
                label.setPos(frame.right() + 8, frame.top())
            self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-10, -10, 10, 10))
        self._fit()

    def _memory_frame(self) -> QRectF | None:
        if "c'" in self.nodes and "c" in self.nodes:
            both = self._rect(self.nodes["c'"]).united(self._rect(self.nodes["c"]))
            return both.adjusted(-16, -16, 16, 16)
        return None

    @staticmethod
    def _rect(node: Node) -> QRectF:
        if node.shape == "op":
            return QRectF(node.x + BOX_W / 2 - OP_R, node.y + BOX_H / 2 - OP_R, 2 * OP_R, 2 * OP_R)
        return QRectF(node.x, node.y, BOX_W, BOX_H)

    @staticmethod
    def _centre(node: Node) -> QPointF:
        return QPointF(node.x + BOX_W / 2, node.y + BOX_H / 2)

    def _centre_text(self, text, font, centre: QPointF, colour: QColor) -> QGraphicsSimpleTextItem:
        item = self.scene.addSimpleText(text, font)
        item.setBrush(QBrush(colour))
        item.setData(0, centre)
        self._place(item)
        item.setZValue(5)
        return item

    @staticmethod
    def _place(item: QGraphicsSimpleTextItem) -> None:
        centre = item.data(0)
        bounds = item.boundingRect()
        item.setPos(centre.x() - bounds.width() / 2, centre.y() - bounds.height() / 2)

    def _arrow(self, start: Node, end: Node, pen: QPen) -> None:
        a, b = self._rect(start), self._rect(end)
        p1, p2 = self._edge_points(a, b)
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

    @staticmethod
    def _edge_points(a: QRectF, b: QRectF) -> tuple[QPointF, QPointF]:
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

    def _fit(self) -> None:
        if not self.scene.sceneRect().isEmpty():
            self.view.fitInView(self.scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._fit()

    # -- the numbers ---------------------------------------------------------------------------
    def selected(self) -> tuple[int, int]:
        trace = self.sample.trace[self.chain]
        steps, units = trace["h"].shape
        return min(self.cursor.t, steps - 1), min(self.cursor.unit, units - 1)

    def _update(self) -> None:
        if self.sample is None or self.context is None or not self.nodes:
            return
        trace = self.sample.trace.get(self.chain)
        if trace is None:
            return
        t, unit = self.selected()
        numbers = self._lstm_numbers(trace, t, unit) if "c'" in self.nodes else None
        if numbers is None:
            numbers = self._gru_numbers(trace, t, unit)
        self.values = {}
        self.numbers, self._shown_at = dict(numbers), (t, unit)
        for key, value in numbers.items():
            text = value if isinstance(value, str) else fmt(value)
            self.values[key] = text
            item = self._value_items.get(key)
            if item is not None:
                item.setText(text)
                self._place(item)
        self._colour_gates(numbers)
        steps = trace["h"].shape[0]
        tokens = self.sample.input_tokens
        token = ""
        if t < len(tokens):
            shown = display_token(tokens[t], 16) if is_text_task(self.context.task) else tokens[t]
            token = f"   input {shown}"
        self.where.setText(f"t = {t + 1} of {steps}   unit {unit}{token}")
        self.equations.setText(self._equations())
        self.prev_button.setEnabled(t > 0)
        self.next_button.setEnabled(t < steps - 1)

    def _previous(self, trace: dict, name: str, t: int, unit: int, initial: float) -> float:
        """The state before step t: t-1 in a forward chain, t+1 in a backward one."""
        back = self.chain.endswith(".bwd")
        k = t + 1 if back else t - 1
        if 0 <= k < trace[name].shape[0]:
            return float(trace[name][k, unit])
        return initial

    def _lstm_numbers(self, trace: dict, t: int, unit: int) -> dict:
        spec = self.context.spec
        c_new = float(trace["c"][t, unit])
        act_h = ACTIVATIONS.get(spec.cell_output_activation, np.tanh)
        numbers = {
            "z": float(trace["z"][t, unit]),
            "g(z)": float(trace["g"][t, unit]),
            "z_i": float(trace["z_i"][t, unit]),
            "f(z_i)": float(trace["i"][t, unit]),
            "z_o": float(trace["z_o"][t, unit]),
            "f(z_o)": float(trace["o"][t, unit]),
            "c": self._previous(trace, "c", t, unit, 0.0),
            "c'": c_new,
            "h(c')": float(act_h(c_new)),
            "a": float(trace["h"][t, unit]),
        }
        if "f" in trace:
            numbers["z_f"] = float(trace["z_f"][t, unit])
            numbers["f(z_f)"] = float(trace["f"][t, unit])
        else:  # the 1997 LSTM: the memory is kept whole
            numbers["z_f"] = "none"
            numbers["f(z_f)"] = "1 (no gate)"
        return numbers

    def _gru_numbers(self, trace: dict, t: int, unit: int) -> dict:
        h0 = self.context.spec.h0
        u = float(trace["u"][t, unit])
        return {
            "h": self._previous(trace, "h", t, unit, 0.0 if h0 is None else float(h0)),
            "z_r": float(trace["z_r"][t, unit]),
            "r": float(trace["r"][t, unit]),
            "z_n": float(trace["z_n"][t, unit]),
            "n": float(trace["n"][t, unit]),
            "z_u": float(trace["z_u"][t, unit]),
            "u": u,
            "1-u": 1.0 - u,
            "h'": float(trace["h"][t, unit]),
        }

    def _colour_gates(self, numbers: dict) -> None:
        for key, node in self.nodes.items():
            box = self._boxes.get(key)
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

    def _equations(self) -> str:
        v = self.values
        if "c'" in self.nodes:
            c_new, h_of_c, forget = v["c'"], v["h(c')"], v["f(z_f)"].split(" ")[0]
            peep = ""
            if self.context.spec.peephole:
                peep = "<br><i>peephole: the gates also see the memory (z_i, z_f: c; z_o: c')</i>"
            return (
                f"c' = g(z) f(z_i) + c f(z_f) = {v['g(z)']} · {v['f(z_i)']} + {v['c']} · "
                f"{forget} = <b>{c_new}</b><br>"
                f"a = h(c') f(z_o) = {h_of_c} · {v['f(z_o)']} = <b>{v['a']}</b>{peep}"
            )
        h_new = v["h'"]
        return (
            f"h' = (1 - u) n + u h = {v['1-u']} · {v['n']} + {v['u']} · {v['h']} = <b>{h_new}</b>"
        )

    def export_tables(self) -> dict[str, Table]:
        """``values``: every number in the drawing (z, f(z_i), c, c', a ...; GRU: r, u, n,
        h') at the selected t, unit and chain, with every digit."""
        if not self.numbers:
            return {}
        t, unit = self._shown_at
        rows = [[t + 1, unit, self.chain, key, value] for key, value in self.numbers.items()]
        return {"values": Table(["t", "unit", "chain", "quantity", "value"], rows, self.title)}

    # -- interaction ---------------------------------------------------------------------------
    def step_t(self, delta: int) -> None:
        if self.sample is None:
            return
        steps = self.sample.trace[self.chain]["h"].shape[0]
        self.cursor.set_t(max(0, min(steps - 1, self.selected()[0] + delta)))

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step_t(-1 if key == Qt.Key.Key_Left else 1)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.context is not None:
            unit = self.cursor.unit + (-1 if key == Qt.Key.Key_Up else 1)
            self.cursor.set_unit(max(0, min(self.context.spec.hidden_size - 1, unit)))
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.setFocus()
        super().mousePressEvent(event)

    def _unit_changed(self, unit: int) -> None:
        self.unit_box.blockSignals(True)
        self.unit_box.setValue(unit)
        self.unit_box.blockSignals(False)
        self._update()

    def _chain_changed(self, chain: str) -> None:
        if self.context is None or chain not in self.context.chains:
            return
        self.chain = chain
        self.chain_box.show_chain(chain)
        self._update()
