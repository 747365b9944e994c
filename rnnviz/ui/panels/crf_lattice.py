"""The CRF tag lattice of the displayed sample (BiLSTM-CRF), following the cursor.

Left, top: words t across, tags down, coloured by the CRF's marginals p(y_t = k | x)
(forward-backward, ``rnnviz.engine.crf``), the Viterbi path drawn through them. Left, below:
the per-step softmax of the same emissions -- what the tagger says without the CRF -- with its
argmax path, the moves that break the tag scheme (an I- tag after O) marked with red crosses.
Right: the learned transition matrix A (row: previous tag, column: next tag) as a labelled
heatmap, the moves the scheme forbids greyed out. Shown for CRF models (in compare mode, the
run that has the CRF).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table, grid_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.crf_view import CRFView, crf_view, paths_html, step_summary
from rnnviz.ui.panels.heatmap_labels import (
    CURSOR_COLOUR,
    label_css,
    plot_font,
    plot_font_pt,
    style_plot,
)
from rnnviz.ui.panels.index_axis import IndexAxis

ILLEGAL_COLOUR = "#ef5350"
ARGMAX_COLOUR = "#ffb74d"
HOW_TO_READ = (
    "How to read it: top left, the CRF's tag marginals p(y_t = k | x) for each word (each "
    "column sums to 1) with the Viterbi path, the best whole tag sequence, in white. Below, "
    "the per-step softmax of the same scores, the tags a softmax layer would choose one word "
    "at a time (orange); a red cross marks a move the BIO scheme forbids (an I- tag not after "
    "the B- or I- tag of its slot). Right: the learned transition scores A[previous, next]."
)


class _Plots(pg.GraphicsLayoutWidget):
    MIN_HEIGHT = 220

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(self.MIN_HEIGHT)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().sizeHint().width(), self.MIN_HEIGHT)


class CRFLatticePanel(Panel):
    title = "CRF lattice"
    key = "crf_lattice"
    area = "model"
    needs_full = True  # its numbers come from the recorded sample

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout, self.summary = panel_frame(self)
        self.summary.setObjectName("")
        style.follow_text_size(self.summary, -1)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setToolTip(HOW_TO_READ)
        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(self.step_tag, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        self.note = QLabel(
            "The CRF lattice applies to models with a CRF output layer (model setting "
            "“CRF output layer”).\n\nOpen the preset slot_filling_crf to see it."
        )
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.follow_text_size(self.note, 2)
        layout.addWidget(self.note, 1)
        self.graphics = _Plots()  # the two lattices
        self.matrix = _Plots()  # the transitions
        plots = QHBoxLayout()
        plots.addWidget(self.graphics, 3)
        plots.addWidget(self.matrix, 2)
        layout.addLayout(plots, 4)
        self.paths = QLabel("")
        self.paths.setTextFormat(Qt.TextFormat.RichText)
        self.paths.setWordWrap(True)
        style.follow_text_size(self.paths, -1)
        layout.addWidget(self.paths)
        self.view: CRFView | None = None
        self.run_label = ""  # "" the main run, else the compare run's label
        self._main = self._compare = None
        self._compare_label = ""
        self._build_plots()
        self.graphics.scene().sigMouseClicked.connect(self._clicked)
        cursor.t_changed.connect(self._t_moved)
        self._show_applies(False)

    # -- building ------------------------------------------------------------------------------
    def _build_plots(self) -> None:
        self.lattice_plot = self._heat_plot(self.graphics, 0, 0)
        self.lattice_image = pg.ImageItem(axisOrder="col-major")  # [n, K]: x = word, y = tag
        self.lattice_plot.addItem(self.lattice_image)
        self.viterbi = pg.PlotDataItem(
            pen=pg.mkPen("#ffffff", width=3), symbol="o", symbolSize=8, symbolBrush="#ffffff"
        )
        self.lattice_plot.addItem(self.viterbi)
        self.argmax_plot = self._heat_plot(self.graphics, 1, 0)
        self.argmax_image = pg.ImageItem(axisOrder="col-major")
        self.argmax_plot.addItem(self.argmax_image)
        bar = pg.ColorBarItem(
            values=(0, 1), colorMap=pg.colormap.get("viridis"), interactive=False, width=10
        )
        bar.setImageItem([self.lattice_image, self.argmax_image])
        bar.axis.setStyle(tickFont=plot_font(-2))
        self.graphics.addItem(bar, row=0, col=1, rowspan=2)
        self.argmax = pg.PlotDataItem(
            pen=pg.mkPen(ARGMAX_COLOUR, width=2, style=Qt.PenStyle.DashLine),
            symbol="s",
            symbolSize=7,
            symbolBrush=ARGMAX_COLOUR,
        )
        self.illegal_marks = pg.ScatterPlotItem(
            symbol="x", size=18, pen=pg.mkPen(ILLEGAL_COLOUR, width=2), brush=ILLEGAL_COLOUR
        )
        self.argmax_plot.addItem(self.argmax)
        self.argmax_plot.addItem(self.illegal_marks)
        self.argmax_plot.setLabel("bottom", "word", **label_css())
        self.argmax_plot.setXLink(self.lattice_plot)
        self.lines = []
        for plot in (self.lattice_plot, self.argmax_plot):
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen(CURSOR_COLOUR, width=2))
            plot.addItem(line, ignoreBounds=True)
            self.lines.append(line)
        self.trans_plot = self._heat_plot(self.matrix, 0, 0)
        self.trans_plot.setTitle("A[prev ↓, next →]", size=f"{max(6, plot_font_pt() - 1)}pt")
        self.trans_image = pg.ImageItem(axisOrder="col-major")
        self.trans_image.setColorMap(pg.colormap.get("CET-D1"))
        self.trans_plot.addItem(self.trans_image)
        self.trans_cells: list = []
        self.lattice_plot.setTitle(
            "CRF marginals · Viterbi", size=f"{max(6, plot_font_pt() - 1)}pt"
        )
        self.argmax_plot.setTitle("softmax · argmax", size=f"{max(6, plot_font_pt() - 1)}pt")

    def _heat_plot(self, widget, row: int, col: int) -> pg.PlotItem:
        plot = widget.addPlot(
            row=row,
            col=col,
            axisItems={"bottom": IndexAxis("bottom"), "left": IndexAxis("left")},
            enableMenu=False,  # no view menu: never shown here, slow to make
        )
        style_plot(plot)
        for name in ("left", "bottom"):
            plot.getAxis(name).setStyle(tickFont=plot_font(-2))
        plot.getAxis("left").setWidth(int(plot_font_pt() * 4.5))
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.vb.invertY(True)  # the first tag on top
        return plot

    # -- Panel hooks ---------------------------------------------------------------------------
    @classmethod
    def applies(cls, context: RunContext) -> bool:
        second = context.compare_spec
        return bool(context.spec.crf or (second is not None and second.crf))

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.view = None
        self._main = self._compare = None
        self.summary.setText("")
        self.paths.setText("")
        self._show_applies(False)

    def show_record(self, record: StepRecord, history: History) -> None:
        if record.sample is not None:
            self._main = record.sample
            self._redraw()

    def show_compare(self, label: str, record: StepRecord | None, history: History | None) -> None:
        self._compare_label = label
        self._compare = record.sample if record is not None else None
        if record is None or record.sample is not None:
            self._redraw()

    def export_tables(self) -> dict[str, Table]:
        """``marginals`` and ``softmax`` (a row per word, a column per tag), ``transitions``
        (a row per previous tag)."""
        view = self.view
        if view is None:
            return {}
        words = {"t": list(range(1, view.steps + 1)), "word": view.words}
        return {
            "marginals": grid_table(words, view.tags, view.marginals, "CRF marginals"),
            "softmax": grid_table(words, view.tags, view.softmax, "per-step softmax"),
            "transitions": grid_table(
                {"previous": view.tags}, view.tags, view.transitions, "learned transitions"
            ),
        }

    # -- drawing -------------------------------------------------------------------------------
    def _redraw(self) -> None:
        """Draw the main run's sample when it has a CRF, else the compare run's."""
        tags = getattr(self.context.task, "output_labels", None) if self.context else None
        if not tags:
            return
        sample, label = self._main, ""
        if sample is None or not sample.crf:
            sample, label = self._compare, self._compare_label
        view = crf_view(tags, sample) if sample is not None else None
        self._show_applies(view is not None)
        if view is None:
            return
        self.view, self.run_label = view, label
        self._draw()

    def _show_applies(self, applies: bool) -> None:
        self.note.setVisible(not applies)
        self.graphics.setVisible(applies)
        self.matrix.setVisible(applies)
        self.paths.setVisible(applies)

    def _draw(self) -> None:
        view = self.view
        n, K = view.steps, len(view.tags)
        for plot in (self.lattice_plot, self.argmax_plot):
            plot.getAxis("bottom").set_labels(view.words)
            plot.getAxis("left").set_labels(view.tags)
            plot.vb.setLimits(xMin=0, xMax=n, yMin=0, yMax=K)
            plot.vb.setRange(xRange=(0, n), yRange=(0, K), padding=0)
        self.lattice_plot.getAxis("bottom").setStyle(showValues=False)
        widest = max(QFontMetrics(plot_font(-2)).horizontalAdvance(tag) for tag in view.tags)
        for plot in (self.lattice_plot, self.argmax_plot, self.trans_plot):
            plot.getAxis("left").setWidth(widest + 14)  # every tag name fits beside its row
        self.lattice_image.setImage(np.ascontiguousarray(view.marginals), levels=(0.0, 1.0))
        self.argmax_image.setImage(np.ascontiguousarray(view.softmax), levels=(0.0, 1.0))
        centres = np.arange(n) + 0.5
        self.viterbi.setData(centres, view.viterbi + 0.5)
        self.argmax.setData(centres, view.argmax + 0.5)
        bad = np.asarray(view.illegal, dtype=np.int64)
        self.illegal_marks.setData(bad + 0.5, view.argmax[bad] + 0.5)
        self._draw_transitions()
        self._draw_cursor()

    def _draw_transitions(self) -> None:
        view, K = self.view, len(self.view.tags)
        allowed = view.allowed > 0
        shown = np.where(allowed, view.transitions, np.nan)
        top = float(np.nanmax(np.abs(shown))) if allowed.any() else 1.0
        top = max(top, 1e-3)
        self.trans_image.setImage(np.ascontiguousarray(np.nan_to_num(shown).T), levels=(-top, top))
        for item in self.trans_cells:
            self.trans_plot.removeItem(item)
        self.trans_cells = []
        # the scores as numbers only where a cell is wide enough for one (colour says the rest)
        numbers = self.trans_plot.vb.width() / K > QFontMetrics(plot_font(-2)).horizontalAdvance(
            "-0.0 "
        )
        for i in range(K):
            for j in range(K):
                if allowed[i, j] and not numbers:
                    continue
                if allowed[i, j]:
                    cell = pg.TextItem(
                        f"{view.transitions[i, j]:.1f}", color="#111", anchor=(0.5, 0.5)
                    )
                    cell.setFont(plot_font(-2))
                else:  # forbidden: grey, crossed
                    box = QGraphicsRectItem(QRectF(j, i, 1, 1))
                    box.setBrush(QBrush(QColor("#455a64")))
                    box.setPen(pg.mkPen(None))
                    self.trans_plot.addItem(box)
                    self.trans_cells.append(box)
                    cell = pg.TextItem("✗", color="#cfd8dc", anchor=(0.5, 0.5))
                    cell.setFont(plot_font(-2))
                cell.setPos(j + 0.5, i + 0.5)
                self.trans_plot.addItem(cell)
                self.trans_cells.append(cell)
        for name in ("left", "bottom"):
            self.trans_plot.getAxis(name).set_labels(view.tags)
        self.trans_plot.vb.setLimits(xMin=0, xMax=K, yMin=0, yMax=K)
        self.trans_plot.vb.setRange(xRange=(0, K), yRange=(0, K), padding=0)

    def _draw_cursor(self) -> None:
        view = self.view
        t = min(self.cursor.t, view.steps - 1)
        for line in self.lines:
            line.setPos(t + 0.5)
        prefix = f"[{self.run_label}] " if self.run_label else ""
        self.summary.setText(prefix + step_summary(view, t))
        self.paths.setText(paths_html(view, t))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if self.view is not None:  # numbers in the matrix cells only where they fit
            self._draw_transitions()

    def _t_moved(self, _t: int) -> None:
        if self.view is not None:
            self._draw_cursor()

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.view is None:
            return
        pos = event.scenePos()
        for plot in (self.lattice_plot, self.argmax_plot):
            if plot.vb.sceneBoundingRect().contains(pos):
                t = int(math.floor(plot.vb.mapSceneToView(pos).x()))
                if 0 <= t < self.view.steps:
                    self.cursor.set_t(t)
                return
