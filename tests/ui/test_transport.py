"""Run, Pause, Step, Reset and their shortcuts, clicked on the real window."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from tests.ui.threads import lingering

TIMEOUT = 10_000


def button(window, action):
    return window.transport.widgetForAction(action)


def click(qtbot, window, action):
    qtbot.mouseClick(button(window, action), Qt.MouseButton.LeftButton)


def loss_points(window) -> int:
    x, _ = window.panels["loss"].raw_curve.getData()
    return 0 if x is None else len(x)


def test_run_trains_and_pause_stops(qtbot, make_window):
    window = make_window("lecture_lstm")
    assert window.shown_step == 0 and not window.running
    click(qtbot, window, window.transport.run_action)
    assert window.running
    qtbot.waitUntil(lambda: window.shown_step >= 5 and loss_points(window) >= 5, timeout=TIMEOUT)
    assert window.status_step.text().startswith("step ")
    click(qtbot, window, window.transport.run_action)  # pause
    assert not window.running
    stopped_at = window.trainer.step_count
    assert window.shown_step == stopped_at  # the last step is drawn
    assert window.status_step.text() == f"step {stopped_at}"
    qtbot.waitUntil(lambda: not window.display_timer.isActive() or True)
    assert window.trainer.step_count == stopped_at  # nothing trains while paused


def test_step_advances_exactly_one(qtbot, make_window):
    window = make_window("lecture_lstm")
    click(qtbot, window, window.transport.step_action)
    qtbot.waitUntil(lambda: window.shown_step == 1 and not window.running, timeout=TIMEOUT)
    click(qtbot, window, window.transport.step_action)
    qtbot.waitUntil(lambda: window.shown_step == 2 and not window.running, timeout=TIMEOUT)
    assert window.trainer.step_count == 2
    assert len(window.trainer.history) == 2


def test_reset_returns_to_step_zero_with_seed_weights(qtbot, make_window):
    window = make_window("adding_rnn")
    initial = window.trainer.weights()
    window.run_steps(5)
    qtbot.waitUntil(lambda: window.shown_step == 5 and not window.running, timeout=TIMEOUT)
    trained = window.trainer.weights()
    assert any(not np.array_equal(initial[k], trained[k]) for k in initial)
    click(qtbot, window, window.transport.reset_action)
    assert window.trainer.step_count == 0 and window.shown_step == 0
    assert len(window.trainer.history) == 0
    assert loss_points(window) == 0
    after = window.trainer.weights()
    assert all(np.array_equal(initial[k], after[k]) for k in initial)


def test_reset_while_running_stops_the_worker(qtbot, make_window):
    window = make_window("lecture_lstm")
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= 3, timeout=TIMEOUT)
    window.reset()
    assert not window.running and window.trainer.step_count == 0


def test_keyboard_shortcuts(qtbot, make_window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    yes = QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", lambda *args: yes)  # Reset may ask first
    window = make_window("lecture_lstm")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.shown_step == 1 and not window.running, timeout=TIMEOUT)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.shown_step >= 3, timeout=TIMEOUT)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.running
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.trainer.step_count == 0


def test_slow_speed_paces_steps(qtbot, make_window):
    import time

    window = make_window("lecture_lstm")
    window.transport.set_speed(10)
    assert window.transport.speed_label.text().strip() == "10 steps/s"
    started = time.monotonic()
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= 3, timeout=TIMEOUT)
    elapsed = time.monotonic() - started
    window.pause()
    # steps 2 and 3 each waited 0.1 s; at full speed three steps take a few ms
    assert elapsed >= 0.18


def test_closing_while_training_leaves_no_thread(qtbot, make_window):

    window = make_window("lecture_lstm")
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= 2, timeout=TIMEOUT)
    window.close()
    assert not window.running
    assert not lingering()
