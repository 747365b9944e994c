"""Issue 16, defect 8: "an 8-layer legend covers the whole plot". A legend taller or wider
than its plot, or over more than 40% of its area, is hidden and its names go to the plot's
tooltip; it comes back when the plot is large enough. Sizes are pyqtgraph's own (the legend's
and the view box's scene rectangles), checked in the real window at 1280x720."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QApplication

from rnnviz.ui.legend_place import MAX_AREA_FRACTION, keep_legend_off_data, legend_hidden
from tests.ui.layout_check import shown_window

TIMEOUT = 60_000


@pytest.fixture
def eight_layers(qtbot, tmp_path):
    """adding_lstm with 8 stacked layers, one step trained, in a 1280x720 window."""
    window = shown_window(qtbot, tmp_path / "legend.ini", "adding_lstm", (1280, 720), 1.0)
    run = window.run_settings
    spec = dataclasses.replace(run.spec, num_layers=8)
    assert window.apply_settings(dataclasses.replace(run, spec=spec, weights=None, compare=None))
    assert len(window.trainer.chains) == 8
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=TIMEOUT)
    yield window


def covers_too_much(plot) -> bool:
    legend, view = plot.legend.sceneBoundingRect(), plot.vb.sceneBoundingRect()
    return (
        legend.height() > view.height()
        or legend.width() > view.width()
        or legend.width() * legend.height() > MAX_AREA_FRACTION * view.width() * view.height()
    )


def test_an_8_layer_gradient_legend_is_hidden_with_its_names_in_the_tooltip(eight_layers):
    window = eight_layers
    assert (window.width(), window.height()) == (1280, 720)
    window.show_panel("gradients_time")
    QApplication.processEvents()
    plot = window.panels["gradients_time"].line_plot
    keep_legend_off_data(plot)
    assert covers_too_much(plot), "the legend of 8 layers' curves is larger than this plot"
    assert not plot.legend.isVisible() and legend_hidden(plot)
    tip = plot.vb.toolTip()
    for _sample, label in plot.legend.items:
        assert label.text in tip
    assert len(plot.legend.items) >= 8


def test_every_shown_legend_leaves_the_plot_visible(eight_layers):
    window = eight_layers
    checked = 0
    for key in ("gradients_time", "gradient_norm", "recurrent_matrix", "loss", "predictions"):
        window.show_panel(key)
        QApplication.processEvents()
        panel = window.panels[key]
        for plot in plots_with_inner_legends(panel):
            keep_legend_off_data(plot)
            if plot.legend.isVisible():
                assert not covers_too_much(plot), key
            else:
                assert plot.vb.toolTip()
            checked += 1
    assert checked >= 5


def test_the_legend_comes_back_when_the_plot_is_large_enough(qtbot):
    import numpy as np
    import pyqtgraph as pg

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    plot.addLegend()
    for k in range(8):
        plot.plot(np.arange(10), np.arange(10) * k, pen=pg.intColor(k), name=f"layer {k + 1}")
    plot.vb.setToolTip("the plot's own tip")
    widget.resize(300, 160)
    widget.show()
    qtbot.waitExposed(widget)
    keep_legend_off_data(plot)
    assert covers_too_much(plot) and legend_hidden(plot) and not plot.legend.isVisible()
    assert all(f"layer {k + 1}" in plot.vb.toolTip() for k in range(8))
    widget.resize(1400, 1000)  # the view's sigResized decides again
    qtbot.waitUntil(lambda: plot.legend.isVisible())
    assert not covers_too_much(plot) and not legend_hidden(plot)
    assert plot.vb.toolTip() == "the plot's own tip"


def plots_with_inner_legends(panel):
    import pyqtgraph as pg

    found = []
    for item in panel.findChildren(pg.GraphicsView):
        for scene_item in item.scene().items():
            if (
                isinstance(scene_item, pg.PlotItem)
                and scene_item.legend is not None
                and scene_item.legend.parentItem() is scene_item.vb
            ):
                found.append(scene_item)
    return found
