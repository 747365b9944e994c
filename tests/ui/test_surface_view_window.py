"""The loss surface's first view in the real window (issue 16, defect 6): the cliff opens on
the (w, b) plane around its start with the wall in view and the path inside it, the
centre combo moves the region, the staleness line counts the steps since the surface was
computed, and a preset with a bad surface field is refused with one sentence."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from rnnviz.engine.presets import load_preset
from tests.ui.test_own_model import file_action
from tests.ui.test_sessions_window import TIMEOUT, _train

GRID = 21
#: where the cliff preset starts, (w, b), read from its file (not from the panel)
START = [load_preset("cliff").weights[n].item() for n in ("rnn.weight_hh_l0", "rnn.bias_hh_l0")]


def cliff_panel(qtbot, make_window):
    window = make_window("cliff")
    panel = window.panels["loss_surface"]
    panel.resolution.setValue(GRID)
    window.show_panel("loss_surface")
    qtbot.waitUntil(lambda: panel.grid is not None and not panel._busy, timeout=TIMEOUT)
    if panel.grid.loss.shape[0] != GRID:  # the first surface began before the grid was set
        recompute(qtbot, panel)
    return window, panel


def recompute(qtbot, panel, action=None) -> None:
    with qtbot.waitSignal(panel.worker.finished, timeout=TIMEOUT) as blocker:
        (action or panel.recompute)()
    assert blocker.args[0] == "done"


def centre_of(panel) -> np.ndarray:
    (a0, a1), (b0, b1) = panel.ranges
    return np.array([(a0 + a1) / 2, (b0 + b1) / 2])


def test_the_cliff_opens_on_its_wall_with_the_path_inside(qtbot, make_window):
    window, panel = cliff_panel(qtbot, make_window)
    assert panel.controls.plane_kind == "exact" and panel.controls.centre == "start"
    assert panel.plane.labels == ("rnn.weight_hh_l0", "rnn.bias_hh_l0")
    assert panel.controls.span.value() == 5.0
    np.testing.assert_allclose(centre_of(panel), START)
    # the start (step 0) lies inside the plotted region, drawn on the map
    qtbot.waitUntil(lambda: "main" in panel._paths, timeout=TIMEOUT)
    assert panel.exit_step("main") is None
    assert "leaves the plotted region" not in panel.summary.text()
    x, y = panel.tabs.map_start.getData()  # the start's mark
    np.testing.assert_allclose([x[0], y[0]], START, atol=1e-6)
    # the wall: the loss over the region spans orders of magnitude, not a flat square
    loss = panel.grid.loss[np.isfinite(panel.grid.loss)]
    assert loss.size == GRID * GRID and loss.max() / loss.min() > 1e3
    assert panel.colour_bar.isVisible() and len(panel.colour_bar.labels) >= 3


def test_the_staleness_line_counts_the_steps_since_the_surface(qtbot, make_window):
    window, panel = cliff_panel(qtbot, make_window)
    assert panel.summary.text().startswith("computed at step 0 (the step shown)")
    _train(qtbot, window, 7)
    qtbot.waitUntil(lambda: "7 steps ago" in panel.summary.text(), timeout=TIMEOUT)
    assert panel.summary.text().startswith("computed at step 0 — 7 steps ago")
    _train(qtbot, window, 1)
    qtbot.waitUntil(lambda: "8 steps ago" in panel.summary.text(), timeout=TIMEOUT)
    recompute(qtbot, panel)
    qtbot.waitUntil(lambda: panel.summary.text().startswith("computed at step 8 (the step"))


def test_the_centre_combo_moves_the_region(qtbot, make_window):
    window, panel = cliff_panel(qtbot, make_window)
    _train(qtbot, window, 20)  # along the valley, before the jump off the wall
    box = panel.controls.centre_box
    recompute(qtbot, panel, lambda: box.setCurrentIndex(box.findData("current")))
    current = panel.source.weights  # the weights the surface was made at, step 20
    assert panel.source.step == 20 and not np.allclose(current, START)
    np.testing.assert_allclose(centre_of(panel), current)
    recompute(qtbot, panel, lambda: box.setCurrentIndex(box.findData("start")))
    np.testing.assert_allclose(centre_of(panel), START)


def test_a_preset_with_a_bad_surface_field_is_refused_with_a_sentence(
    qtbot, make_window, tmp_path, monkeypatch
):
    window = make_window("adding_rnn")
    before = window.run_settings
    bad = {"task": {"kind": "sine"}, "surface": {"plane": "exact", "centre": "middle"}}
    path = tmp_path / "bad_surface.json"
    path.write_text(json.dumps(bad))
    warnings = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (str(path), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    file_action(window, "Open preset file…").trigger()
    assert warnings == [
        "preset 'bad_surface': surface.centre must be one of current, start (got 'middle')"
    ]
    assert window.run_settings is before
    # a parameter the model lacks: refused when the run is built, said in the sidebar
    bad["surface"] = {"plane": "exact", "params": ["rnn.weight_hh_l0[0, 0]", "rnn.gain"]}
    path.write_text(json.dumps(bad))
    file_action(window, "Open preset file…").trigger()
    assert window.run_settings is before
    message = window.sidebar.message.text()
    assert "Not applied: surface.params names 'rnn.gain', which is not a trained scalar" in message


def test_the_progress_bar_is_drawn_with_the_next_paint_not_inside_the_update(qtbot, make_window):
    """QProgressBar.setValue repaints inside the call (8-57 ms a time, ~90 times a surface),
    on the GUI thread: the panel's updates wait for the next paint instead."""
    from PySide6.QtCore import QEvent, QObject

    window, panel = cliff_panel(qtbot, make_window)
    bar = panel.controls.progress
    paints = []

    class Count(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
            if event.type() == QEvent.Type.Paint:
                paints.append(bar.value())
            return False

    counter = Count(bar)
    bar.installEventFilter(counter)
    panel.controls.show_state("%p%", 0, busy=True)  # (the bar shows while computing)
    panel.controls.set_percent(37, 100)
    assert paints == [] and bar.value() == 37  # stored, not drawn yet
    qtbot.waitUntil(lambda: 37 in paints, timeout=TIMEOUT)


def test_the_parameter_lists_name_every_scalar_without_listing_them(
    qtbot, make_window, monkeypatch
):
    """The exact plane's combos show the names planes.scalar_labels gives, row for row, made
    when shown (a string per weight would cost seconds for a big model)."""
    from rnnviz.engine import surface
    from rnnviz.engine.surface import planes

    reference = planes.scalar_labels
    for where in (planes, surface):
        monkeypatch.setattr(where, "scalar_labels", lambda *_: pytest.fail("scalars listed"))
    window = make_window("adding_lstm")
    panel = window.panels["loss_surface"]
    window.show_panel("loss_surface")
    qtbot.waitUntil(lambda: panel.source is not None, timeout=TIMEOUT)
    names = reference(panel.source.names, panel.source.shapes)
    box = panel.controls.param_b
    assert box.count() == len(names) == sum(p.numel() for p in window.trainer.params.values())
    assert [box.itemText(i) for i in range(box.count())] == names
    assert panel.controls.params == (0, 1)
    box.setCurrentIndex(len(names) - 1)
    assert panel.controls.params == (0, len(names) - 1)
