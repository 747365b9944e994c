"""Issue 16 (screenshot pass): the metric plot's legend ("accuracy") sat on its line: a flat
accuracy of 1 ran through the middle of the short plot, under the legend at every corner.
The plot's y-range now leaves a band for the legend above the data, or, in a view too short
for both, the names go to the bottom axis label (legend_room.make_room_for_legend).
Checked against geometry: the legend's scene rectangle holds none of the curve's points,
mapped to the scene by the view box; or the label lies outside the view box."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from rnnviz.ui.legend_place import MARGIN_PX
from rnnviz.ui.legend_room import headroom_top, names_on_axis
from tests.ui.layout_check import trained_panel_at

TIMEOUT = 60_000
STEPS = 20


@pytest.mark.parametrize(("size", "scale"), [((1600, 1000), 1.5), ((1920, 1080), 1.0)])
def test_the_metric_legend_holds_no_point_of_its_curve(qtbot, tmp_path, size, scale):
    window, panel = trained_panel_at(
        qtbot, tmp_path / "metric.ini", "lecture_lstm", "loss", size, scale, STEPS, bool, TIMEOUT
    )
    plot = panel.metric_plot
    assert plot.isVisible() and "accuracy" in panel._metric_curves
    legend, vb = plot.legend, plot.getViewBox()
    if names_on_axis(plot):  # a view too short for a legend above the data
        assert not legend.isVisible()
        axis = plot.getAxis("bottom")
        assert "accuracy" in axis.labelText and axis.label.isVisible()
        label = axis.label.sceneBoundingRect()
        assert not label.intersects(vb.sceneBoundingRect())  # outside the plot area
        assert vb.height() < 2 * (legend.boundingRect().height() + 2 * MARGIN_PX)
        assert "accuracy" in vb.toolTip()  # as a hidden legend's names are
        return
    assert legend.isVisible() and [label.text for _s, label in legend.items] == ["accuracy"]
    box = legend.sceneBoundingRect()
    assert box.height() > 0
    for curve in panel._metric_curves.values():
        xs, ys = curve.getData()
        assert len(xs) == STEPS
        points = [
            vb.mapViewToScene(QPointF(float(x), float(y))) for x, y in zip(xs, ys, strict=True)
        ]
        inside = [(p.x(), p.y()) for p in points if box.contains(p)]
        assert not inside, (box, inside[:3])
        # the line between the points too: the whole curve runs below the legend's box
        assert all(p.y() > box.bottom() for p in points), (box, [p.y() for p in points])


@pytest.mark.parametrize(("y0", "y1", "band", "height"), [(0, 1, 30, 100), (0.5, 1, 40, 300)])
def test_headroom_keeps_the_data_out_of_the_band(y0, y1, band, height):
    top = headroom_top(y0, y1, band, height)
    # the pixel of y1 in a view from y0 (bottom) to top (pixel 0)
    pixel = (top - y1) / (top - y0) * height
    assert pixel == pytest.approx(band)


def test_no_headroom_without_room():
    assert headroom_top(0, 1, 50, 60) == 1
