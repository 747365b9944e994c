"""Issue 16: where the docked layout cannot be whole (date_attention at 1024x600, text 1.5:
its groups stacked), the status bar suggests presentation mode, and the suggestion stays
for as long as that is so. It had been a timed message shown only when
the layout was built from scratch, and the next message ("Ready: ...") replaced it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from rnnviz.ui.f11_hint import F11_HINT
from tests.ui.test_tab_refit import open_from_presets_menu, shown


def hint_shown(window) -> bool:
    """Whether a visible label of the status bar reads the hint, or its message does."""
    bar = window.statusBar()
    labels = [label for label in bar.findChildren(QLabel) if label.isVisible()]
    return any(label.text() == F11_HINT for label in labels) or bar.currentMessage() == F11_HINT


def press_key(qtbot, window, key) -> None:
    """``key`` as a user presses it: to the focused widget of the active window."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    qtbot.keyClick(window.focusWidget() or window, key)


def test_the_hint_stays_while_the_layout_is_crowded(qtbot, tmp_path):
    window = shown(qtbot, tmp_path, (1024, 600), 1.5, preset="date_attention")
    assert hint_shown(window)
    window.statusBar().showMessage("Ready: something else", 100)  # a later message
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "", timeout=5_000)
    assert hint_shown(window)

    window.resize(1600, 1000)  # whole there, every panel too: no hint
    open_from_presets_menu(window, "lecture_lstm")
    qtbot.waitUntil(lambda: not hint_shown(window), timeout=15_000)

    window.resize(1024, 600)
    open_from_presets_menu(window, "date_attention")  # crowded again: back once the
    qtbot.waitUntil(lambda: hint_shown(window), timeout=15_000)  # "Ready" message is gone

    press_key(qtbot, window, Qt.Key.Key_F11)  # presenting: no hint about F11
    assert window.presentation.active
    assert not hint_shown(window)
    press_key(qtbot, window, Qt.Key.Key_F11)
    assert not window.presentation.active
    qtbot.waitUntil(lambda: hint_shown(window), timeout=15_000)
