"""The NTM memory panel in the real window on the ntm_copy preset: it draws the shown
sample's weightings and memory from the record, follows the cursor, takes clicks, exports its
numbers, says what it is for on other models; the sidebar's NTM settings."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from tests.ui.test_export import check_png, trained_window

TIMEOUT = 30_000


def shown_panel(qtbot, window):
    window.show_panel("ntm_memory")
    QApplication.processEvents()
    panel = window.panels["ntm_memory"]
    qtbot.waitUntil(lambda: panel.record is not None, timeout=TIMEOUT)
    return panel


def test_ntm_copy_trains_and_the_panel_shows_the_trace(qtbot, make_window, tmp_path):
    window = trained_window(qtbot, make_window, "ntm_copy", steps=3)
    assert window.trainer.spec.kind == "ntm"
    panel = shown_panel(qtbot, window)
    assert panel.view.isVisible() and not panel.note.isVisible()
    ntm = window.trainer.history.record_at(panel.step_tag.step).sample.trace["ntm"]
    T, N, W = 17, 32, 12
    assert ntm["write_weights"].shape == (T, 1, N) and ntm["memory"].shape == (T, N, W)
    write, read = panel.write_image.image, panel.read_image.image
    assert write.shape == (N, T) and read.shape == (N, T)  # slot down, t across
    np.testing.assert_allclose(write, ntm["write_weights"][:, 0].T, rtol=1e-6)
    np.testing.assert_allclose(read, ntm["read_weights"][:, 0].T, rtol=1e-6)
    np.testing.assert_allclose(write.sum(0), 1.0, atol=1e-5)  # every column is a weighting
    window.cursor.set_t(4)
    assert [line.value() for line in panel.lines] == [4.5, 4.5]
    np.testing.assert_allclose(panel.memory_image.image, ntm["memory"][4], rtol=1e-6)
    slot = int(ntm["write_weights"][4, 0].argmax())
    assert panel.summary.text().startswith(f"t = 5 · write → {slot + 1} (")
    assert f"β = {ntm['read_beta'][4, 0]:.2f}" in panel.params.text()
    assert f"γ = {ntm['write_gamma'][4, 0]:.2f}" in panel.params.text()
    assert "erase [" in panel.params.text() and "shift -1:" in panel.params.text()
    plot = panel.read_plot  # a click on a weighting selects that t
    scene_point = plot.vb.mapViewToScene(QPointF(9.5, 3.5))
    view_point = panel.view.mapFromScene(scene_point)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=view_point)
    qtbot.waitUntil(lambda: window.cursor.t == 9, timeout=TIMEOUT)
    np.testing.assert_allclose(panel.memory_image.image, ntm["memory"][9], rtol=1e-6)
    tables = panel.export_tables()
    assert set(tables) == {"write_weights", "read_weights", "memory", "heads"}
    check_png(panel, tmp_path, "ntm_memory")
    window.show_panel("unrolled")  # it draws the controller and says where the memory is
    unrolled = window.panels["unrolled"]
    qtbot.waitUntil(lambda: "NTM memory panel" in unrolled.summary.text(), timeout=TIMEOUT)


def test_other_models_get_a_note_instead_of_a_memory(qtbot, make_window):
    window = make_window("adding_lstm")
    window.show_panel("ntm_memory")
    panel = window.panels["ntm_memory"]
    assert panel.note.isVisible() and not panel.view.isVisible()
    assert "ntm_copy" in panel.note.text()


def test_sidebar_shows_the_ntm_settings_and_refuses_a_shift_too_wide(qtbot, make_window):
    window = make_window("ntm_copy")
    sidebar, model = window.sidebar, window.sidebar.model
    form = model._form
    boxes = model.ntm.boxes
    assert all(form.isRowVisible(box) for box in boxes.values())
    assert not form.isRowVisible(model.clock_periods)
    assert boxes["memory_slots"].value() == 32 and boxes["memory_width"].value() == 12
    assert boxes["controller"].currentData() == "lstm"
    assert all(len(box.toolTip()) > 40 for box in boxes.values())
    boxes["memory_slots"].setValue(4)
    boxes["shift_range"].setValue(2)
    assert sidebar.message.text().startswith("Not applied")
    assert "shift_range" in sidebar.message.text() and not sidebar.apply_button.isEnabled()
    boxes["shift_range"].setValue(1)
    boxes["controller"].setCurrentIndex(boxes["controller"].findData("feedforward"))
    qtbot.mouseClick(sidebar.apply_button, Qt.MouseButton.LeftButton)
    spec = window.trainer.spec
    assert (spec.memory_slots, spec.shift_range, spec.controller) == (4, 1, "feedforward")
    model.kind.setCurrentIndex(model.kind.findData("gru"))
    assert not any(form.isRowVisible(box) for box in boxes.values())


def test_the_lstm_controllers_gates_are_shown_and_a_feedforward_one_is_named(qtbot, make_window):
    window = make_window("ntm_copy")
    window.show_panel("gates")
    gates = window.panels["gates"]
    assert [row.key for row in gates.rows] == ["i", "f", "o"] and not gates.note.isVisible()
    model = window.sidebar.model
    controller = model.ntm.boxes["controller"]
    controller.setCurrentIndex(controller.findData("feedforward"))
    qtbot.mouseClick(window.sidebar.apply_button, Qt.MouseButton.LeftButton)
    assert window.trainer.spec.controller == "feedforward"
    assert gates.rows is None and "feedforward layer without gates" in gates.note.text()
    window.show_panel("cell_diagram")
    assert "feedforward layer without gates" in window.panels["cell_diagram"].note.text()
