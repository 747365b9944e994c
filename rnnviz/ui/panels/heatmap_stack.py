"""The stack of time x unit heatmaps: one row per trace quantity (time on x, units on y, unit 0
on top) with its colour bar, and below them a trace of the selected unit over t, all sharing
one time axis (``IndexAxis``, index_axis.py: 1-based time steps or the input tokens, thinned
to fit). Clicking a cell selects its time step and unit (``cell_clicked``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QGraphicsRectItem

from rnnviz.ui.panels.heatmap_fit import (
    HEAT_AXIS_PX,
    LEAST_VIEW_PX,
    TICKS,
    TITLE_PX,
    TRACE,
    StackSizes,
)
from rnnviz.ui.panels.heatmap_labels import (
    CURSOR_COLOUR,
    label_css,
    plot_font,
    plot_font_pt,
    style_plot,
)
from rnnviz.ui.panels.heatmap_rows import RowItems, left_axis_width, make_bar, make_row
from rnnviz.ui.panels.index_axis import IndexAxis


# -- the stack of heatmaps --------------------------------------------------------------------
@dataclass(frozen=True)
class HeatRow:
    """One heatmap row: ``key`` names the trace array ([T, H]), ``title`` the quantity."""

    key: str
    title: str
    colour: str  # of its curve in the trace plot


class HeatmapStack(pg.GraphicsLayoutWidget):
    """Heatmap rows (time x unit), colour bars, and a trace plot of the selected unit."""

    cell_clicked = Signal(int, int)  # t, unit

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[HeatRow] = []
        self.plots: dict[str, pg.PlotItem] = {}
        self.images: dict[str, pg.ImageItem] = {}
        self.bars: dict[str, pg.ColorBarItem] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.marks: list[QGraphicsRectItem] = []
        self.trace_plot: pg.PlotItem | None = None
        self.t_line: pg.InfiniteLine | None = None
        self.dots: pg.ScatterPlotItem | None = None
        self.steps = 0
        self.units = 0
        self._syncing = False
        self._shape: tuple | None = None  # (a bar per row, font pt) of the pooled items
        self._pool: list[RowItems] = []  # every row's items made so far (heatmap_rows.py)
        self._shared_bar: pg.ColorBarItem | None = None
        self._laid_out = -1  # how many rows the layout holds
        #: the least height of each plot's data area, in lines of the plot font (0: none, the
        #: rows share what the panel gives); see ``_set_minimum_heights``
        self.min_view_lines = 0.0
        self._room: int | None = None  # the most height the stack may take (fit_room)
        self.trace_shown = False  # the trace plot is in the layout
        self.scene().sigMouseClicked.connect(self._clicked)

    def build(
        self,
        rows: list[HeatRow],
        colour_map: pg.ColorMap,
        bar_label: str | None,
        trace_label: str,
        trace_y_range: tuple[float, float] | None,
    ) -> None:
        """Lay out the items for ``rows``; one colour bar shared by all rows when
        ``bar_label`` is given (fixed scale), else one per row (levels set per record). The
        rows' items of an earlier build are taken back (heatmap_rows.py) when the font and
        the kind of bar are the same; they show no data until the next ``set_images``."""
        shape = (bar_label is None, plot_font_pt())
        if shape != self._shape or self.trace_plot is None:
            self._shape = shape
            self.clear()
            self.trace_shown = False
            self._pool = []
            self._shared_bar = None
            self._laid_out = -1
            self._build_trace()
        # as many rows as laid out (a reset): the layout stays (placing the items costs more
        # than making the changes below); else out of the layout (the items are kept)
        relayout = len(rows) != self._laid_out
        if relayout:
            self.clear()
            self.trace_shown = False
            self._laid_out = len(rows)
        while len(self._pool) < len(rows):
            row_items = make_row(IndexAxis, colour_map, bar_label is None, self.trace_plot)
            row_items.plot.vb.sigXRangeChanged.connect(self._x_range_changed)
            self._pool.append(row_items)
        self.rows = list(rows)
        used = list(zip(rows, self._pool, strict=False))
        self.plots = {row.key: items.plot for row, items in used}
        self.images = {row.key: items.image for row, items in used}
        self.curves = {row.key: items.curve for row, items in used}
        self.marks = [mark for _row, items in used for mark in items.marks]
        self.bars = {}
        for r, (row, items) in enumerate(used):
            if relayout:
                self.addItem(items.plot, row=r, col=0)
            items.plot.setTitle(row.title, size=f"{plot_font_pt()}pt", color=row.colour)
            for axis in ("bottom", "left"):
                items.plot.getAxis(axis).set_labels([])
            items.image.clear()
            items.curve.setPen(pg.mkPen(row.colour, width=3))
            if items.bar is not None:
                items.bar.setColorMap(colour_map)
                items.bar.setLevels(values=(-1, 1))
                if relayout:
                    self.addItem(items.bar, row=r, col=1)
                self.bars[row.key] = items.bar
        for items in self._pool:
            items.curve.setData([], [])
            for mark in items.marks:
                mark.setRect(QRectF(0, 0, 1, 1))
        if bar_label is not None and rows:
            if self._shared_bar is None:
                self._shared_bar = make_bar(colour_map, (0, 1), bar_label)
            bar = self._shared_bar
            bar.setColorMap(colour_map)
            bar.setLevels(values=(0, 1))
            bar.getAxis("left").setLabel(bar_label)
            bar.setImageItem(list(self.images.values()))
            if relayout:
                self.addItem(bar, row=0, col=1, rowspan=len(rows))
            self.bars["shared"] = bar
        self._place_trace(trace_label, trace_y_range)
        self._set_minimum_heights()
        self.steps = self.units = 0

    def fit_room(self, room: int | None) -> None:
        """Fit the stack's minimum height to ``room`` px (None: no limit): a dock too short
        for the panel scrolled at 1280x720 with text 1.5 (issue 16)."""
        if room != self._room:
            self._room = room
            self._set_minimum_heights()

    def _set_minimum_heights(self) -> None:
        """Each plot at least its title, axes and a data area tall, the stack their sum:
        shared out by stretch alone, the memory panel's heatmaps were 5 px strips at 1280x720
        and their rotated axis titles ran into each other (issue 16). The data areas are
        ``min_view_lines`` of the plot font where the room allows, down to LEAST_VIEW_PX;
        where even that does not fit, the trace plot goes (the readout says its values) and
        the last heatmap shows the time ticks, then those go too (StackSizes.fit)."""
        sizes = self._sizes()
        view, under = sizes.fit(self._room, self._preferred_view())
        self._show_trace(under == TRACE)
        # the rotated "unit" titles of rows shorter than the word ran into each other
        unit_title = QFontMetrics(plot_font()).horizontalAdvance("unit") + 8
        titled_rows = self._room is None or sizes.heat + view >= unit_title
        for plot in self.plots.values():
            plot.showLabel("left", titled_rows)
            plot.setMinimumHeight(sizes.heat + view)
            plot.getAxis("bottom").setStyle(showValues=False)
            plot.getAxis("bottom").setHeight(HEAT_AXIS_PX)
        last = list(self.plots.values())[-1:]
        if last and under == TICKS:  # the time ticks under the last heatmap
            last[0].getAxis("bottom").setStyle(showValues=True)
            last[0].getAxis("bottom").setHeight(sizes.ticks)
            last[0].setMinimumHeight(sizes.heat + view + sizes.ticks - HEAT_AXIS_PX)
        # a row's colour bar beside a short row ran its numbers into each other ("0.5" over
        # "0"): where three of them do not fit, it shows none (the summary gives the scale)
        numbered = self._room is None or view >= 3 * QFontMetrics(plot_font(-1)).lineSpacing()
        for bar in self.bars.values():
            bar.axis.setStyle(showValues=numbered)
        if self.trace_plot is not None:
            self.trace_plot.setMinimumHeight(sizes.trace + view)
        self.setMinimumHeight(sizes.need(view, under))

    def needs_more_than(self, room: int) -> bool:
        """The stack at its preferred size is taller than ``room`` px."""
        return self._sizes().need(self._preferred_view(), TRACE) > room

    def _preferred_view(self) -> int:
        line = QFontMetrics(plot_font()).lineSpacing()
        return max(LEAST_VIEW_PX, int(self.min_view_lines * line))

    def _sizes(self) -> StackSizes:
        line = QFontMetrics(plot_font()).lineSpacing()
        titled = self.trace_plot is not None and self.trace_plot.getAxis("bottom").label.isVisible()
        return StackSizes(
            rows=len(self.plots),
            heat=TITLE_PX + HEAT_AXIS_PX,
            trace=(2 if titled else 1) * line + 14,  # tick labels, the axis title
            ticks=line + 4,
            frame=len(self.plots) * max(self.ci.layout.verticalSpacing(), 0) + 12,
        )

    def _show_trace(self, shown: bool) -> None:
        """Put the trace plot under the rows, or take it out of the layout."""
        plot = self.trace_plot
        if plot is None or shown == self.trace_shown:
            return
        self.trace_shown = shown
        if shown:
            self.addItem(plot, row=len(self.rows), col=0)
            self.ci.layout.setRowStretchFactor(len(self.rows), 3 if len(self.rows) <= 2 else 2)
        else:
            self.removeItem(plot)

    def _build_trace(self) -> None:
        """The trace plot of the selected unit (its curves are the rows')."""
        plot = pg.PlotItem(axisItems={"bottom": IndexAxis("bottom")}, enableMenu=False)
        style_plot(plot)
        plot.getAxis("left").setWidth(left_axis_width())
        plot.getAxis("left").setStyle(
            textFillLimits=[(0, 0.95), (2, 0.8), (4, 0.6)], hideOverlappingLabels=False
        )
        plot.showGrid(x=False, y=True, alpha=0.25)
        plot.hideButtons()
        plot.setMouseEnabled(x=True, y=False)
        self.dots = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#000000", width=1))
        plot.addItem(self.dots)
        self.t_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(CURSOR_COLOUR, width=2))
        plot.addItem(self.t_line, ignoreBounds=True)
        plot.vb.sigXRangeChanged.connect(self._x_range_changed)
        self.trace_plot = plot

    def _place_trace(self, label: str, y_range) -> None:
        """The trace plot for this run: its label, value range, no data (put under the rows
        by ``_set_minimum_heights`` where there is room)."""
        plot = self.trace_plot
        rows = len(self.rows)
        plot.setLabel("left", label, **label_css())
        plot.getAxis("left").setTicks(None)
        plot.getAxis("bottom").set_labels([])
        plot.setTitle(None)
        _set_y_range(plot, y_range)
        self.dots.setData([])
        for r in range(rows):
            self.ci.layout.setRowStretchFactor(r, 3)
        self.ci.layout.setRowStretchFactor(rows, 3 if rows <= 2 else 2)

    def _time_views(self) -> list[pg.ViewBox]:
        return [plot.vb for plot in [*self.plots.values(), self.trace_plot] if plot is not None]

    def _x_range_changed(self, view: pg.ViewBox, x_range) -> None:
        """Keep every row on the same time range (by value: pyqtgraph's own X-link lines
        views up by screen position, which drifts while the layout settles)."""
        if self._syncing:
            return
        self._syncing = True
        try:
            for other in self._time_views():
                if other is not view:
                    other.setXRange(*x_range, padding=0)
        finally:
            self._syncing = False

    def set_axes(self, steps: int, units: int, labels: list[str], axis_title: str) -> None:
        """Shape the views for a [steps, units] sample; the time ticks show ``labels``."""
        if (steps, units) == (self.steps, self.units) and self.trace_plot is not None:
            if self.trace_plot.getAxis("bottom").labels == labels:
                return
        self.steps, self.units = steps, units
        unit_labels = [str(u) for u in range(units)]
        for plot in self.plots.values():
            plot.getAxis("bottom").set_labels(labels)
            plot.getAxis("left").set_labels(unit_labels)
            plot.vb.setLimits(xMin=0, xMax=steps, yMin=0, yMax=units)
            plot.vb.setRange(xRange=(0, steps), yRange=(0, units), padding=0)
        if self.trace_plot is not None:
            axis = self.trace_plot.getAxis("bottom")
            axis.set_labels(labels)
            # the tokens under the ticks speak for themselves (the readout names the selected
            # one): their axis title's line goes to the heatmaps (issue 16)
            shown = axis_title != "input token"
            self.trace_plot.setLabel("bottom", axis_title if shown else None, **label_css())
            self.trace_plot.showLabel("bottom", shown)
            self._set_minimum_heights()
            self.trace_plot.vb.setLimits(xMin=0, xMax=steps)
            self.trace_plot.setXRange(0, steps, padding=0)

    def set_images(self, trace: dict[str, np.ndarray]) -> None:
        for key, image in self.images.items():
            # a record's arrays may be strided views; pyqtgraph draws nothing for some of those
            image.setImage(np.ascontiguousarray(trace[key]), autoLevels=False)

    def set_levels(self, key: str, low: float, high: float) -> None:
        self.bars[key].setLevels(low=low, high=high)

    def set_selection(self, trace: dict[str, np.ndarray], t: int, unit: int) -> None:
        """Mark cell (t, unit) and draw that unit's values over t (the panel's readout
        says the values)."""
        for mark in self.marks:
            mark.setRect(QRectF(t, unit, 1, 1))
        if self.trace_plot is None:
            return
        x = np.arange(self.steps) + 0.5
        spots = []
        for row in self.rows:
            values = trace[row.key][:, unit]
            self.curves[row.key].setData(x, values, connect="finite")
            if np.isfinite(values[t]):
                spots.append({"pos": (t + 0.5, float(values[t])), "brush": row.colour})
        self.dots.setData(spots)
        self.t_line.setPos(t + 0.5)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.steps:
            return
        pos = event.scenePos()
        for plot in [*self.plots.values(), self.trace_plot]:
            if (
                plot is None
                or plot.scene() is None
                or not plot.vb.sceneBoundingRect().contains(pos)
            ):
                continue
            point = plot.vb.mapSceneToView(pos)
            t = int(math.floor(point.x()))
            unit = int(math.floor(point.y())) if plot is not self.trace_plot else -1
            if 0 <= t < self.steps:
                self.cell_clicked.emit(t, unit if 0 <= unit < self.units else -1)
            return


def _set_y_range(plot: pg.PlotItem, y_range: tuple[float, float] | None) -> None:
    """A fixed value range for the trace plot, or (None) one that follows the data."""
    if y_range is not None:
        plot.disableAutoRange(axis="y")
        plot.setYRange(*y_range, padding=0.12)
    else:
        plot.enableAutoRange(axis="y")
