"""The loss surface is part of a session: computed in the real window, saved through the
File menu, and drawn again -- without computing -- when the file is opened."""

import numpy as np
from PySide6.QtWidgets import QFileDialog

from rnnviz.session.files import read_session
from rnnviz.ui.panels.surface_views import heights
from tests.ui.test_sessions_window import TIMEOUT, _menu_action, _train

GRID = 9  # points per side: a tiny, quick surface


def _computed_surface(qtbot, window):
    """Compute the cliff's surface at the current weights in the window's panel."""
    panel = window.panels["loss_surface"]
    panel.resolution.setValue(GRID)
    window.show_panel("loss_surface")
    step = window.trainer.step_count
    session = window.run_control.session
    qtbot.waitUntil(lambda: not panel._busy, timeout=TIMEOUT)  # any computation of the start
    panel.recompute()
    qtbot.waitUntil(
        lambda: session.surface is not None and session.surface.step == step, timeout=TIMEOUT
    )
    return panel, session.surface


def test_a_computed_surface_survives_save_and_open(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window("cliff")
    _train(qtbot, window, 12)
    _, surface = _computed_surface(qtbot, window)
    assert surface.grid.loss.shape == (GRID, GRID) and surface.step == 12
    target = tmp_path / "cliff_surface.rnnviz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    _menu_action(window, "Save").trigger()
    assert target.is_file()
    on_disk = read_session(target).surface
    for field in ("a", "b", "loss"):
        assert np.array_equal(getattr(on_disk.grid, field), getattr(surface.grid, field))

    other = make_window("adding_gru")
    panel = other.panels["loss_surface"]
    other.show_panel("loss_surface")
    qtbot.waitUntil(lambda: not panel._busy, timeout=TIMEOUT)
    jobs = panel.worker.job
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    _menu_action(other, "Open").trigger()
    assert other.trainer.step_count == 12
    # drawn from the file: the same grid, plane and step, and no computation started
    assert panel.grid is not None and panel.worker.job == jobs and not panel._busy
    for field in ("a", "b", "loss"):
        assert np.array_equal(getattr(panel.grid, field), getattr(surface.grid, field))
    assert np.array_equal(panel.plane.origin, surface.plane.origin)
    assert np.array_equal(panel.plane.directions, surface.plane.directions)
    assert panel.surface_step == 12 and panel.ranges == surface.ranges
    drawn = panel.tabs.image.image
    assert np.array_equal(drawn, heights(surface.grid.loss, panel.log_scale.isChecked()))
    assert "computed at step 12" in panel.summary.text()
    # the path of the opened run is drawn on it
    qtbot.waitUntil(lambda: "path" in panel.export_tables(), timeout=TIMEOUT)
    assert panel.export_tables()["path"].rows[-1][0] == 12
    # and saving the opened session keeps the surface
    assert other.save_session(tmp_path / "again.rnnviz")
    again = read_session(tmp_path / "again.rnnviz").surface
    assert np.array_equal(again.grid.loss, surface.grid.loss)
