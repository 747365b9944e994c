"""Issue 16 (screenshot pass, 1920x1080, text size 1.0): in Gradient through time the
legend hid lines: date_attention's dec.fwd curve between t = 2 and 3, slot_filling_bilstm's
dashed ||dL/dc_t|| L0.fwd between t = 4 and 5, clockwork_sines' low points. The legend's
place counted only the points under it, not the lines between them, and where every place
covered something it stayed on the data. Checked in scene coordinates: no curve point, and
no point along the straight line between two drawn points (sampled finely, mapped by the
view box), lies inside the legend's scene rectangle."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style
from tests.ui.layout_check import shown_window

TIMEOUT = 120_000
STEPS = 30
SAMPLES = 40  # points along each segment


def line_points_under(plot) -> list[tuple[str, float, float]]:
    """(curve, x, y) of the curve points and points along its segments under the legend."""
    box, vb = plot.legend.sceneBoundingRect(), plot.getViewBox()
    hits = []
    for item in plot.listDataItems():
        if not item.isVisible():
            continue
        x, y = item.getData()  # view coordinates: log10 of the norm on the log axis
        if x is None or len(x) == 0:
            continue
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        along = np.linspace(0.0, 1.0, SAMPLES)
        for i in range(len(x)):
            if not (np.isfinite(x[i]) and np.isfinite(y[i])):
                continue
            xs, ys = np.array([x[i]]), np.array([y[i]])
            if i + 1 < len(x) and np.isfinite(x[i + 1]) and np.isfinite(y[i + 1]):
                xs = x[i] + along * (x[i + 1] - x[i])
                ys = y[i] + along * (y[i + 1] - y[i])
            for px, py in zip(xs, ys, strict=True):
                if box.contains(vb.mapViewToScene(QPointF(float(px), float(py)))):
                    hits.append((item.name(), float(px), float(py)))
    return hits


@pytest.mark.parametrize("preset", ["date_attention", "slot_filling_bilstm", "clockwork_sines"])
def test_the_gradient_legend_hides_no_line(qtbot, tmp_path, preset):
    window = shown_window(qtbot, tmp_path / "grad.ini", preset, (1920, 1080), 1.0)
    try:
        window.show_panel("gradients_time")
        window.run_steps(STEPS)
        qtbot.waitUntil(lambda: not window.running and window.shown_step == STEPS, timeout=TIMEOUT)
        for _ in range(3):
            QApplication.processEvents()
        plot = window.panels["gradients_time"].line_plot
        legend = plot.legend
        assert legend.isVisible() and legend.items
        drawn = [item for item in plot.listDataItems() if item.getData()[0] is not None]
        assert drawn
        hits = line_points_under(plot)
        assert not hits, hits[:5]
        # the whole legend inside the plot's view, and every curve still in view
        area = plot.getViewBox().sceneBoundingRect()
        assert area.contains(legend.sceneBoundingRect())
        (_x0, _x1), (y0, y1) = plot.getViewBox().viewRange()
        for item in drawn:
            ys = np.asarray(item.getData()[1], dtype=float)
            ys = ys[np.isfinite(ys)]
            assert ys.size == 0 or (ys.min() >= y0 and ys.max() <= y1)
    finally:
        style.set_scale(QApplication.instance(), 1.0)
