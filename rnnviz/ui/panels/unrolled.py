"""The unrolled graph: the model drawn over the displayed sequence, live.

Inputs x_t at the bottom, hidden states h_t (LSTM: and memory cells c_t, diamonds) per layer
and direction, outputs y_t at the top, joined by exactly the edges the model has (geometry in
``unrolled_layout``). Node colour: the activation of the selected unit, or the norm over units
(blue negative, white 0, red positive). Edge colour and width: the gradient flowing back
through the edge, ||dL/dh_t|| on a log scale, so vanishing gradients fade out towards the
start of the sequence. Click a column to select that time step (every panel follows).
"Animate step" replays the shown training step: the forward pass lights the nodes left to
right, then backpropagation through time lights the edges right to left by their gradient
(unrolled_animation.py). The look is unrolled_style.py's, the texts (tokens, summary, legend)
unrolled_labels.py's, the exported numbers unrolled_report.py's.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
)

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table
from rnnviz.ui.panels import unrolled_colours as colours
from rnnviz.ui.panels import unrolled_layout as geo
from rnnviz.ui.panels.base import Panel, RunContext, real_steps
from rnnviz.ui.panels.unrolled_animation import BpttAnimation
from rnnviz.ui.panels.unrolled_fit import UnrolledFit, node_gaps, set_row_ticks
from rnnviz.ui.panels.unrolled_header import UnrolledHeader
from rnnviz.ui.panels.unrolled_labels import UnrolledLabels
from rnnviz.ui.panels.unrolled_modules import layout_for
from rnnviz.ui.panels.unrolled_report import unrolled_tables
from rnnviz.ui.panels.unrolled_style import (
    DIM_ALPHA,
    DIM_EDGE,
    SYMBOLS,
    BrushCache,
    arrow_marks,
    legend_html,
    node_pens,
    pen_array,
    set_axes,
)


class UnrolledPanel(BpttAnimation, UnrolledFit, UnrolledLabels, Panel):
    title = "Unrolled graph"
    key = "unrolled"
    area = "model"
    needs_full = True  # its numbers come from recorded steps only
    scalar_steps_change_nothing = True  # show_record returns on them

    #: the "Animate step" replay ran to its end or was stopped
    animation_finished = Signal()

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        self.graph: geo.UnrolledLayout | None = None
        self._padded = np.zeros(0, dtype=bool)  # nodes at a padded step (drawn faint)
        self.record: StepRecord | None = None
        self.node_rgba = np.zeros((0, 4), dtype=np.uint8)
        self.edge_u = np.zeros(0)
        self._edge_faint = np.zeros(0, dtype=bool)  # edges touching a padded step
        self._g_max, self._decades = 0.0, colours.DECADES  # the edge scale (edge_strength)
        self._width_cap = colours.EDGE_MAX_WIDTH  # pixels, from the column spacing
        self.animation_interval_ms: int | None = None  # None: ~3 s per replay
        self._frames: list[tuple[str, int]] = []
        self._frame = 0
        self._fwd_depth = np.zeros(0, dtype=int)
        self._bwd_depth = np.zeros(0, dtype=int)
        self._texts: list[pg.TextItem] = []
        self._legend_texts = (legend_html(), legend_html(compact=True))
        self._brush_cache = BrushCache()
        self._token_items: list[pg.TextItem] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        header = UnrolledHeader(self.step_tag)
        self.summary, self.mode_box = header.summary, header.mode_box
        self.all_steps, self.animate_button = header.all_steps, header.animate_button
        self.show_controls = header.show_controls
        layout.addLayout(header)

        # ReadableAxis drops a tick label that would overlap one already placed ("16 19.31 34")
        self.plot = pg.PlotWidget(axisItems=style.axis_items(), enableMenu=False)
        # 140, not 200: at 1280x720, text size 1.5 the header wraps to three rows and the
        # panel needed 400 px in a 362-pixel dock (a scroll bar; issue 16). The plot takes
        # all the height there is beyond its minimum.
        self.plot.setMinimumHeight(140)
        self.plot.setBackground(style.BACKGROUND)
        item = self.plot.getPlotItem()
        style.style_plot(item)
        item.hideButtons()
        item.setLabel("bottom", "time step t")
        item.getAxis("left").setStyle(tickLength=0)
        self.vb = item.getViewBox()
        self.vb.setMouseEnabled(x=True, y=False)
        layout.addWidget(self.plot, 1)

        self.legend = QLabel(legend_html())
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
        self.vb.sigResized.connect(self._refit_y)
        self.vb.sigResized.connect(self._refit_x)
        self.cursor.t_changed.connect(self._show_selection)
        self.cursor.unit_changed.connect(self._recolour_nodes)
        self.cursor.chain_changed.connect(self._recolour_nodes)

    # -- Panel hooks ---------------------------------------------------------------------------
    @classmethod
    def applies(cls, context: RunContext) -> bool:
        """Not for an encoder-decoder: its own panel draws it unrolled (seq2seq_graph.py);
        here it was an empty tab saying so, which pushed the others behind scroll arrows."""
        return not context.spec.seq2seq

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.stop_animation()
        self.record = None
        self.summary.setText("no step yet")
        self._build(int(context.task.seq_len))
        self._set_legend(None)
        # (opened from the View menu on an encoder-decoder: its own panel draws it)
        self.plot.setVisible(not context.spec.seq2seq)
        self.show_controls(not context.spec.seq2seq)  # they would act on nothing there
        if context.spec.seq2seq:
            self.summary.setText("an encoder-decoder: see the Encoder-decoder panel")

    def show_record(self, record: StepRecord, history: History) -> None:
        seq2seq = self.context is not None and self.context.spec.seq2seq
        if not record.full or record.sample is None or seq2seq:
            return  # scalar-only step: keep drawing the last full one
        T = int(np.shape(record.sample.x)[0])
        if self.graph is None or self.graph.T != T:
            self._build(T)
        self.record = record
        real = real_steps(record.sample, self.context.task) if self.context else None
        # a padded sentence's steps after its last word are drawn faint: not part of it
        self._padded = np.array([real is not None and n.t >= real for n in self.graph.nodes])
        # ... and so are the edges into or out of those steps (the backward chain's ran bright)
        self._edge_faint = np.array(
            [self._padded[e.src] or self._padded[e.dst] for e in self.graph.edges], dtype=bool
        )
        self.edge_u, self._g_max, self._decades = colours.edge_strength(
            self.graph, record.dh_norm, record.dc_norm, record.sample.mask, faint=self._edge_faint
        )
        self._measure_columns()
        self._update_tokens()
        self._update_summary()
        self._recolour_nodes()

    def export_tables(self) -> dict[str, Table]:
        """``nodes``: t, kind (x, h, c, y), chain and the value that colours each drawn
        node (the selected unit's, or the norm over units); ``edges``: t, kind, the nodes it
        joins, the gradient norm flowing back through it and its drawn strength (0..1)."""
        if self.graph is None or self.record is None:
            return {}
        return unrolled_tables(self.graph, self.record, self._mode(), self.cursor.unit, self.edge_u)

    # -- building (once per reset or sequence length) ------------------------------------------
    def _build(self, T: int) -> None:
        self.stop_animation()
        spec = self.context.spec if self.context is not None else None
        kind = spec.kind if spec is not None else "elman"
        layers = spec.num_layers if spec is not None else 1
        bidirectional = bool(spec.bidirectional) if spec is not None else False
        max_steps = geo.ALL_STEPS_LIMIT if self.all_steps.isChecked() else geo.MAX_SHOWN_STEPS
        graph = layout_for(spec, kind, max(T, 1), layers, bidirectional, max_steps)
        self.graph = graph
        self._padded = np.zeros(len(graph.nodes), dtype=bool)
        self._edge_faint = np.zeros(len(graph.edges), dtype=bool)
        self._fwd_depth = colours.forward_depth(graph)
        self._bwd_depth = colours.backward_depth(graph)
        self._gaps = node_gaps(graph)
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
        self._arrow_edges, arrow_pos, arrow_symbols = arrow_marks(graph, pos)
        self.arrows_item.setData(pos=arrow_pos, symbol=arrow_symbols)
        self._build_texts(graph)
        self._set_axes(graph)
        self._fit()
        self._apply_static()
        self._show_selection(self.cursor.t)

    def _set_axes(self, graph: geo.UnrolledLayout) -> None:
        set_axes(self.plot, graph)
        set_row_ticks(self.plot, graph, graph.rows)

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
        self.node_rgba = colours.node_colours(
            self.graph, self.record.sample, self._mode(), self.cursor.unit
        )
        self._update_summary()
        if not self.timer.isActive():
            self._apply_static()

    def _apply_static(self) -> None:
        self._set_nodes(np.ones(len(self.node_rgba), dtype=bool))
        self._set_edges(colours.edge_rgba(self.edge_u), self._edge_widths())

    def _edge_widths(self) -> np.ndarray:
        """Pen widths of the edges by their strength, at most ``_width_cap`` pixels."""
        return colours.edge_width(self.edge_u, self._width_cap)

    def _set_nodes(self, lit: np.ndarray) -> None:
        rgba = self.node_rgba.copy()
        rgba[~lit, 3] = DIM_ALPHA
        if len(self._padded) == len(rgba):
            rgba[self._padded, 3] = DIM_ALPHA
        self.nodes_item.setBrush(self._brushes(rgba))
        self.nodes_item.setPen(self._node_pens())

    def _node_pens(self) -> list:
        graph = self.graph
        col = graph.col_of(self.cursor.t) if graph is not None else None
        mask = self.record.sample.mask if self.record is not None else None
        return node_pens(graph, col, mask)

    def _set_edges(self, rgba: np.ndarray, widths: np.ndarray) -> None:
        """Draw the edges; those touching a padded step faint and thin whatever the phase."""
        if len(self._edge_faint) == len(rgba) and self._edge_faint.any():
            rgba, widths = rgba.copy(), np.array(widths, dtype=float)
            rgba[self._edge_faint] = DIM_EDGE
            widths[self._edge_faint] = colours.EDGE_MIN_WIDTH
        self.edges_item.setPen(pen_array(rgba, widths))
        if len(self._arrow_edges):
            self.arrows_item.setBrush(self._brushes(rgba[self._arrow_edges]))

    def _brushes(self, rgba: np.ndarray) -> list:
        return self._brush_cache.brushes(rgba)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_legend()

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
            self._refit_x()  # a window of the steps follows the cursor
        self.nodes_item.setPen(self._node_pens())
        self._update_summary()

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

    # -- lifetime ------------------------------------------------------------------------------
    def hideEvent(self, event) -> None:
        self.stop_animation()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:
        self.stop_animation()
        super().closeEvent(event)


__all__ = ["UnrolledPanel"]
