"""Issue 16: where the docked layout cannot be whole (date_attention at 1024x600, text 1.5:
its groups stacked), or a panel on screen scrolls in its dock (most of the gradient and
matrix panels at 1280x720, text 1.5), the status bar suggests presentation mode, and the
suggestion stays for as long as that is so. It had been a timed message shown only when
the layout was built from scratch, and the next message ("Ready: ...") replaced it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

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


def test_the_hint_shows_while_a_panel_on_screen_scrolls(qtbot, tmp_path):
    """At 1280x720, text 1.5, the lecture's layout is whole (two groups, every tab in
    sight) but some panels need more height than their dock has. Each panel brought to the
    front in turn: the hint is shown exactly while a dock on screen shows a scroll bar; in
    a window with room for every panel it goes."""
    from PySide6.QtWidgets import QScrollArea

    from tests.ui.layout_check import settle

    window = shown(qtbot, tmp_path, (1280, 720), 1.5)
    areas = [dock.widget() for dock in window.docks.values()]
    areas = [area for area in areas if isinstance(area, QScrollArea)]

    def scrolling() -> list[str]:
        """The panels on screen (not merely "visible") with a scroll bar in their dock."""
        return [
            area.widget().panel.key
            for area in areas
            if area.isVisible()
            and not area.visibleRegion().isEmpty()
            and area.verticalScrollBar().isVisible()
        ]

    seen = set()
    for key, panel in window.panels.items():
        window.show_panel(key)
        if not panel.isVisible():
            continue  # not for this run
        settle(panel)
        QApplication.processEvents()  # the hint looks after the layout pass
        assert hint_shown(window) == bool(scrolling()), (key, scrolling())
        seen.add(bool(scrolling()))
    assert True in seen
    window.resize(1920, 1080)  # room for every panel of the lecture at text size 1.0
    window.set_text_size(1.0)
    settle(window)
    QApplication.processEvents()
    assert not scrolling()
    assert not hint_shown(window)
