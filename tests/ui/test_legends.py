"""Legends keep off the data (issue 16, defect 8: "legends sit on the data almost
everywhere"): each plot's legend sits at the corner of its view that covers the fewest drawn
points, counted here with pyqtgraph's own view-to-scene mapping against the legend's scene
rectangle at every corner."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from rnnviz.ui.legend_place import CORNERS, MARGIN_PX, keep_legend_off_data


def points_under_legend(plot: pg.PlotItem) -> int:
    rect = plot.legend.sceneBoundingRect()
    count = 0
    for item in plot.listDataItems():
        x, y = item.getData()
        if x is None:
            continue
        for xi, yi in zip(x, y, strict=True):
            if np.isfinite(xi) and np.isfinite(yi):
                count += rect.contains(plot.vb.mapViewToScene(QPointF(float(xi), float(yi))))
    return count


def count_at(plot: pg.PlotItem, corner) -> int:
    fx, fy = corner
    offset = (MARGIN_PX if fx == 0 else -MARGIN_PX, MARGIN_PX if fy == 0 else -MARGIN_PX)
    plot.legend.anchor(itemPos=corner, parentPos=corner, offset=offset)
    QApplication.processEvents()
    return points_under_legend(plot)


def test_the_loss_legend_sits_where_it_covers_the_fewest_points(qtbot, make_window):
    window = make_window("adding_rnn")  # compare mode: four curves in the loss plot
    window.run_steps(60)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 60, timeout=60_000)
    window.show_panel("loss")
    QApplication.processEvents()
    plot = window.panels["loss"].loss_plot
    chosen = keep_legend_off_data(plot)
    counts = {corner: count_at(plot, corner) for corner in CORNERS}
    assert counts[chosen] == min(counts.values()), (chosen, counts)


def test_a_legend_inside_a_plot_sits_where_it_covers_the_fewest_points(qtbot, make_window):
    window = make_window("sine_gru")
    window.run_steps(30)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 30, timeout=60_000)
    window.show_panel("predictions")
    QApplication.processEvents()
    plot = window.panels["predictions"].plot.getPlotItem()
    chosen = keep_legend_off_data(plot)
    counts = {corner: count_at(plot, corner) for corner in CORNERS}
    assert counts[chosen] == min(counts.values()), (chosen, counts)
