"""Presentation mode: the window as a projector shows it.

F11 (View ▸ Presentation mode) hides the sidebar and the timeline, lets one panel fill the
window (or, with P, that panel and the next side by side), and grows the text to at least
``PROJECTOR_SCALE``. Page Down / Page Up go to the next / previous panel; F11 or Esc brings
back the layout and the text size as they were (the saved layout never holds the
presentation one), laid out anew for a preset opened meanwhile. The transport bar stays,
so Space / S still run and step the model in front of the class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QKeySequence

from rnnviz.ui import style
from rnnviz.ui.f11_hint import show_f11_hint

if TYPE_CHECKING:
    from rnnviz.ui.window import MainWindow

#: the smallest text scale in presentation mode (a projector at 1280×720 stays readable)
PROJECTOR_SCALE = 1.5


class Presentation:
    """The presentation-mode state of one window: which panel(s) fill it, and what to go back
    to (the dock layout and the text size)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.active = False
        self.paired = False
        self.current = ""  # the key of the panel that fills the window (the left one of a pair)
        self._raised = ""  # the panel most recently brought to the front (its tab raised)
        self._saved_state: QByteArray | None = None
        self._saved_scale = style.SCALE
        self._saved_aside: frozenset[str] = frozenset()  # the docks set aside then
        #: the actions that only act while presenting (disabled otherwise, so that Esc,
        #: Page Up / Down and P reach the widgets)
        self.actions: list[QAction] = []

    # -- entering and leaving ----------------------------------------------------------------
    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self, key: str | None = None) -> None:
        """Start presenting ``key`` (default: the panel with the keyboard focus, else the
        first panel on screen)."""
        if self.active:
            return
        window = self.window
        self._saved_state = window.saveState()
        self._saved_scale = style.SCALE
        self._saved_aside = window.display.set_aside
        self.current = key if key in window.docks else self._panel_in_front()
        self._set_active(True)
        show_f11_hint(window, False)  # (leaving refits the docks, which shows it if due)
        window.sidebar_dock.hide()
        window.timeline_dock.hide()
        if style.SCALE < PROJECTOR_SCALE:
            window.set_text_size(PROJECTOR_SCALE)
        self._show()
        # short: at 1280x720 the status bar's state, step, loss and speed leave ~600 px at
        # text 1.5 (the longer "Presentation mode: Page Down / Page Up next / previous
        # panel..." was cut, and "Presenting: PgDn / PgUp panels · P a pair · Esc leaves"
        # once a run had a speed)
        hint = "PgDn / PgUp: panels · P: a pair · Esc: leave"
        window.statusBar().showMessage(hint, 8000)

    def leave(self) -> None:
        """Back to the layout and text size from before presenting."""
        if not self.active:
            return
        window = self.window
        if style.SCALE != self._saved_scale:  # (still presenting: the docks are not laid
            window.set_text_size(self._saved_scale)  # out for it, the restore does that)
        self._set_active(False)
        window.restoreState(self._saved_state)
        # a preset opened while presenting: its panels shown, and the layout laid out for
        # them (the restored one was made for the preset before)
        window.display.set_aside_again(self._saved_aside)
        window.fit_tabs()

    def _set_active(self, active: bool) -> None:
        self.active = active
        for action in self.actions:
            action.setEnabled(active)

    # -- moving between panels ---------------------------------------------------------------
    def step(self, delta: int) -> None:
        """Show the next (+1) or previous (-1) panel."""
        if not self.active:
            return
        keys = self._keys()
        at = keys.index(self.current) if self.current in keys else -1
        self.current = keys[(at + delta) % len(keys)]
        self._show()

    def toggle_pair(self) -> None:
        """Show the current panel alone, or beside the next one."""
        if self.active:
            self.paired = not self.paired
            self._show()

    @property
    def shown(self) -> list[str]:
        """The keys of the panels on screen, left to right."""
        keys = self._keys()
        if not self.paired or len(keys) < 2 or self.current not in keys:
            return [self.current]
        return [self.current, keys[(keys.index(self.current) + 1) % len(keys)]]

    @property
    def walk(self) -> list[str]:
        """The panels Page Up / Page Down go through, in order."""
        return self._keys()

    def _keys(self) -> list[str]:
        """The panels Page Up / Page Down go through: those that apply to the run."""
        return self.window.display.applicable_keys() or list(self.window.docks)

    def _show(self) -> None:
        window, shown = self.window, self.shown
        docks = [window.docks[key] for key in shown]
        for key, dock in window.docks.items():
            if key not in shown:
                dock.hide()
        for dock in docks:
            dock.setFloating(False)
            dock.show()
        if len(docks) == 2:  # out of their tab groups first: Qt tabs a split of a tabbed dock
            for dock in docks:
                window.removeDockWidget(dock)
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, docks[0])
            window.splitDockWidget(docks[0], docks[1], Qt.Orientation.Horizontal)
            for dock in docks:
                dock.show()
            width = max(1, window.width() // 2)
            window.resizeDocks(docks, [width, width], Qt.Orientation.Horizontal)
        docks[0].raise_()
        docks[0].widget().setFocus()

    def raised(self, key: str) -> None:
        """``key``'s dock came to the front (outside presentation mode)."""
        if not self.active:
            self._raised = key

    def _panel_in_front(self) -> str:
        """The panel holding the keyboard focus, else the one last brought to the front,
        else the first one not hidden under a tab."""
        window = self.window
        focus = window.focusWidget()
        for key, dock in window.docks.items():
            if focus is not None and dock.isAncestorOf(focus):
                return key
        if self._raised in window.docks and window.docks[self._raised].isVisible():
            return self._raised
        for key, dock in window.docks.items():
            if dock.isVisible() and not dock.visibleRegion().isEmpty():
                return key
        return next(iter(window.docks))


def install_presentation(window: MainWindow) -> Presentation:
    """The presentation mode of ``window`` with its View-menu actions and keys."""
    presentation = Presentation(window)
    for key, dock in window.docks.items():
        dock.visibilityChanged.connect(lambda shown, k=key: shown and presentation.raised(k))
    menu = window.view_menu
    menu.addSeparator()
    toggle = QAction("&Presentation mode", window)
    toggle.setShortcut(QKeySequence(Qt.Key.Key_F11))
    toggle.setToolTip("One panel fills the window, large text, no sidebar (F11 or Esc leaves)")
    toggle.triggered.connect(presentation.toggle)
    menu.addAction(toggle)
    leave = QAction("Leave presentation mode", window)
    leave.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    leave.triggered.connect(presentation.leave)
    window.addAction(leave)
    presentation.actions.append(leave)
    for text, key, slot in (
        ("Next panel", Qt.Key.Key_PageDown, lambda: presentation.step(1)),
        ("Previous panel", Qt.Key.Key_PageUp, lambda: presentation.step(-1)),
        ("Pair with the next panel", Qt.Key.Key_P, presentation.toggle_pair),
    ):
        action = QAction(text + " (presentation mode)", window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        presentation.actions.append(action)
    for action in presentation.actions:
        action.setEnabled(False)
    return presentation
