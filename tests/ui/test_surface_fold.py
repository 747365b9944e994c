"""The loss surface's settings fold away in a short dock (issue 16: docked at 1280x720 with
text 1.5 its plane, centre, parameters, span, grid and auto rows took the whole panel, the
3D view had no height and the dock scrolled); the gear button beside the view tabs shows
them, and a choice made with it is kept."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.layout_check import panel_defects, settle, shown_window


def _surface_in_front(qtbot, tmp_path, size, text_size):
    window = shown_window(qtbot, tmp_path / "s.ini", "cliff", size, text_size)
    window.run_steps(5)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 5, timeout=60_000)
    window.show_panel("loss_surface")
    panel = window.panels["loss_surface"]
    qtbot.waitUntil(lambda: panel.grid is not None and panel.grid.final, timeout=60_000)
    settle(panel)
    return window, panel


def _scroll_area(panel):
    return panel.parentWidget().parentWidget().parentWidget()  # holder, viewport, area


def test_docked_at_1280x720_x1_5_the_settings_fold_and_the_view_has_room(qtbot, tmp_path):
    window, panel = _surface_in_front(qtbot, tmp_path, (1280, 720), 1.5)
    assert not window.presentation.active
    controls, gear = panel.controls, panel.settings_fold.button
    assert not controls.plane_box.isVisible() and not controls.span.isVisible()
    assert gear.isVisible() and not gear.isChecked()
    area = _scroll_area(panel)
    assert not area.verticalScrollBar().isVisible()
    page = panel.tabs.currentWidget()
    assert page.height() > 0.5 * area.viewport().height()
    tab_bar = panel.tabs.tabBar()  # both view tabs whole beside the buttons
    for index in range(tab_bar.count()):
        assert tab_bar.tabRect(index).right() < tab_bar.width()
    assert panel_defects("loss_surface", panel, window) == []

    qtbot.mouseClick(gear, Qt.MouseButton.LeftButton)  # the settings shown by hand
    settle(panel)
    assert controls.plane_box.isVisible() and controls.log_scale.isVisible()
    assert controls.recompute_button.text() == "Recompute"
    window.resize(1280, 700)  # a resize keeps the user's choice
    settle(panel)
    assert controls.plane_box.isVisible()
    qtbot.mouseClick(gear, Qt.MouseButton.LeftButton)
    settle(panel)
    assert not controls.plane_box.isVisible()


def test_with_room_the_settings_stay_shown(qtbot, tmp_path):
    window, panel = _surface_in_front(qtbot, tmp_path, (1600, 1000), 1.0)
    controls = panel.controls
    assert controls.plane_box.isVisible() and controls.resolution.isVisible()
    assert panel.settings_fold.button.isChecked()
    assert controls.recompute_button.text() == "Recompute"
    assert panel_defects("loss_surface", panel, window) == []
