"""Issue 16 (true and readable panels): ntm_copy's metric plot drew ``bit_errors`` (~18
wrong bits per sequence) and ``bit_error_rate`` (~0.5) on one axis from 0 to 20: the rate
was a flat line on the floor. And with the compared run (LSTM) four names, cut to the
plot's width, all read "bit_e…". Now metrics whose values all lie in [0, 1] are read on
the left axis and the others on a right axis of their own (metric_plot.right_axis_names),
and the legend names each metric and each run once, cut so that no two names read alike.

Checked on the real window after real training steps: the rate's drawn line spans a
visible part of its view's height (in pixels, mapped by its own view box), each curve is
read against the axis linked to its view, and the legend's (or the axis label's) names
are distinct."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

from rnnviz.ui.legend_room import distinct_cuts, names_on_axis
from rnnviz.ui.panels.metric_plot import is_fraction, right_axis_names
from tests.ui.layout_check import trained_panel_at
from tests.ui.test_metric_names_fit import is_cut_of, shown_names

TIMEOUT = 120_000
STEPS = 12
#: the least share of its view's height the rate's line must span (it was ~0.3%)
VISIBLE = 0.1


def test_fractions_are_the_metrics_within_0_and_1():
    assert is_fraction(np.array([0.0, 0.5, 1.0, np.nan]))
    assert is_fraction(np.array([np.nan]))
    assert not is_fraction(np.array([0.2, 1.5]))
    assert not is_fraction(np.array([-0.1, 0.5]))


def test_only_metrics_of_another_scale_than_the_fractions_go_right():
    rate, errors = np.array([0.5, 0.4]), np.array([18.0, 0.5])
    assert right_axis_names({"rate": [rate], "errors": [errors]}) == ["errors"]
    # a run in which the metric is over 1 is enough
    assert right_axis_names({"rate": [rate], "errors": [rate, errors]}) == ["errors"]
    # one kind only: one axis
    assert right_axis_names({"a": [rate], "b": [rate]}) == []
    assert right_axis_names({"a": [errors], "b": [errors]}) == []


@pytest.mark.parametrize("keep", range(1, 16))
def test_cut_names_never_read_alike(keep):
    full = ["bit_errors", "bit_error_rate", "NTM", "LSTM", "bit_errors (LSTM)"]
    cuts = distinct_cuts(full, keep)
    assert len(set(cuts)) == len(full), cuts
    for name, cut in zip(full, cuts, strict=True):  # its start, an ellipsis, maybe its end
        assert cut == name or is_cut_of(cut, name), cut
    assert distinct_cuts(["accuracy", "loss"], 4) == ["acc\u2026", "loss"]
    assert distinct_cuts(["bit_errors", "bit_error_rate"], 7) == ["bit\u2026ors", "bit\u2026ate"]


def _pixels(curve) -> np.ndarray:
    """The curve's points' scene y, mapped by the view box that draws it."""
    vb = curve.getViewBox()
    xs, ys = curve.getData()
    return np.array(
        [vb.mapViewToScene(QPointF(float(x), float(y))).y() for x, y in zip(xs, ys, strict=True)]
    )


@pytest.mark.parametrize(
    ("size", "scale"), [((1600, 1000), 1.0), ((1280, 720), 1.0), ((1600, 1000), 1.5)]
)
def test_ntm_copy_rate_is_readable_and_names_distinct(qtbot, tmp_path, size, scale):
    window, panel = trained_panel_at(
        qtbot, tmp_path / "scales.ini", "ntm_copy", "loss", size, scale, STEPS, bool, TIMEOUT
    )
    plot = panel.metric_plot
    assert plot.isVisible()
    rate, errors = panel._metric_curves["bit_error_rate"], panel._metric_curves["bit_errors"]
    history = window.trainer.history
    np.testing.assert_array_equal(rate.getData()[1], history.series("metric:bit_error_rate"))
    np.testing.assert_array_equal(errors.getData()[1], history.series("metric:bit_errors"))

    # the rate's line spans a visible part of its view's height, and lies inside it
    vb = rate.getViewBox()
    area = vb.sceneBoundingRect()
    pixels = _pixels(rate)
    assert (pixels.max() - pixels.min()) / area.height() >= VISIBLE, (pixels, area)
    for curve in (rate, errors, *panel._compare_metric_curves.values()):
        y = _pixels(curve)
        assert area.top() - 1 <= y.min() and y.max() <= area.bottom() + 1, (curve.name(), y)

    # each curve is read on the axis whose ticks describe its view
    assert plot.getAxis("left").linkedView() is vb
    assert plot.getAxis("right").isVisible()
    assert plot.getAxis("right").linkedView() is errors.getViewBox() is not vb
    right = plot.getAxis("right")
    assert "bit_errors" in right.labelText
    if right.label.isVisible():  # named where there is room, beside the plot, not below it
        label = right.label.sceneBoundingRect()
        assert area.top() - 1 <= label.top() and label.bottom() <= area.bottom() + 1, label
    for name, curve in panel._compare_metric_curves.items():
        assert curve.getViewBox() is panel._metric_curves[name].getViewBox()
    # the pointer meets the plot's own view (its tooltip, its mouse), not the right one's
    views = [i for i in plot.scene().items(area.center()) if isinstance(i, pg.ViewBox)]
    assert views[0] is plot.vb, views
    # a step is at the same x in both plots (pyqtgraph links them by pixel), and the last
    # one is inside the metric plot (its right axis once hid the last ~30 of 300 steps)
    for step in (1.0, float(STEPS)):
        here = plot.vb.mapViewToScene(QPointF(step, 0.0)).x()
        above = panel.loss_plot.vb.mapViewToScene(QPointF(step, 1.0)).x()
        assert here == pytest.approx(above, abs=1.0)
        assert area.left() <= here <= area.right()
    assert plot.getAxis("bottom").scale == 1 and plot.getAxis("bottom").autoSIPrefixScale == 1

    # the legend's names are distinct: as listed, and as shown under a short plot
    names = [label.text for _sample, label in plot.legend.items]
    assert names == ["bit_errors", "bit_error_rate", "NTM", "LSTM"]
    if names_on_axis(plot):
        shown = shown_names(plot.getAxis("bottom").labelText)
        assert len(shown) == len(names) and all(shown), shown
        assert len(set(shown)) == len(shown), shown
        for name, seen in zip(names, shown, strict=True):
            assert seen == name or is_cut_of(seen, name), (name, seen)
