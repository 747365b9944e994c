"""The CTC lattice (Graves et al. 2006) of the displayed sample, following the cursor.

Top: frames t on x, the 2U + 1 states of the extended label sequence (φ, l_1, φ, ..., l_U, φ)
on y (blank rows labelled φ), coloured by the posterior γ_t(s) = α_t(s) β_t(s) / p(l | x)
(``rnnviz.engine.ctc``), with the most likely single alignment drawn as a path. Middle: the
network's output distribution y_t(k) per frame (the blank's row outlined). Bottom: the
decoding "merge repeats, drop blanks" step by step, the selected frame marked. Over training
the posterior narrows from a broad band of possible alignments to one path, and the blank
takes every frame where no label is being emitted.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table, grid_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.ctc_view import BLANK_COLOUR, CTCView, collapse_html, ctc_view, frame_summary
from rnnviz.ui.panels.heatmap_labels import (
    CURSOR_COLOUR,
    label_css,
    plot_font,
    plot_font_pt,
    style_plot,
)
from rnnviz.ui.panels.heatmap_stack import IndexAxis
from rnnviz.ui.panels.row_axis import RowAxis

HOW_TO_READ = (
    "How to read it: each row of the lattice is a state of the extended label sequence "
    "(φ, l1, φ, l2, ..., φ); a path from the top-left states to the bottom-right ones that "
    "moves down by at most one state per frame (two, skipping a blank between different "
    "labels) is one alignment, and the loss sums the probability of all of them. The colour "
    "is the posterior γ_t(s) = α_t(s) β_t(s) / p(l|x): the share of that probability passing "
    "through state s at frame t (each column sums to 1). The white path is the single most "
    "likely alignment. Below, the network's output distribution per frame (blank row "
    "outlined), and the best-path decoding: argmax per frame, merge repeats, drop blanks."
)


class _Plots(pg.GraphicsLayoutWidget):
    """The two heatmaps; they ask for no more than their minimum height, so the dock's scroll
    area scrolls only when the panel is smaller than that, and they grow with the dock. The
    minimum is the height at which every row has a label (``need_rows``), at least 200 px
    and at most 480 (a sequence of a hundred labels thins its labels instead)."""

    MIN_HEIGHT, MAX_MIN_HEIGHT = 200, 480

    def __init__(self) -> None:
        super().__init__()
        self.least = self.MIN_HEIGHT
        self.setMinimumHeight(self.least)

    def need_rows(self, states: int, classes: int, row_line: int, line: int) -> None:
        """Room in each plot for its rows at half a label line each (labels on both sides)
        and for the axes under it (the outputs': the frames' ticks and their title): the two
        rows of the layout get those minimums, the view their sum. It only grows within a
        run (``forget_rows`` starts again): a sample of fewer labels would otherwise make the
        layout jump at every step."""
        layout = self.ci.layout
        first = math.ceil(states * row_line / 2) + 12
        second = math.ceil(classes * row_line / 2) + 2 * line + 16
        need = first + second + layout.rowSpacing(0) + 12
        least = min(max(self.least, need), self.MAX_MIN_HEIGHT)
        share = min(1.0, least / need)  # < 1 where capped: the labels thin there
        layout.setRowMinimumHeight(0, first * share)
        layout.setRowMinimumHeight(1, second * share)
        if least == self.least:
            return
        self.least = least
        self.setMinimumHeight(least)
        self.updateGeometry()

    def forget_rows(self) -> None:
        self.ci.layout.setRowMinimumHeight(0, 0)
        self.ci.layout.setRowMinimumHeight(1, 0)
        self.least = self.MIN_HEIGHT
        self.setMinimumHeight(self.least)
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().sizeHint().width(), self.least)


class CTCLatticePanel(Panel):
    title = "CTC lattice"
    key = "ctc_lattice"
    area = "model"
    needs_full = True  # its numbers come from the recorded sample

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout, self.summary = panel_frame(self)
        self.summary.setObjectName("")  # one line about the frame: plain, to leave room
        style.follow_text_size(self.summary, -1)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setToolTip(HOW_TO_READ)
        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(self.step_tag, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        self.note = QLabel(
            "The CTC lattice applies to CTC tasks (output shorter than the input, with a "
            "blank symbol φ).\n\nOpen the preset ctc_speech or ctc_repeats to see it."
        )
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.follow_text_size(self.note, 2)
        layout.addWidget(self.note, 1)
        self.graphics = _Plots()
        layout.addWidget(self.graphics, 4)
        self.collapse = QLabel("")
        self.collapse.setTextFormat(Qt.TextFormat.RichText)
        self.collapse.setWordWrap(True)
        style.follow_text_size(self.collapse)
        self.collapse.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.collapse)
        self.view: CTCView | None = None
        self._sample = None  # the record's sample the view was made from
        self._build_plots()
        self.graphics.scene().sigMouseClicked.connect(self._clicked)
        cursor.t_changed.connect(self._t_moved)
        self._show_applies(False)

    # -- building ------------------------------------------------------------------------------
    def _build_plots(self) -> None:
        self.lattice_plot = self._heat_plot(0, keep_odd=True)
        self.lattice_image, self.lattice_bar = self._image(
            self.lattice_plot, 0, "viridis", "γ<sub>t</sub>(s)"
        )
        self.path = pg.PlotDataItem(
            pen=pg.mkPen("#ffffff", width=2), symbol="o", symbolSize=6, symbolBrush="#ffffff"
        )
        self.lattice_plot.addItem(self.path)
        self.outputs_plot = self._heat_plot(1, keep_odd=False)
        self.outputs_image, self.outputs_bar = self._image(
            self.outputs_plot, 1, "inferno", "y<sub>t</sub>(k)"
        )
        self.blank_box = QGraphicsRectItem(QRectF(0, 0, 1, 1))
        pen = QPen(QColor(BLANK_COLOUR), 2)
        pen.setCosmetic(True)
        self.blank_box.setPen(pen)
        self.blank_box.setZValue(5)
        self.outputs_plot.addItem(self.blank_box, ignoreBounds=True)
        self.outputs_plot.setLabel("bottom", "frame t", **label_css())
        self.lines = []
        for plot in (self.lattice_plot, self.outputs_plot):
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen(CURSOR_COLOUR, width=2))
            plot.addItem(line, ignoreBounds=True)
            self.lines.append(line)
        self.outputs_plot.setXLink(self.lattice_plot)
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        self._style_axes()

    def _heat_plot(self, row: int, keep_odd: bool) -> pg.PlotItem:
        """A heatmap with frames on x and a row per state or class, named by its ticks (an
        axis title would not fit beside eleven rows in a small dock): on the left, or the
        even rows left and the odd rows right when a label is taller than a row."""
        plot = self.graphics.addPlot(
            row=row,
            col=0,
            axisItems={
                "bottom": IndexAxis("bottom"),
                "left": RowAxis("left", keep_odd),
                "right": RowAxis("right", keep_odd),
            },
            enableMenu=False,  # no view menu: never shown here, slow to make
        )
        plot.showAxis("right")
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.vb.invertY(True)  # the first state / class on top
        return plot

    def _image(self, plot: pg.PlotItem, row: int, colour_map: str, label: str):
        image = pg.ImageItem(axisOrder="col-major")  # [T, rows]: x = t, y = row
        plot.addItem(image)
        bar = pg.ColorBarItem(
            values=(0, 1),
            colorMap=pg.colormap.get(colour_map),
            interactive=False,
            width=16,
            label=label,
        )
        bar.setImageItem(image)
        self.graphics.addItem(bar, row=row, col=1)
        return image, bar

    def _style_axes(self) -> None:
        """Fonts and room for the current text size (a change of it restyles every plot with
        the full plot font): the rows' labels a size smaller, as wide as the widest label;
        the colour bars' ticks a size smaller, and a line of space between the two bars, whose
        end labels ("0" of the lattice's, "1.0" of the outputs') ran into each other."""
        row_font = plot_font(-2)
        for plot, labels in (
            (self.lattice_plot, self.view.state_names if self.view else ["φ"]),
            (self.outputs_plot, self.view.class_names if self.view else ["φ"]),
        ):
            style_plot(plot)
            widest = max(QFontMetrics(row_font).horizontalAdvance(name) for name in labels)
            for side in ("left", "right"):
                axis = plot.getAxis(side)
                axis.setStyle(tickFont=row_font)
                axis.setWidth(widest + axis.style["tickLength"] + plot_font_pt())
        bar_font = plot_font(-1)
        for bar in (self.lattice_bar, self.outputs_bar):
            bar.axis.setStyle(tickFont=bar_font)
            bar.getAxis("left").label.setFont(bar_font)
            bar.axis.setWidth(QFontMetrics(bar_font).horizontalAdvance("0.0") + plot_font_pt())
        spacing = QFontMetrics(bar_font).height()
        self.graphics.ci.layout.setRowSpacing(0, spacing)
        if self.view is not None:  # the same height for a row in both plots
            states, classes = len(self.view.state_names), len(self.view.class_names)
            self.graphics.ci.layout.setRowStretchFactor(0, states)
            self.graphics.ci.layout.setRowStretchFactor(1, classes)
            row_line = QFontMetrics(row_font).height() + 2  # IndexAxis' room for a label
            line = QFontMetrics(plot_font()).height()
            self.graphics.need_rows(states, classes, row_line, line)

    # -- Panel hooks ---------------------------------------------------------------------------
    @classmethod
    def applies(cls, context: RunContext) -> bool:
        return bool(getattr(context.task, "loss_kind", "") == "ctc")

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.view = None
        self.graphics.forget_rows()  # a new run, its own labels (a text-size change too)
        self._style_axes()
        self.summary.setText("")
        self.collapse.setText("")
        self._show_applies(getattr(context.task, "loss_kind", "") == "ctc")

    def show_record(self, record: StepRecord, history: History) -> None:
        if record.sample is None or self.context is None:
            return
        if getattr(self.context.task, "loss_kind", "") != "ctc":
            return
        if self.view is not None and record.sample is self._sample:
            return  # drawn already (the lattice and the beam search take a few ms)
        self._sample = record.sample
        self.view = ctc_view(self.context.task.output_labels, record.sample)
        self._draw()

    def export_tables(self) -> dict[str, Table]:
        """``posterior`` (a row per frame, a column per lattice state), ``outputs`` (per
        frame, per class) and ``alignment`` (the most likely path's state per frame)."""
        view = self.view
        if view is None:
            return {}
        frames = {"t": list(range(1, view.steps + 1))}
        states = [f"s{s} {name}" for s, name in enumerate(view.state_names)]
        tables = {
            "posterior": grid_table(frames, states, view.lattice.posterior, "posterior γ_t(s)"),
            "outputs": grid_table(frames, view.class_names, view.probs, "output y_t(k)"),
        }
        if view.lattice.alignment.size:
            path = view.lattice.alignment
            tables["alignment"] = columns_table(
                {**frames, "state": path.tolist(), "label": [view.state_names[s] for s in path]},
                "most likely alignment",
            )
        return tables

    # -- drawing -------------------------------------------------------------------------------
    def _show_applies(self, applies: bool) -> None:
        self.note.setVisible(not applies)
        self.graphics.setVisible(applies)
        self.collapse.setVisible(applies)

    def _draw(self) -> None:
        view = self.view
        T, S, K = view.steps, len(view.state_names), len(view.class_names)
        frame_labels = [str(t + 1) for t in range(T)]
        for plot, rows, labels in (
            (self.lattice_plot, S, view.state_names),
            (self.outputs_plot, K, view.class_names),
        ):
            plot.getAxis("bottom").set_labels(frame_labels)
            plot.getAxis("left").set_labels(labels)
            plot.getAxis("right").set_labels(labels)
            plot.vb.setLimits(xMin=0, xMax=T, yMin=0, yMax=rows)
            plot.vb.setRange(xRange=(0, T), yRange=(0, rows), padding=0)
        self.lattice_plot.getAxis("bottom").setStyle(showValues=False)
        self._style_axes()
        self.lattice_image.setImage(np.ascontiguousarray(view.lattice.posterior), autoLevels=False)
        self.outputs_image.setImage(np.ascontiguousarray(view.probs), autoLevels=False)
        self.lattice_bar.setLevels(low=0.0, high=1.0)
        self.outputs_bar.setLevels(low=0.0, high=1.0)
        self.blank_box.setRect(QRectF(0, 0, T, 1))
        path = view.lattice.alignment
        self.path.setData(np.arange(path.size) + 0.5, path + 0.5)
        self._draw_cursor()

    def _draw_cursor(self) -> None:
        view = self.view
        t = min(self.cursor.t, view.steps - 1)
        for line in self.lines:
            line.setPos(t + 0.5)
        self.summary.setText(frame_summary(view, t))
        self.collapse.setText(collapse_html(view, t))

    def _t_moved(self, _t: int) -> None:
        if self.view is not None:
            self._draw_cursor()

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.view is None:
            return
        pos = event.scenePos()
        for plot in (self.lattice_plot, self.outputs_plot):
            if plot.vb.sceneBoundingRect().contains(pos):
                t = int(math.floor(plot.vb.mapSceneToView(pos).x()))
                if 0 <= t < self.view.steps:
                    self.cursor.set_t(t)
                return
