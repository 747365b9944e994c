"""The loss surface gives its view the room (issue 16: at 1280x720 its 3D view was ~130 px
high under the controls, its labels cut): the progress bar and Cancel show only while a
surface is computed, the controls and summary stand beside the views in a wide, short
panel (presentation mode), and the 3D camera stands as far off as the view's shape needs
for the whole box -- checked with pyqtgraph's own camera matrices."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtGui import QVector3D, QVector4D

from rnnviz.ui.panels.surface_camera import MARGIN, fitted_distance
from rnnviz.ui.panels.surface_gl import FITTED_POINTS, HEIGHT
from tests.ui.layout_check import panel_defects, settle, trained_panel_at


def _pyqtgraph_view_coordinates(distance: float, aspect: float) -> np.ndarray:
    """FITTED_POINTS through GLViewWidget's projection x view matrices (its code, called
    on plain options), as normalised device coordinates [n, 2]."""
    from pyqtgraph.opengl.GLViewWidget import GLViewWidget

    opts = dict(
        distance=distance, fov=60, elevation=30, azimuth=-55,
        center=QVector3D(0, 0, HEIGHT / 2), rotationMethod="euler",
    )  # fmt: skip
    camera = SimpleNamespace(opts=opts)
    w, h = 1000, int(round(1000 / aspect))
    matrix = GLViewWidget.projectionMatrix(camera, (0, 0, w, h), (0, 0, w, h))
    matrix *= GLViewWidget.viewMatrix(camera)
    out = []
    for x, y, z in FITTED_POINTS:
        p = matrix.map(QVector4D(x, y, z, 1.0))
        out.append((p.x() / p.w(), p.y() / p.w()))
    return np.array(out)


@pytest.mark.parametrize("aspect", [0.6, 1.0, 1.75, 2.5, 4.0])
def test_the_fitted_distance_keeps_the_whole_box_in_pyqtgraphs_view(aspect):
    pytest.importorskip("OpenGL")
    distance = fitted_distance(FITTED_POINTS, (0, 0, HEIGHT / 2), 30, -55, 60, aspect)
    shown = np.abs(_pyqtgraph_view_coordinates(distance, aspect)).max()
    assert shown <= MARGIN + 1e-3  # all inside
    closer = np.abs(_pyqtgraph_view_coordinates(0.97 * distance, aspect)).max()
    assert closer > MARGIN  # and no farther than needed (to the 1 % the fit looks for)


def _surface_ready(panel) -> bool:
    return panel.grid is not None and panel.grid.final and not panel._busy


def test_presented_at_1280x720_the_controls_stand_beside_a_tall_view(qtbot, tmp_path):
    window, panel = trained_panel_at(
        qtbot, tmp_path / "s.ini", "cliff", "loss_surface", (1280, 720), 1.5, 5, _surface_ready
    )
    assert panel.arrangement.beside
    assert panel.tabs.height() >= 0.8 * panel.height()
    controls = panel.controls
    assert not controls.progress.isVisible() and not controls.cancel_button.isVisible()
    bottom = controls.auto_every.mapTo(panel, controls.auto_every.rect().bottomLeft()).y()
    top = panel.summary.mapTo(panel, panel.summary.rect().topLeft()).y()
    assert top > bottom  # the flow's rows do not overlap it
    assert panel_defects("loss_surface", panel, window) == []


def test_docked_at_1280x720_the_controls_stay_above_and_leave_more_room(qtbot, tmp_path):
    window, panel = trained_panel_at(
        qtbot, tmp_path / "s.ini", "cliff", "loss_surface", (1280, 720), 1.0, 5, _surface_ready
    )
    assert not panel.arrangement.beside  # a narrow dock: a column would starve the view
    assert not panel.controls.progress.isVisible()
    # the progress bar and Cancel took a row; the summary kept three lines for one
    assert panel.tabs.height() >= 0.4 * panel.height()
    with qtbot.waitSignal(panel.worker.finished, timeout=60_000):
        panel.recompute()
        qtbot.waitUntil(panel.controls.progress.isVisible, timeout=60_000)
    settle(panel)
    assert not panel.controls.progress.isVisible()
    assert panel_defects("loss_surface", panel, window) == []


def _top(widget, panel) -> int:
    return widget.mapTo(panel, widget.rect().topLeft()).y()


@pytest.mark.parametrize(
    "size, text_size",
    [((1280, 720), 1.0), ((1600, 1000), 1.0), ((1600, 1000), 1.5), ((1920, 1080), 1.0),
     ((1920, 1080), 1.5)],
    ids=str,
)  # fmt: skip
def test_docked_the_views_take_most_of_the_height(qtbot, tmp_path, size, text_size):
    """Docked (1280x720 at 1.0: a panel ~550 x 440 px), the views took 41 % of the panel's
    height (the 3D view ~460 x 180 px): four rows of controls, a two-line summary, a row for
    the legend. Now the summary is one line, with the legend and the step beside it, and
    log loss and Recompute stand in the view tabs' row: the views (the tab page, under the
    tabs) take more than 55 % of the height, and nothing is clipped or scrolled."""
    window, panel = trained_panel_at(
        qtbot, tmp_path / "s.ini", "cliff", "loss_surface", size, text_size, 5, _surface_ready
    )
    assert not window.presentation.active
    page = panel.tabs.currentWidget()
    assert page.height() > 0.55 * panel.height()
    line = panel.summary.fontMetrics().lineSpacing()
    assert panel.summary.height() < 2 * line  # one line
    assert _top(panel.legend, panel) == _top(panel.summary, panel)  # on its row
    tab_bar = panel.tabs.tabBar()
    for widget in (panel.controls.recompute_button, panel.log_scale):  # in the tabs' row
        assert _top(widget, panel) < _top(tab_bar, panel) + tab_bar.height()
        assert _top(widget, panel) + widget.height() > _top(tab_bar, panel)
    assert panel_defects("loss_surface", panel, window) == []
    holder = panel.parentWidget().parentWidget().parentWidget()  # holder, viewport, area
    assert not holder.verticalScrollBar().isVisible()
    assert not holder.horizontalScrollBar().isVisible()
