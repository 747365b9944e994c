"""Log-scale axes label decades (and 2, 5 ... only where there is room) and their labels
never overlap.

pyqtgraph's own log mode labelled every minor tick (1..9 x 10^k) whenever the data spanned
less than about two decades: "0.001 0.0009 0.0008 ..." drawn on top of each other. The label
rectangles are read from the axis' own generateDrawSpecs, as its paint() draws them.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtWidgets import QApplication

from rnnviz.engine.presets import load_preset
from rnnviz.engine.trainer import Trainer
from rnnviz.ui import style
from rnnviz.ui.panels.gradients_time import GradientsTimePanel
from tests.ui.test_gradient_panels import make_panel, save_screenshot  # noqa: F401 (fixture)


def labels(axis: pg.AxisItem) -> list[tuple]:
    """(rect, text) of every tick label the axis draws, as its paint() computes them."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        if axis.style["tickFont"]:
            painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    assert specs is not None, "the axis has no size"
    return [(rect, text) for rect, _, text in specs[2]]


def assert_readable(axis: pg.AxisItem, at_least: int = 1) -> list[str]:
    drawn = labels(axis)
    texts = [text for _, text in drawn]
    assert len(drawn) >= at_least, f"only {texts}"
    assert all(texts), texts
    for i, (rect, text) in enumerate(drawn):
        for other, other_text in drawn[i + 1 :]:
            assert not rect.intersects(other), f"{text!r} overlaps {other_text!r} in {texts}"
    powers = [bool(re.search("10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]", t)) for t in texts]
    assert all(powers) or not any(powers), f"mixed formats: {texts}"
    return texts


def show_values(panel: GradientsTimePanel, values: np.ndarray) -> pg.AxisItem:
    curve = next(iter(panel.curves.values()))
    curve.setData(np.arange(1, values.size + 1), values)
    panel.line_plot.enableAutoRange()
    panel.line_plot.autoRange()
    panel.grab()  # a real paint: the layout settles and the axes draw their pictures
    QApplication.processEvents()
    return panel.line_plot.getAxis("left")


@pytest.fixture
def gradients_time(make_panel):  # noqa: F811 (the fixture imported above)
    trainer = Trainer.from_preset(load_preset("exploding_linear"))
    panel = make_panel(GradientsTimePanel, trainer)
    record = trainer.step(record=True)
    panel.show_record(record, trainer.history)
    return panel


@pytest.mark.parametrize("decades", [1.5, 6.0])
def test_gradients_time_log_axis_labels_do_not_overlap(gradients_time, decades):
    values = 4e-5 * 10.0 ** np.linspace(0.0, decades, 9)
    axis = show_values(gradients_time, values)
    assert axis.logMode
    texts = assert_readable(axis, at_least=2)
    # decades are labelled, and not the crowded 9, 8, 7 ... x 10^k of pyqtgraph's log mode
    assert "10⁻⁴" in texts
    assert not any(t.startswith(("9", "8", "7")) for t in texts), texts
    save_screenshot(gradients_time, f"log_axis_{decades:g}_decades")


@pytest.mark.parametrize("decades", [0.01, 0.1, 0.3, 0.7, 1.0, 1.5, 2.0, 3.0, 6.0, 12.0, 40.0])
@pytest.mark.parametrize("height", [160, 360, 900])
def test_log_axis_labels_never_overlap(gradients_time, decades, height):
    gradients_time.resize(960, height)
    values = 3e-3 * 10.0 ** np.linspace(0.0, decades, 9)
    texts = assert_readable(show_values(gradients_time, values))
    if height >= 360:  # room for two labels at any span (under the summary's own row)
        assert len(texts) >= 2, texts


def test_short_ranges_label_two_and_five_only_where_there_is_room():
    axis = style.ReadableAxis("left")
    axis.setTickFont(style.plot_font())
    axis.setLogMode(False, True)
    levels = axis.tickValues(math.log10(1.3e-4), math.log10(1.1e-3), 230)
    texts = axis.tickStrings(levels[0][1], 1.0, levels[0][0])
    assert texts == ["2·10⁻⁴", "5·10⁻⁴", "10⁻³"]
    levels = axis.tickValues(math.log10(0.002), math.log10(0.5), 300)
    assert axis.tickStrings(levels[0][1], 1.0, levels[0][0]) == ["0.01", "0.1"]
    assert axis.tickStrings(levels[1][1], 1.0, levels[1][0]) == [""] * len(levels[1][1])


def test_every_log_axis_of_the_window_is_readable(qtbot, make_window):
    window = make_window("adding_rnn")
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=10_000)
    for key in ("loss", "gradient_norm", "gradients_time"):
        window.show_panel(key)
    QApplication.processEvents()
    log_axes = [
        item
        for view in window.findChildren(pg.GraphicsView)
        for item in view.scene().items()
        if isinstance(item, pg.AxisItem) and item.logMode and item.isVisible()
    ]
    assert len(log_axes) >= 4
    for axis in log_axes:
        assert isinstance(axis, style.ReadableAxis), axis
        assert_readable(axis)


def test_training_step_axes_label_whole_steps_only(qtbot, make_window):
    """Issue 16, defect 8: after two steps the step axes read 0.5, 1.5 ... ("step 1.5")."""
    window = make_window("adding_rnn")
    for shown in (1, 2):
        window.step_once()
        qtbot.waitUntil(lambda s=shown: not window.running and window.shown_step == s)
    step_axes = {
        "loss": [("loss_plot", "bottom")],
        "gradient_norm": [("norm_plot", "bottom"), ("group_plot", "bottom")],
        "gradients_time": [("line_plot", "bottom"), ("heat_plot", "left")],
    }
    for key, axes in step_axes.items():
        window.show_panel(key)
        QApplication.processEvents()
        for plot_name, side in axes:
            axis = getattr(window.panels[key], plot_name).getAxis(side)
            texts = [text for _, text in labels(axis)]
            assert texts, (key, plot_name)
            for text in texts:
                assert re.fullmatch(r"-?\d+", text), (key, plot_name, texts)
