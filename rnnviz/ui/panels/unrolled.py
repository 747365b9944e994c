"""The unrolled graph: the model drawn over the displayed sequence, live.

Inputs x_t at the bottom, hidden states h_t (LSTM: and memory cells c_t, diamonds) per layer
and direction, outputs y_t at the top, joined by exactly the edges the model has (geometry in
``unrolled_layout``). Node colour: the activation of the selected unit, or the norm over units
(blue negative, white 0, red positive). Edge colour and width: the gradient flowing back
through the edge, ||dL/dh_t|| on a log scale, so vanishing gradients fade out towards the
start of the sequence. Click a column to select that time step (every panel follows).
"Animate step" replays the shown training step: the forward pass lights the nodes left to
right, then backpropagation through time lights the edges right to left by their gradient.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table
from rnnviz.ui.panels import unrolled_layout as geo
from rnnviz.ui.panels.base import Panel, RunContext

NODE_PEN = pg.mkPen("#8a8d99", width=1)
SELECTED_PEN = pg.mkPen("#ffffff", width=3)
LOSS_PEN = pg.mkPen("#ffd54f", width=2)  # outputs where the loss counts
SYMBOLS = {"x": "s", "h": "o", "c": "d", "y": "h"}
DIM_ALPHA = 40
COLOUR_STEP = 8  # node and arrow colours are rounded to this step per channel
FORWARD_EDGE = (170, 200, 230, 220)
DIM_EDGE = (80, 84, 96, 45)
EDGE_DTYPE = [
    ("red", np.ubyte),
    ("green", np.ubyte),
    ("blue", np.ubyte),
    ("alpha", np.ubyte),
    ("width", float),
]
MODES = (("selected unit", "unit"), ("norm over units", "norm"))


def _pen_array(rgba: np.ndarray, widths: np.ndarray) -> np.ndarray:
    pens = np.empty(len(rgba), dtype=EDGE_DTYPE)
    if len(rgba):
        pens["red"], pens["green"], pens["blue"], pens["alpha"] = rgba.T
        pens["width"] = widths
    return pens


def _token_text(token: str) -> str:
    return {" ": "\u2423", "\n": "\u21b5", "\t": "\u21e5"}.get(token, token)


def _hex(rgb) -> str:
    r, g, b = (int(v) for v in rgb[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


class UnrolledPanel(Panel):
    title = "Unrolled graph"
    key = "unrolled"
    area = "model"
    needs_full = True  # its numbers come from recorded steps only

    #: the "Animate step" replay ran to its end or was stopped
    animation_finished = Signal()

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        self.graph: geo.UnrolledLayout | None = None
        self.record: StepRecord | None = None
        self.node_rgba = np.zeros((0, 4), dtype=np.uint8)
        self.edge_u = np.zeros(0)
        self.animation_interval_ms: int | None = None  # None: ~3 s per replay
        self._frames: list[tuple[str, int]] = []
        self._frame = 0
        self._fwd_depth = np.zeros(0, dtype=int)
        self._bwd_depth = np.zeros(0, dtype=int)
        self._texts: list[pg.TextItem] = []
        self._brush_cache: dict[tuple, object] = {}  # (r, g, b, a) -> QBrush
        self._token_items: list[pg.TextItem] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        header = QHBoxLayout()
        self.summary = QLabel("no step yet")
        self.summary.setObjectName("panelSummary")
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.mode_box = QComboBox()
        for text, mode in MODES:
            self.mode_box.addItem(text, mode)
        self.mode_box.setToolTip(
            "Node colour: the selected unit's activation, or the norm over all units"
        )
        self.all_steps = QCheckBox("all steps")
        self.all_steps.setToolTip(
            f"Sequences longer than {geo.MAX_SHOWN_STEPS} steps show their first and last "
            f"steps around '\u2026'; tick to draw every step, up to {geo.ALL_STEPS_LIMIT} "
            "(scroll to zoom, drag to pan)."
        )
        self.animate_button = QPushButton("Animate step")
        self.animate_button.setToolTip(
            "Replay the shown training step: the forward pass left to right, then "
            "backpropagation through time right to left (edges lit by their gradient)."
        )
        header.addWidget(self.summary, 1)
        header.addWidget(QLabel("nodes:"))
        header.addWidget(self.mode_box)
        header.addWidget(self.all_steps)
        header.addWidget(self.animate_button)
        header.addWidget(self.step_tag)
        layout.addLayout(header)

        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(200)
        self.plot.setBackground(style.BACKGROUND)
        item = self.plot.getPlotItem()
        style.style_plot(item)
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setLabel("bottom", "time step t")
        item.getAxis("left").setStyle(tickLength=0)
        self.vb = item.getViewBox()
        self.vb.setMouseEnabled(x=True, y=False)
        layout.addWidget(self.plot, 1)

        self.legend = QLabel(self._legend_html())
        self.legend.setWordWrap(True)
        layout.addWidget(self.legend)

        self.band = pg.LinearRegionItem(
            values=(-0.5, 0.5),
            movable=False,
            brush=pg.mkBrush(255, 213, 79, 45),
            pen=pg.mkPen(255, 213, 79, 110),
        )
        self.band.setZValue(-10)
        self.band.setVisible(False)
        self.edges_item = pg.GraphItem()
        self.edges_item.scatter.setVisible(False)
        self.edges_item.setZValue(0)
        self.arrows_item = pg.ScatterPlotItem(pxMode=True, pen=None)
        self.arrows_item.setZValue(1)
        self.nodes_item = pg.ScatterPlotItem(pxMode=True)
        self.nodes_item.setZValue(2)
        for graphics in (self.band, self.edges_item, self.arrows_item, self.nodes_item):
            self.plot.addItem(graphics, ignoreBounds=graphics is self.band)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self._next_frame)

        self.mode_box.currentIndexChanged.connect(self._recolour_nodes)
        self.all_steps.toggled.connect(self._relayout)
        self.animate_button.clicked.connect(self._animate_clicked)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.vb.sigRangeChanged.connect(self._update_sizes)
        self.vb.sigResized.connect(self._update_sizes)
        self.cursor.t_changed.connect(self._show_selection)
        self.cursor.unit_changed.connect(self._recolour_nodes)
        self.cursor.chain_changed.connect(self._recolour_nodes)

    # -- Panel hooks ---------------------------------------------------------------------------
    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.stop_animation()
        self.record = None
        self.summary.setText("no step yet")
        self._build(int(context.task.seq_len))

    def show_record(self, record: StepRecord, history: History) -> None:
        if not record.full or record.sample is None:
            return  # scalar-only step: keep drawing the last full one
        T = int(np.shape(record.sample.x)[0])
        if self.graph is None or self.graph.T != T:
            self._build(T)
        self.record = record
        self.edge_u = geo.edge_strength(
            self.graph, record.dh_norm, record.dc_norm, record.sample.mask
        )
        self._update_tokens()
        self._update_summary()
        self._recolour_nodes()

    def export_tables(self) -> dict[str, Table]:
        """``nodes``: t, kind (x, h, c, y), chain and the value that colours each drawn
        node (the selected unit's, or the norm over units); ``edges``: t, kind, the nodes it
        joins, the gradient norm flowing back through it and its drawn strength (0..1)."""
        graph, record = self.graph, self.record
        if graph is None or record is None:
            return {}
        mode, unit = self._mode(), self.cursor.unit
        values = geo.node_raw_values(graph, record.sample, mode, unit)
        what = f"unit {unit}" if mode == "unit" else "norm over units"
        nodes = [
            [n.t + 1, n.kind, n.chain or "", float(v)]
            for n, v in zip(graph.nodes, values, strict=True)
        ]
        sample = record.sample
        gradients = geo.edge_gradients(graph, record.dh_norm, record.dc_norm, sample.mask)

        def name(i: int) -> str:
            node = graph.nodes[i]
            return f"{node.kind}{' ' + node.chain if node.chain else ''} t={node.t + 1}"

        edges = [
            [e.grad[2] + 1, e.kind, name(e.src), name(e.dst), float(g), float(u)]
            for e, g, u in zip(graph.edges, gradients, self.edge_u, strict=True)
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

    # -- building (once per reset or sequence length) ------------------------------------------
    def _build(self, T: int) -> None:
        self.stop_animation()
        spec = self.context.spec if self.context is not None else None
        kind = spec.kind if spec is not None else "elman"
        layers = spec.num_layers if spec is not None else 1
        bidirectional = bool(spec.bidirectional) if spec is not None else False
        max_steps = geo.ALL_STEPS_LIMIT if self.all_steps.isChecked() else geo.MAX_SHOWN_STEPS
        graph = geo.build_layout(kind, max(T, 1), layers, bidirectional, max_steps)
        self.graph = graph
        self._fwd_depth = geo.forward_depth(graph)
        self._bwd_depth = geo.backward_depth(graph)
        pos = graph.positions()
        self.node_rgba = np.full((len(graph.nodes), 4), 200, dtype=np.uint8)
        self.edge_u = np.zeros(len(graph.edges))
        self.nodes_item.setData(
            pos=pos,
            symbol=[SYMBOLS[n.kind] for n in graph.nodes],
            data=np.arange(len(graph.nodes)),
        )
        self.edges_item.setData(pos=pos, adj=graph.adjacency())
        self.edges_item.scatter.setVisible(False)
        self._arrow_edges, arrow_pos, arrow_symbols = self._arrows(graph, pos)
        self.arrows_item.setData(pos=arrow_pos, symbol=arrow_symbols)
        self._build_texts(graph)
        self._set_axes(graph)
        self._fit()
        self._apply_static()
        self._show_selection(self.cursor.t)

    @staticmethod
    def _arrows(graph: geo.UnrolledLayout, pos: np.ndarray):
        """Arrowheads at 60% along each horizontal recurrent edge (direction of the chain)."""
        indices, points, symbols = [], [], []
        for i, edge in enumerate(graph.edges):
            (x0, y0), (x1, y1) = pos[edge.src], pos[edge.dst]
            if edge.kind not in ("rec_h", "rec_c") or abs(y1 - y0) > 1e-9:
                continue
            indices.append(i)
            points.append((x0 + 0.6 * (x1 - x0), y0))
            symbols.append("t2" if x1 > x0 else "t3")
        return np.array(indices, dtype=int), np.array(points).reshape(-1, 2), symbols

    def _build_texts(self, graph: geo.UnrolledLayout) -> None:
        for text in self._texts + self._token_items:
            self.plot.removeItem(text)
        self._texts, self._token_items = [], []
        font = style.plot_font()
        if graph.gap_col is not None:
            for y, _ in graph.rows:
                text = pg.TextItem("\u2026", color="#d0d0d4", anchor=(0.5, 0.5))
                text.setFont(font)
                text.setPos(graph.gap_col, y)
                self.plot.addItem(text, ignoreBounds=True)
                self._texts.append(text)
        if self._show_tokens(graph):
            for col, t in enumerate(graph.times):
                if t is None:
                    continue
                text = pg.TextItem("", color="#ffe082", anchor=(0.5, 0.0))
                text.setFont(font)
                text.setPos(col, -0.3)
                self.plot.addItem(text, ignoreBounds=True)
                self._token_items.append(text)

    def _show_tokens(self, graph: geo.UnrolledLayout) -> bool:
        task = self.context.task if self.context is not None else None
        wordy = task is not None and getattr(task, "input_vocab", None) is not None
        return wordy or graph.n_cols <= 16

    def _set_axes(self, graph: geo.UnrolledLayout) -> None:
        stride = max(1, int(np.ceil(graph.n_cols / 20)))
        ticks = [
            (col, "\u2026" if t is None else str(t + 1))  # time steps read 1..T, as in the notes
            for col, t in enumerate(graph.times)
            if t is None or col % stride == 0 or col == graph.n_cols - 1
        ]
        self.plot.getAxis("bottom").setTicks([ticks])
        left = self.plot.getAxis("left")
        left.setTicks([[(y, label) for y, label in graph.rows]])
        # a fixed width that fits the longest row label (auto-expansion lags one paint behind)
        metrics = QFontMetrics(style.plot_font())
        left.setWidth(max(metrics.horizontalAdvance(label) for _, label in graph.rows) + 14)

    def _fit(self) -> None:
        graph = self.graph
        top = max(y for y, _ in graph.rows)
        bottom = -0.95 if self._token_items else -0.45
        self.vb.setLimits(xMin=-1.5, xMax=graph.n_cols + 0.5, yMin=bottom - 0.5, yMax=top + 1)
        self.vb.setRange(xRange=(-0.6, graph.n_cols - 0.4), yRange=(bottom, top + 0.45), padding=0)

    def _relayout(self) -> None:
        if self.graph is not None:
            self._build(self.graph.T)
            if self.record is not None:
                self.show_record(self.record, None)

    # -- drawing (per record / per cursor move / per animation frame) --------------------------
    def _mode(self) -> str:
        return self.mode_box.currentData() or "unit"

    def _recolour_nodes(self, *_) -> None:
        if self.graph is None or self.record is None:
            return
        self.node_rgba = geo.node_colours(
            self.graph, self.record.sample, self._mode(), self.cursor.unit
        )
        self._update_summary()
        if not self.timer.isActive():
            self._apply_static()

    def _apply_static(self) -> None:
        self._set_nodes(np.ones(len(self.node_rgba), dtype=bool))
        self._set_edges(geo.edge_rgba(self.edge_u), geo.edge_width(self.edge_u))

    def _set_nodes(self, lit: np.ndarray) -> None:
        rgba = self.node_rgba.copy()
        rgba[~lit, 3] = DIM_ALPHA
        self.nodes_item.setBrush(self._brushes(rgba))
        self.nodes_item.setPen(self._node_pens())

    def _node_pens(self) -> list:
        graph = self.graph
        col = graph.col_of(self.cursor.t) if graph is not None else None
        mask = self.record.sample.mask if self.record is not None else None
        pens = []
        for node in graph.nodes:
            if col is not None and node.col == col:
                pens.append(SELECTED_PEN)
            elif node.kind == "y" and mask is not None and node.t < len(mask) and mask[node.t]:
                pens.append(LOSS_PEN)
            else:
                pens.append(NODE_PEN)
        return pens

    def _set_edges(self, rgba: np.ndarray, widths: np.ndarray) -> None:
        self.edges_item.setPen(_pen_array(rgba, widths))
        if len(self._arrow_edges):
            self.arrows_item.setBrush(self._brushes(rgba[self._arrow_edges]))

    def _brushes(self, rgba: np.ndarray) -> list:
        """One brush per row of ``rgba``, its colour rounded to ``COLOUR_STEP``: a few dozen
        distinct brushes, whose symbols pyqtgraph renders once and then reuses (a new colour
        per node and frame had every symbol rendered anew, ~5 ms a frame)."""
        rgb = np.minimum(np.round(rgba[:, :3] / COLOUR_STEP) * COLOUR_STEP, 255).astype(int)
        brushes = []
        for key in zip(*rgb.T, rgba[:, 3].astype(int), strict=True):
            brush = self._brush_cache.get(key)
            if brush is None:
                brush = self._brush_cache[key] = pg.mkBrush(*key)
            brushes.append(brush)
        return brushes

    def _update_sizes(self, *_) -> None:
        if self.graph is None:
            return
        px, py = self.vb.viewPixelSize()
        if not (px > 0 and py > 0):
            return
        per_unit = min(1.0 / px, 1.0 / py)
        size = float(np.clip(0.55 * self.graph.node_scale * per_unit, 5, 44))
        self.nodes_item.setSize(size)
        self.arrows_item.setSize(max(5.0, 0.5 * size))

    def _update_tokens(self) -> None:
        if not self._token_items or self.record is None:
            return
        tokens = self.record.sample.input_tokens or []
        shown = [t for t in self.graph.times if t is not None]
        for item, t in zip(self._token_items, shown, strict=False):
            item.setText(_token_text(tokens[t]) if t < len(tokens) else "")

    def _update_summary(self) -> None:
        record = self.record
        if record is None or self.graph is None:
            return
        what = f"unit {self.cursor.unit}" if self._mode() == "unit" else "norm over units"
        # (the step is named by the step tag beside it)
        self.summary.setText(f"t = {self.cursor.t + 1}   nodes: {what}")
        self.legend.setText(self._legend_html(geo.gradient_max(record.dh_norm, record.dc_norm)))

    def _show_selection(self, t: int) -> None:
        graph = self.graph
        if graph is None:
            return
        col = graph.col_of(t)
        if col is None and graph.gap_col is not None and 0 <= t < graph.T:
            col = graph.gap_col
        self.band.setVisible(col is not None)
        if col is not None:
            self.band.setRegion((col - 0.5, col + 0.5))
        self.nodes_item.setPen(self._node_pens())
        self._update_summary()

    @staticmethod
    def _legend_html(g_max: float | None = None) -> str:
        stops = geo.DIVERGING_STOPS
        neg, zero, pos = (_hex(stops[i, 1:]) for i in (0, 2, 4))
        strong, weak = _hex(geo.EDGE_STOPS[-1, 1:]), _hex(geo.EDGE_STOPS[1, 1:])
        largest = "" if g_max is None else f" ({g_max:.2g})"
        return (
            f"nodes (x \u25a0, h \u25cf, c \u25c6, y \u2b22): "
            f"<span style='color:{neg}'>\u25cf negative</span> "
            f"<span style='color:{zero}'>\u25cf 0</span> "
            f"<span style='color:{pos}'>\u25cf positive</span> &nbsp; "
            f"edges: gradient flowing back, log scale: "
            f"<b style='color:{strong}'>\u2501 largest</b>{largest} "
            f"<span style='color:{weak}'>\u2501 fading</span> "
            f"(gone at 10<sup>-{int(geo.DECADES)}</sup> \u00d7 largest) &nbsp; "
            f"<span style='color:#ffd54f'>\u25ef</span> loss counted"
        )

    # -- interaction ---------------------------------------------------------------------------
    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.graph is None:
            return
        if not self.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = self.vb.mapSceneToView(event.scenePos())
        self.select_at(point.x(), point.y())

    def select_at(self, x: float, y: float) -> None:
        """Select the time step of the column at view position x (and the chain of an h / c
        node near (x, y))."""
        graph = self.graph
        col = int(round(x))
        if not 0 <= col < graph.n_cols or graph.times[col] is None:
            return
        near = [
            n
            for n in graph.nodes
            if n.chain is not None and abs(n.x - x) < 0.2 and abs(n.y - y) < 0.2
        ]
        if near:
            self.cursor.set_chain(near[0].chain)
        self.cursor.set_t(graph.times[col])

    # -- animation -----------------------------------------------------------------------------
    @property
    def animating(self) -> bool:
        return self.timer.isActive()

    def _animate_clicked(self) -> None:
        if self.animating:
            self.stop_animation()
        else:
            self.start_animation()

    def start_animation(self) -> bool:
        """Replay the shown step; False when there is no full record to replay."""
        if self.graph is None or self.record is None:
            return False
        self.timer.stop()
        forward = [("fwd", k) for k in range(int(self._fwd_depth.max(initial=0)) + 1)]
        backward = [("bwd", k) for k in range(int(self._bwd_depth.max(initial=0)) + 1)]
        self._frames = forward + backward + [("hold", 0)]
        self._frame = 0
        interval = self.animation_interval_ms
        if interval is None:
            interval = int(np.clip(3000 / len(self._frames), 30, 300))
        self.animate_button.setText("Stop")
        self._next_frame()
        self.timer.start(interval)
        return True

    def stop_animation(self) -> None:
        """Stop a replay (if any), show the record normally and emit animation_finished."""
        if not self.timer.isActive():
            return
        self.timer.stop()
        self._frames = []
        self.animate_button.setText("Animate step")
        if self.graph is not None:
            self._apply_static()
        self.animation_finished.emit()

    def _next_frame(self) -> None:
        if self._frame >= len(self._frames):
            self.stop_animation()
            return
        phase, k = self._frames[self._frame]
        self._frame += 1
        src = np.array([e.src for e in self.graph.edges], dtype=int)
        dst = np.array([e.dst for e in self.graph.edges], dtype=int)
        if phase == "fwd":
            lit = self._fwd_depth <= k
            self._set_nodes(lit)
            edge_lit = lit[dst] & lit[src] if len(dst) else np.zeros(0, dtype=bool)
            rgba = np.where(edge_lit[:, None], FORWARD_EDGE, DIM_EDGE).astype(np.uint8)
            self._set_edges(rgba.reshape(-1, 4), np.where(edge_lit, 2.0, 0.6))
            self.summary.setText(f"forward pass {self._frames_done('fwd')}")
        elif phase == "bwd":
            self._set_nodes(np.ones(len(self.graph.nodes), dtype=bool))
            edge_lit = self._bwd_depth[dst] <= k if len(dst) else np.zeros(0, dtype=bool)
            rgba = geo.edge_rgba(self.edge_u)
            rgba[~edge_lit] = DIM_EDGE
            widths = np.where(edge_lit, geo.edge_width(self.edge_u), 0.6)
            self._set_edges(rgba, widths)
            self.summary.setText(f"backpropagation through time: {self._frames_done('bwd')}")
        else:
            self._apply_static()
            self._update_summary()

    def _frames_done(self, phase: str) -> str:
        total = sum(1 for p, _ in self._frames if p == phase)
        done = sum(1 for p, _ in self._frames[: self._frame] if p == phase)
        return f"{done}/{total}"

    # -- lifetime ------------------------------------------------------------------------------
    def hideEvent(self, event) -> None:
        self.stop_animation()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:
        self.stop_animation()
        super().closeEvent(event)


__all__ = ["UnrolledPanel"]
