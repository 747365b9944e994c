"""The items of one heatmap row (its plot, image, cell marks, colour bar and trace curve),
made once and kept by ``HeatmapStack`` for the next run.

Making a pyqtgraph ``PlotItem`` costs 0.1-0.2 s on a loaded machine (its options menu is a
whole Qt form) and a ``ColorBarItem`` is one more; a reset or a preset switch used to make
3-8 of them on the GUI thread. The stack keeps its rows' items in a pool and takes them back
for a run of as many rows or more; only a different font (the text size) or kind of colour
bar makes new ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from rnnviz.ui.panels.heatmap_labels import label_css, plot_font, plot_font_pt, style_plot


@dataclass
class RowItems:
    """One row's items; ``bar`` is None when the rows share one colour bar."""

    plot: pg.PlotItem
    image: pg.ImageItem
    marks: list[QGraphicsRectItem]
    bar: pg.ColorBarItem | None
    curve: pg.PlotDataItem


def make_row(axis_class, colour_map: pg.ColorMap, own_bar: bool, trace_plot) -> RowItems:
    """A row's items (not yet in the layout); its curve is added to ``trace_plot``."""
    plot = pg.PlotItem(
        axisItems={"bottom": axis_class("bottom"), "left": axis_class("left")},
        enableMenu=False,  # pyqtgraph's view menu (never shown here) is slow to make
    )
    style_plot(plot)
    plot.setLabel("left", "unit", **label_css())
    plot.getAxis("left").setWidth(left_axis_width())
    plot.getAxis("bottom").setStyle(showValues=False)
    plot.getAxis("bottom").setHeight(6)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.vb.invertY(True)
    image = pg.ImageItem(axisOrder="col-major")
    plot.addItem(image)
    marks = []
    for width, colour in ((5, "#000000"), (2, "#ffffff")):
        mark = QGraphicsRectItem(QRectF(0, 0, 1, 1))
        pen = QPen(QColor(colour), width)
        pen.setCosmetic(True)
        mark.setPen(pen)
        mark.setZValue(10)
        plot.addItem(mark, ignoreBounds=True)
        marks.append(mark)
    bar = None
    if own_bar:
        bar = make_bar(colour_map, (-1, 1), None)
        bar.setImageItem(image)
    return RowItems(plot, image, marks, bar, trace_plot.plot())


def make_bar(colour_map: pg.ColorMap, values: tuple[float, float], label: str | None):
    bar = pg.ColorBarItem(
        values=values,
        colorMap=colour_map,
        interactive=False,
        width=18,
        label=label,
        colorMapMenu=False,  # its menu is never offered here
    )
    bar.axis.setStyle(tickFont=plot_font(-1))
    bar.axis.label.setFont(plot_font())
    return bar


def left_axis_width() -> int:
    return int(plot_font_pt() * 4.5)
