"""The CTC lattice panel's two heatmaps and their colour bars (``ctc_lattice.py``).

Top: the lattice, frames t across and the 2U + 1 states of the extended label sequence down,
coloured by the posterior γ_t(s), the most likely alignment drawn as a path. Below: the
network's output distribution y_t(k) per frame, the blank's row outlined and a dot on each
frame's most likely class (the argmax the best-path decoding merges). The frames' tick
labels stand between the two plots, where they name both (the outputs' column is the
lattice's) and keep the two colour bars' end labels ("0" above, "1.0" below) apart, a
space that was an empty line before; the "frame t" title under the outputs shows only when
the view has a line to spare (docked at 1280x720 with text 1.5 it has not).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QFontMetrics, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from rnnviz.ui.panels.ctc_view import BLANK_COLOUR, CTCView
from rnnviz.ui.panels.heatmap_labels import (
    CURSOR_COLOUR,
    label_css,
    plot_font,
    plot_font_pt,
    style_plot,
)
from rnnviz.ui.panels.index_axis import IndexAxis
from rnnviz.ui.panels.row_axis import RowAxis

FRAME_TITLE = "frame t"
ROW_FONT, BAR_FONT = -2, -1  # points from the plot font: the rows' labels, the bars' ticks


class CTCPlots(pg.GraphicsLayoutWidget):
    """The lattice over the outputs, a colour bar beside each. The view asks for no more
    height than it needs for a label on every row (``need_rows``) and the frames' ticks:
    the panel gives it what its texts leave, and it grows with the dock."""

    def __init__(self) -> None:
        super().__init__()
        self.least = 0  # the height the rows need; only grows within a run
        self._title_shown: bool | None = None
        self._outputs_rows = 0  # the outputs' heatmap's least height (``need_rows``)
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
        self.argmax = pg.ScatterPlotItem(size=6, pen=None, brush="#ffffff")  # per frame
        self.argmax.setZValue(6)
        self.outputs_plot.addItem(self.argmax)
        self.outputs_plot.getAxis("bottom").setStyle(showValues=False)
        self.lines = []
        for plot in (self.lattice_plot, self.outputs_plot):
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen(CURSOR_COLOUR, width=2))
            plot.addItem(line, ignoreBounds=True)
            self.lines.append(line)
        self.outputs_plot.setXLink(self.lattice_plot)
        self.ci.layout.setRowSpacing(0, 0)  # the frames' ticks are the gap
        self.ci.layout.setContentsMargins(2, 2, 2, 2)  # pyqtgraph's 10 px: rows' room
        self._show_frame_title(False)
        self.style(None)

    def _heat_plot(self, row: int, keep_odd: bool) -> pg.PlotItem:
        """A heatmap with frames on x and a row per state or class, named by its ticks (an
        axis title would not fit beside eleven rows in a small dock): on the left, or the
        even rows left and the odd rows right when a label is taller than a row."""
        plot = self.addPlot(
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
        # three ticks: the outputs' bar is six label rows high, where pyqtgraph's six ticks
        # (0, 0.2, ... 1.0) ran into each other
        bar.axis.setTicks([[(0.0, "0"), (0.5, "0.5"), (1.0, "1")]])
        self.addItem(bar, row=row, col=1)
        return image, bar

    # -- fonts and room ------------------------------------------------------------------------
    def style(self, view: CTCView | None) -> None:
        """Fonts and room for the current text size (a change of it restyles every plot with
        the full plot font): the rows' labels a size smaller, as wide as the widest label;
        the colour bars' ticks a size smaller, each bar as tall as its heatmap."""
        row_font = plot_font(ROW_FONT)
        for plot, labels in (
            (self.lattice_plot, view.state_names if view else ["φ"]),
            (self.outputs_plot, view.class_names if view else ["φ"]),
        ):
            style_plot(plot)
            widest = max(QFontMetrics(row_font).horizontalAdvance(name) for name in labels)
            for side in ("left", "right"):
                axis = plot.getAxis(side)
                axis.setStyle(tickFont=row_font)
                axis.setWidth(widest + axis.style["tickLength"] + plot_font_pt())
        frames = self.lattice_plot.getAxis("bottom")
        frames.setStyle(tickFont=plot_font(ROW_FONT))  # a row's size: 3 px more for rows
        frames.setHeight(self._tick_row())
        if self._title_shown:  # its font
            self.outputs_plot.setLabel("bottom", FRAME_TITLE, **label_css())
        bar_font = plot_font(BAR_FONT)
        for bar in (self.lattice_bar, self.outputs_bar):
            bar.axis.setStyle(tickFont=bar_font)
            bar.getAxis("left").label.setFont(bar_font)
            bar.axis.setWidth(QFontMetrics(bar_font).horizontalAdvance("0.0") + plot_font_pt())
        if view is not None:  # the same height for a row in both plots
            states, classes = len(view.state_names), len(view.class_names)
            self.ci.layout.setRowStretchFactor(0, states)
            self.ci.layout.setRowStretchFactor(1, classes)
            self.need_rows(states, classes)
        self._align_bars()

    def _tick_row(self) -> int:
        """The frames' tick labels' height (pyqtgraph's text offset and a margin)."""
        return QFontMetrics(plot_font(ROW_FONT)).height() + 4

    def need_rows(self, states: int, classes: int) -> None:
        """Room in each plot for its rows at half a label line each (labels on both sides)
        and, in the lattice's, for the frames' ticks under it: the two rows of the layout get
        those minimums, the view their sum. It only grows within a run (``forget_rows``
        starts again): a sample of fewer labels would otherwise make the layout jump at
        every step."""
        row_line = QFontMetrics(plot_font(ROW_FONT)).height()  # RowAxis' room for a label
        first = math.ceil(states * row_line / 2) + self._tick_row() + 2
        second = math.ceil(classes * row_line / 2) + 2
        _left, top, _right, bottom = self.ci.layout.getContentsMargins()
        need = first + second + math.ceil(top + bottom) + 2
        self.ci.layout.setRowMinimumHeight(0, first)
        self._outputs_rows = second
        self._outputs_minimum()
        if need > self.least:
            self.least = need
            self.setMinimumHeight(need)
            self.updateGeometry()

    def forget_rows(self) -> None:
        self.ci.layout.setRowMinimumHeight(0, 0)
        self._outputs_rows = 0
        self._outputs_minimum()
        self.least = 0
        self.setMinimumHeight(0)
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().sizeHint().width(), self.least)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if not hasattr(self, "outputs_bar"):
            return  # pyqtgraph's own resize while it is being made
        line = QFontMetrics(plot_font()).height()
        self._show_frame_title(self.least > 0 and self.height() >= self.least + line + 4)
        self._align_bars()

    def _show_frame_title(self, shown: bool) -> None:
        if shown == self._title_shown:
            return  # unchanged: a resize must not restyle the axis
        self._title_shown = shown
        axis = self.outputs_plot.getAxis("bottom")
        if shown:
            axis.setHeight(None)  # as tall as its title
            self.outputs_plot.setLabel("bottom", FRAME_TITLE, **label_css())
        else:
            axis.showLabel(False)
            axis.setHeight(2)
        self._outputs_minimum()

    def _outputs_minimum(self) -> None:
        """The outputs' row of the layout: its heatmap's rows, and the frame title under it
        where shown (the title took its height from the rows: in a 640-px dock at 1280x720,
        text 1.5, the outputs' rows lost their labels)."""
        title = QFontMetrics(plot_font()).height() + 4 if self._title_shown else 0
        self.ci.layout.setRowMinimumHeight(1, self._outputs_rows + title)

    def _align_bars(self) -> None:
        """Each colour bar as tall as its heatmap: its frame's top and bottom edges as high
        as the plot's (the bar would span the frames' ticks too, and its end label run into
        the other bar's)."""
        for plot, bar in (
            (self.lattice_plot, self.lattice_bar),
            (self.outputs_plot, self.outputs_bar),
        ):
            for side in ("top", "bottom"):
                axis = plot.getAxis(side)
                height = axis.height() if axis.isVisible() else 0
                bar.getAxis(side).setHeight(max(1, height))

    # -- drawing -------------------------------------------------------------------------------
    def draw(self, view: CTCView) -> None:
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
        self.style(view)
        self.lattice_image.setImage(np.ascontiguousarray(view.lattice.posterior), autoLevels=False)
        self.outputs_image.setImage(np.ascontiguousarray(view.probs), autoLevels=False)
        self.lattice_bar.setLevels(low=0.0, high=1.0)
        self.outputs_bar.setLevels(low=0.0, high=1.0)
        self.blank_box.setRect(QRectF(0, 0, T, 1))
        path = view.lattice.alignment
        self.path.setData(np.arange(path.size) + 0.5, path + 0.5)
        self.argmax.setData(np.arange(T) + 0.5, view.frames + 0.5)

    def show_frame(self, t: int) -> None:
        for line in self.lines:
            line.setPos(t + 0.5)

    def frame_at(self, scene_pos) -> int | None:
        """The frame under a click in either heatmap (None: outside them)."""
        for plot in (self.lattice_plot, self.outputs_plot):
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                return int(math.floor(plot.vb.mapSceneToView(scene_pos).x()))
        return None
