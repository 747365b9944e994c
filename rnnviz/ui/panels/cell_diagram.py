"""The lecture's single LSTM cell, drawn with the live numbers of the selected unit and step.

    cell input:   g(z)                 input gate:  f(z_i)      forget gate: f(z_f)
    memory:       c' = g(z) f(z_i) + c f(z_f)       (c: the memory before this step)
    output:       a  = h(c') f(z_o)                 f = sigmoid; g, h the cell activations

Step through the sequence with the buttons or the arrow keys (left/right: t, up/down: unit);
every panel follows. A GRU gets the analogous drawing (torch's formulation):

    r = f(z_r), u = f(z_u), n = tanh(z_n) (z_n sees r * h),  h' = (1 - u) n + u h

The Clockwork RNN and the SCRN get their own cells (cell_other.py); other models without gates
get a note. ``values`` holds the text of every number shown. The grid of boxes and arrows
is cell_geometry.py's, their drawing cell_drawing.py's, the numbers and equations cell_numbers.py's.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import QGraphicsScene, QLabel, QVBoxLayout

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.engine.tasks._common import rounded as fmt
from rnnviz.ui import style
from rnnviz.ui.export import Table
from rnnviz.ui.panels.base import Panel, RunContext
from rnnviz.ui.panels.cell_drawing import CellDrawing, FittedView
from rnnviz.ui.panels.cell_fold import EquationsFold
from rnnviz.ui.panels.cell_geometry import GRU_EDGES, GRU_NODES, LSTM_EDGES, LSTM_NODES
from rnnviz.ui.panels.cell_header import build_header
from rnnviz.ui.panels.cell_numbers import NO_GATES, equations, gru_numbers, lstm_numbers
from rnnviz.ui.panels.cell_other import OTHER_CELLS
from rnnviz.ui.panels.gates import NTM_FEEDFORWARD
from rnnviz.ui.panels.heatmap_labels import display_token, is_text_task
from rnnviz.ui.panels.steady_label import SteadyLabel

#: the cell's name in the dock title, by ``ModelSpec.cell_kind``
CELL_NAMES = {
    "lstm": "LSTM",
    "gru": "GRU",
    "elman": "Elman",
    "jordan": "Jordan",
    "irnn": "IRNN",
    "clockwork": "Clockwork RNN",
    "scrn": "SCRN",
    "ntm_feedforward": "NTM controller",
}


class CellDiagramPanel(Panel):
    title = "LSTM cell"
    key = "cell_diagram"
    area = "model"
    needs_full = True  # its numbers come from recorded steps only
    scalar_steps_change_nothing = True  # (show_record ignores a record without a sample)

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        #: the text of every number now shown, by node key (e.g. "c'", "a", "f(z_i)")
        self.values: dict[str, str] = {}
        #: the numbers behind them, and the (t, unit) they are of (export_tables)
        self.numbers: dict[str, float | str] = {}
        self._shown_at: tuple[int, int] = (0, 0)
        # the sample, and its chain and unit, the boxes and equations are sized for
        self._reserved_sample, self._reserved_for = None, ("", 0)
        self.sample = None
        self.chain = "L0.fwd"
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.equations = SteadyLabel()
        style.follow_text_size(self.equations, 1)
        # the equations folded away where the dock is too short for them and the drawing
        self.fold = EquationsFold(self, self.equations, self._height_with_equations)
        self.header = build_header(self, self.fold.button)
        layout.addLayout(self.header)
        layout.addWidget(self.equations)
        self.scene = QGraphicsScene(self)
        self.drawing = CellDrawing(self.scene)
        self.view = FittedView(self.scene, self.drawing)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setBackgroundBrush(QBrush(QColor("#121212")))
        layout.addWidget(self.view, 1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.follow_text_size(self.note, 2)
        self.note.setVisible(False)
        layout.addWidget(self.note, 1)
        cursor.t_changed.connect(lambda _t: self._update())
        cursor.unit_changed.connect(self._unit_changed)
        cursor.chain_changed.connect(self._chain_changed)

    @classmethod
    def title_for(cls, context: RunContext) -> str:
        """Named after the cell drawn: "GRU cell" for a GRU (an NTM's controller is drawn as
        its own cell), "Elman cell" where there is no gate to draw."""
        return f"{CELL_NAMES.get(context.spec.cell_kind, 'Recurrent')} cell"

    # -- Panel hooks ---------------------------------------------------------------------------
    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.sample = None
        self.values = {}
        self.numbers = {}
        self._reserved_sample = None
        self.equations.release()
        self.where.setMinimumWidth(0)
        chains = tuple(context.chains)
        self.chain = self.cursor.chain if self.cursor.chain in chains else chains[0]
        self.chain_box.set_chains(chains, self.chain)
        self.unit_box.blockSignals(True)
        self.unit_box.setRange(0, context.spec.hidden_size - 1)
        self.unit_box.setValue(min(self.cursor.unit, context.spec.hidden_size - 1))
        self.unit_box.blockSignals(False)
        kind = context.spec.cell_kind  # an NTM's LSTM controller is drawn as an LSTM
        gated = kind in ("lstm", "gru", *OTHER_CELLS)
        self.note.setVisible(not gated)
        for widget in (self.prev_button, self.next_button, self.unit_box):
            widget.setEnabled(gated)  # nothing to step through on the note
        self.view.setVisible(gated)
        self.fold.set_active(gated)
        names = {"elman": "An Elman network", "jordan": "A Jordan network", "irnn": "An IRNN"}
        self.note.setText("" if gated else NO_GATES.format(name=names.get(kind, kind)))
        if kind == "ntm_feedforward":
            self.note.setText(NTM_FEEDFORWARD)
        if kind == "lstm":
            self._build_scene(LSTM_NODES, LSTM_EDGES)
        elif kind == "gru":
            self._build_scene(GRU_NODES, GRU_EDGES)
        elif kind in OTHER_CELLS:
            self._build_scene(*OTHER_CELLS[kind][:2])
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
    @property
    def nodes(self) -> dict:
        return self.drawing.nodes

    @property
    def _value_items(self) -> dict:
        return self.drawing.value_items

    def _build_scene(self, nodes, edges) -> None:
        self.drawing.build(nodes, edges)
        self.view.fit()

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
        kind = self.context.spec.kind
        other = OTHER_CELLS.get(kind)
        maker = lstm_numbers if "c'" in self.nodes else gru_numbers
        maker = other[2] if other else maker
        backward = self.chain.endswith(".bwd")
        self._reserve_room(trace, unit, maker, backward)
        numbers = maker(trace, t, unit, self.context.spec, backward)
        self.numbers, self._shown_at = dict(numbers), (t, unit)
        self.values = _texts(numbers)
        for key, text in self.values.items():
            self.drawing.set_value(key, text)
        self.drawing.colour_gates(numbers)
        steps = trace["h"].shape[0]
        self.where.setText(self._where(t, steps))  # the unit: in its box
        self.equations.setText(self._equations(self.values))
        self.fold.set_equations(self.equations.text())
        self.prev_button.setEnabled(t > 0)
        self.next_button.setEnabled(t < steps - 1)

    def _where(self, t: int, steps: int) -> str:
        tokens = self.sample.input_tokens
        if t >= len(tokens):
            return f"t = {t + 1} of {steps}"
        shown = display_token(tokens[t], 16) if is_text_task(self.context.task) else tokens[t]
        return f"t = {t + 1} of {steps}   input {shown}"

    def _equations(self, values: dict[str, str]) -> str:
        other = OTHER_CELLS.get(self.context.spec.kind)
        if other:
            return other[3](values, self.context.spec)
        return equations(values, "c'" in self.nodes, bool(self.context.spec.peephole))

    def _reserve_room(self, trace: dict, unit: int, maker, backward: bool) -> None:
        """Size the boxes for the widest number at any t of the shown sequence, and the
        equations for their tallest, once per sample, unit and chain: stepping t then
        moves nothing ("16.42" at t = 4 widened every box and spread the grid anew; an
        equation wrapping onto one more line pushed the drawing down). Within a run they
        only grow, so a new training step moves the drawing only for a wider number."""
        if self._reserved_sample is self.sample and self._reserved_for == (self.chain, unit):
            return
        self._reserved_sample, self._reserved_for = self.sample, (self.chain, unit)
        steps = trace["h"].shape[0]
        spec = self.context.spec
        every_t = [_texts(maker(trace, t, unit, spec, backward)) for t in range(steps)]
        self.drawing.reserve({text for values in every_t for text in values.values()})
        self.equations.hold_for([self._equations(values) for values in every_t])
        self.fold.refit()  # new heights of the equations and the drawing
        metrics = self.where.fontMetrics()
        widest = max(metrics.horizontalAdvance(self._where(t, steps)) for t in range(steps))
        # plus what the label adds to its text (its style's padding): the widest t's label
        # was laid out 3 px wider than the others and moved the buttons to the next row
        padding = self.where.sizeHint().width() - metrics.horizontalAdvance(self.where.text())
        self.where.setMinimumWidth(max(widest + max(padding, 0), self.where.minimumWidth()))

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

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.fold.watch()  # the equations folded in a short dock

    def _height_with_equations(self, width: int) -> int:
        """The panel's least height at ``width`` with the equations shown and the drawing's
        text at the plot font's size (``EquationsFold``)."""
        layout = self.layout()
        margins = layout.contentsMargins()
        inner = width - margins.left() - margins.right()
        drawing = self.drawing.readable_size().height() + 2 * self.view.frameWidth()
        parts = (self.header.heightForWidth(inner), self.equations.height_at(inner), drawing)
        return margins.top() + margins.bottom() + sum(parts) + 2 * layout.spacing()

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


def _texts(numbers: dict) -> dict[str, str]:
    """Each number as the drawing shows it (texts such as "none" as they are)."""
    return {key: value if isinstance(value, str) else fmt(value) for key, value in numbers.items()}
