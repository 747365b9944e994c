"""Issue 16: the NTM memory panel (ntm_copy) whole and readable in the real window at
1280x720, 1600x1000 and 1920x1080, text sizes 1.0 and 1.5.

Checked after a few training steps: no essential widget clipped or cut (layout_check.py);
the three heatmaps and both colour bars (their tick labels too) inside the view (M_t was cut
at the right at 1280x720 and gone at text 1.5, the bars' labels cut at 1600x1000 / 1.5); the
read / write head lines wrapped whole (they were one line each, cut at the right at every
size); the two time axes' titles clear of each other (side by side, "time step t time step
t" ran together at text 1.5); the weightings' colour scale from the data, not 0-1 (weights
of ~0.03 drew black). At 1280x720 with text 1.5 the docked layout is wider than the window,
so that size is checked in presentation mode as test_layout_fits.py does.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.ui.layout_check import panel_defects, trained_panel_at

CASES = (
    ((1280, 720), 1.0),
    ((1280, 720), 1.5),
    ((1600, 1000), 1.5),
    ((1920, 1080), 1.0),
)


@pytest.fixture
def ntm_at(qtbot, tmp_path):
    def make(size, text_size):
        return trained_panel_at(
            qtbot,
            tmp_path / "ntm.ini",
            "ntm_copy",
            "ntm_memory",
            size,
            text_size,
            2,
            lambda panel: bool(panel.params.text()),
        )

    return make  # (text size 1.0 comes back after the windows are deleted: conftest.py)


def outside_view(view) -> list[str]:
    """The plots and colour bars (with their axes) of a GraphicsLayoutWidget not whole in
    its view."""
    shown = view.mapToScene(view.viewport().rect()).boundingRect().adjusted(-1, -1, 1, 1)
    return [
        f"{type(item).__name__} {item.sceneBoundingRect()}"
        for item in view.ci.items
        if not shown.contains(item.sceneBoundingRect())
    ]


def overlapping_axis_titles(panel) -> list[str]:
    titles = [plot.getAxis("bottom").label for plot in (panel.write_plot, panel.read_plot)]
    rects = [t.sceneBoundingRect() for t in titles if t.isVisible()]
    return [str(rects)] if len(rects) == 2 and rects[0].intersects(rects[1]) else []


@pytest.mark.parametrize("size, text_size", CASES, ids=lambda v: str(v))
def test_ntm_panel_whole_and_readable(qtbot, ntm_at, size, text_size):
    window, panel = ntm_at(size, text_size)
    assert (window.width(), window.height()) == size
    assert panel_defects("ntm_memory", panel, window) == []
    assert outside_view(panel.view) == []
    params = panel.params
    assert "write head" in params.text() and "add [" in params.text()
    assert params.wordWrap() and params.height() >= params.heightForWidth(params.width()) - 1
    assert overlapping_axis_titles(panel) == []


def test_weight_colours_span_the_data(qtbot, ntm_at):
    """The weightings' colour scale tops out at the largest weight shown (early in training
    ~0.05), and the colour bar's levels (its ticks) and its tooltip say so."""
    window, panel = ntm_at((1600, 1000), 1.0)
    write, read = panel.write_image.image, panel.read_image.image
    top = float(max(write.max(), read.max()))
    assert top < 0.5  # spread out this early: on 0-1 it all drew black
    assert panel.write_image.levels == pytest.approx([0.0, top], rel=1e-5)
    assert panel.read_image.levels == pytest.approx([0.0, top], rel=1e-5)
    assert np.allclose(panel.weight_bar.levels(), (0.0, top), rtol=1e-5)
    assert f"{top:.2g}" in panel.weight_bar.toolTip()
    assert panel.weight_bar.axis.labelText == ""  # drawn over its tick labels at text 1.5
