"""A surface written by ``rnnviz surface`` (computed in blocks outside the window) is drawn
by the window when it opens the file, without computing, with the settings it was made with."""

import numpy as np
from PySide6.QtWidgets import QFileDialog

from rnnviz.cli import main
from rnnviz.session.files import read_session
from rnnviz.session.session import Session
from rnnviz.ui.panels.surface_views import heights
from tests.ui.test_sessions_window import TIMEOUT, _menu_action

GRID = 7


def test_the_window_draws_the_cli_surface_without_computing(
    qtbot, make_window, tmp_path, monkeypatch
):
    path = tmp_path / "cliff.rnnviz"
    session = Session()
    session.load_preset("cliff")
    for _ in range(6):
        session.trainer.step()
    session.save(path)
    flags = ["--resolution", str(GRID), "--plane", "exact", "--params", "1", "0", "--span", "3"]
    assert main(["surface", str(path), *flags]) == 0
    surface = read_session(path).surface

    window = make_window("adding_gru")
    panel = window.panels["loss_surface"]
    panel.resolution.setValue(GRID)  # its own first surface: small (a 101² one took 60 s loaded)
    window.show_panel("loss_surface")
    qtbot.waitUntil(lambda: not panel._busy, timeout=TIMEOUT)
    jobs = panel.worker.job
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    _menu_action(window, "Open").trigger()
    assert window.trainer.step_count == 6
    assert panel.grid is not None and panel.worker.job == jobs and not panel._busy
    assert np.array_equal(panel.grid.loss, surface.grid.loss)
    assert panel.ranges == (
        (-3.0 + surface.plane.center[0], 3.0 + surface.plane.center[0]),
        (-3.0 + surface.plane.center[1], 3.0 + surface.plane.center[1]),
    )
    controls = panel.controls
    assert (controls.plane_kind, controls.params, controls.span.value()) == ("exact", (1, 0), 3.0)
    assert controls.resolution.value() == GRID
    drawn = panel.tabs.image.image
    assert np.array_equal(drawn, heights(surface.grid.loss, panel.log_scale.isChecked()))
    assert "computed at step 6" in panel.summary.text()


def test_the_panel_computes_an_encoder_decoders_surface(qtbot, make_window):
    """date_attention once failed with KeyError 'rnn.weight_ih_l0' (a plain RNN's path)."""
    window = make_window("date_attention")
    panel = window.panels["loss_surface"]
    panel.resolution.setValue(5)
    window.show_panel("loss_surface")
    session = window.run_control.session
    qtbot.waitUntil(lambda: not panel._busy, timeout=TIMEOUT)
    panel.recompute()
    qtbot.waitUntil(lambda: session.surface is not None, timeout=TIMEOUT)
    grid = session.surface.grid
    assert grid.loss.shape == (5, 5) and np.isfinite(grid.loss).all()
    assert grid.method != "stacked" and "Error" not in panel.summary.text()
