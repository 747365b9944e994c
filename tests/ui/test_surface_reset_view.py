"""Issue 16 (screenshot pass): Reset re-applied the preset's loss-surface view (the cliff's
exact (w, b) plane, centred on the start) over the plane the user had picked in the panel.
A Reset keeps the user's plane, centre and span; a preset opened again gets its own view."""

from __future__ import annotations

from tests.ui.test_sessions_window import TIMEOUT


def pick(box, data) -> None:
    """Choose the entry holding ``data`` in a combo box, as a click on it does."""
    index = box.findData(data)
    assert index >= 0, data
    box.setCurrentIndex(index)
    box.activated.emit(index)


def test_reset_keeps_the_plane_picked_by_hand(qtbot, make_window):
    window = make_window("cliff")
    panel = window.panels["loss_surface"]
    controls = panel.controls
    assert (controls.plane_kind, controls.centre) == ("exact", "start")  # the preset's view
    pick(controls.plane_box, "pca")
    pick(controls.centre_box, "current")
    controls.span.setValue(3.0)
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=TIMEOUT)
    window.transport.reset_action.trigger()  # the Reset button (no question after 1 step)
    qtbot.waitUntil(lambda: window.trainer.step_count == 0, timeout=TIMEOUT)
    assert window.shown_step in (0, None)
    assert controls.plane_box.currentData() == "pca"
    assert controls.plane_kind == "pca" and controls.centre == "current"
    assert controls.span.value() == 3.0
    # a preset opened (again) gets the preset's first view
    window.load_preset("cliff")
    assert (controls.plane_kind, controls.centre) == ("exact", "start")
    assert controls.span.value() == 5.0
