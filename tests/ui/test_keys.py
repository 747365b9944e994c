"""The keymap in the real window: ← → move t from every panel and never train, a focused
widget keeps the keys it uses (Space presses a focused button, arrows move a table), and
Reset asks before discarding unsaved steps (ui/keys.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

TIMEOUT = 10_000


@pytest.fixture
def active(qtbot, make_window):
    def make(preset: str = "lecture_lstm"):
        window = make_window(preset)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
        return window

    return make


def trained(qtbot, window, steps: int) -> None:
    window.run_steps(steps)
    qtbot.waitUntil(lambda: window.shown_step == steps and not window.running, timeout=TIMEOUT)


def test_arrows_move_t_from_every_panel_and_never_train(qtbot, active):
    window = active("lecture_lstm")
    trained(qtbot, window, 1)
    T = window.trainer.display_batch.x.shape[0]
    for key, panel in window.panels.items():
        window.show_panel(key)
        # the GL surface's first show deactivates the window under Xvfb (a user clicks)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
        panel.setFocus()
        qtbot.waitUntil(panel.hasFocus, timeout=TIMEOUT)
        window.cursor.set_t(3)
        qtbot.keyClick(panel, Qt.Key.Key_Right)
        assert window.cursor.t == 4, key
        qtbot.keyClick(panel, Qt.Key.Key_Left)
        qtbot.keyClick(panel, Qt.Key.Key_Comma)
        assert window.cursor.t == 2, key
        qtbot.keyClick(panel, Qt.Key.Key_Period)
        assert window.cursor.t == 3, key
        assert window.trainer.step_count == 1 and not window.running, key
    window.cursor.set_t(T - 1)
    qtbot.keyClick(window.panels["cell_diagram"], Qt.Key.Key_Right)
    assert window.cursor.t == T - 1  # stays inside the sequence


def test_arrows_in_the_predictions_table_move_the_table(qtbot, active):
    window = active("lecture_lstm")
    trained(qtbot, window, 1)
    window.show_panel("predictions")
    table = window.panels["predictions"].table
    table.setFocus()
    table.setCurrentCell(0, 2)
    qtbot.waitUntil(table.hasFocus, timeout=TIMEOUT)
    assert window.cursor.t == 2  # the table's column is the time step
    qtbot.keyClick(table, Qt.Key.Key_Right)
    assert table.currentColumn() == 3  # moved once, by the table (not by t's shortcut too)
    assert window.cursor.t == 3 and window.trainer.step_count == 1


def test_space_presses_a_focused_button_not_run(qtbot, active):
    window = active("lecture_lstm")
    trained(qtbot, window, 1)
    window.show_panel("unrolled")
    button = window.panels["unrolled"].animate_button
    button.setFocus()
    qtbot.waitUntil(button.hasFocus, timeout=TIMEOUT)
    with qtbot.waitSignal(button.clicked, timeout=TIMEOUT):
        qtbot.keyClick(button, Qt.Key.Key_Space)
    assert not window.running and window.trainer.step_count == 1


def test_letters_in_a_combo_box_search_it_and_never_train_or_reset(qtbot, active):
    window = active("lecture_lstm")
    trained(qtbot, window, 2)
    combo = window.sidebar.model.kind
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=TIMEOUT)
    for key in (Qt.Key.Key_R, Qt.Key.Key_S, Qt.Key.Key_Space):
        qtbot.keyClick(combo, key)
        combo.hidePopup()
    assert window.trainer.step_count == 2 and not window.running


@pytest.mark.parametrize("answer, steps_after", [("Cancel", 8), ("Yes", 0)])
def test_reset_asks_before_discarding_unsaved_steps(
    qtbot, active, monkeypatch, answer, steps_after
):
    window = active("lecture_lstm")
    trained(qtbot, window, 8)
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "question", question)
    combo = window.sidebar.model.kind  # Ctrl+R works from a focused sidebar widget too
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=TIMEOUT)
    qtbot.keyClick(combo, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1 and "8 trained steps" in asked[0]
    assert window.trainer.step_count == steps_after


def test_help_lists_every_shortcut(qtbot, active, monkeypatch):
    from rnnviz.ui.keys import KEYMAP

    window = active("lecture_lstm")
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(args[2]))
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    next(a for a in help_menu.actions() if "Keyboard" in a.text()).trigger()
    assert all(keys in shown[0] and what in shown[0] for keys, what in KEYMAP)
    tips = {a.toolTip() for a in window.transport.actions()}
    assert any("(S)" in tip for tip in tips) and any("(Ctrl+R)" in tip for tip in tips)
