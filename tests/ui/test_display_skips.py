"""The display does not redraw a panel that a scalar-only step would not change (display.py,
``Panel.scalar_steps_change_nothing``): the unrolled graph and the heatmaps keep their turn
for panels that do change, and still end on the newest full record, as before."""

from __future__ import annotations

from tests.ui.test_sessions_window import TIMEOUT


def _calls(panel) -> list:
    """Record every record ``panel.show_record`` gets (and still draw it)."""
    got, draw = [], panel.show_record

    def show_record(record, history):
        got.append(record)
        draw(record, history)

    panel.show_record = show_record
    return got


def test_panels_of_full_records_skip_scalar_steps_and_end_on_the_newest(qtbot, make_window):
    window = make_window("slot_filling_lstm")
    for key in ("unrolled", "memory"):
        window.show_panel(key)
    panels = [window.panels["unrolled"], window.panels["memory"]]
    assert all(panel.scalar_steps_change_nothing for panel in panels)
    assert not window.panels["loss"].scalar_steps_change_nothing
    visible = [p for p in panels if window.display.on_screen(p.key)]
    assert visible, "neither panel on screen"
    calls = {p.key: _calls(p) for p in visible}
    loss_calls = _calls(window.panels["loss"])
    window.transport.set_speed(None)
    window.run_steps(80)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 80, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: all(p.step_tag.step is not None for p in visible), timeout=TIMEOUT)
    newest_full = window.trainer.history.record_at(80)
    assert newest_full is not None and newest_full.full
    for panel in visible:
        got = calls[panel.key]
        assert got and all(record.full for record in got), panel.key  # never a scalar step
        assert got[-1].step == newest_full.step  # ends on the newest full record
        assert panel.step_tag.step == newest_full.step
    assert loss_calls and loss_calls[-1].step == 80  # the loss panel follows every step
    assert window.panels["loss"].step_tag.step == 80
