"""The status bar's suggestion of presentation mode, for as long as the docked layout is not
whole: its tab groups crowded (tabs behind scroll arrows, groups stacked: ``show_f11_hint``)
or a panel on screen scrolling in its dock (``watch_scrolling``; at 1280x720 with text 1.5
the gradient and recurrent-matrix panels need 384-458 px of a 364 px dock).

It stays: a timed message had shown it only after a layout built from scratch, and a later
message ("Ready: ...") replaced it; a status bar widget is only covered while a message
shows. It is hidden while presentation mode shows one panel at a time.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea

from rnnviz.ui.elided_label import ElidedLabel

F11_HINT = "Small window for this text size: F11 shows one panel at a time"
#: the hint's object name in the status bar
HINT_NAME = "f11Hint"


class Hint(ElidedLabel):
    """The hint (elided beside the run's state at 1.5x text), with the layout's state."""

    def __init__(self) -> None:
        super().__init__(F11_HINT)
        self.setObjectName(HINT_NAME)
        self.setToolTip(F11_HINT)
        self.crowded = False  # the tab groups do not fit whole
        self.areas: list[QScrollArea] = []  # the docks' scroll areas
        # one look after the layout pass in which scroll ranges or shown tabs changed (a
        # relayout changes the ranges many times over)
        self.pending = QTimer(self)
        self.pending.setSingleShot(True)
        self.pending.setInterval(0)

    def due(self, window: QMainWindow) -> bool:
        presentation = getattr(window, "presentation", None)
        if presentation is not None and presentation.active:
            return False
        return self.crowded or any(
            on_screen(area) and area.verticalScrollBar().maximum() > 0 for area in self.areas
        )


def on_screen(area: QScrollArea) -> bool:
    """Whether ``area`` shows on screen: a dock behind another's tab can be "visible" and
    placed outside the window (-628, -901 after a text-size change), seen nowhere."""
    return area.isVisible() and not area.visibleRegion().isEmpty()


def _hint(window: QMainWindow) -> Hint:
    hint = window.statusBar().findChild(Hint, HINT_NAME)
    if hint is None:
        hint = Hint()
        hint.hide()
        hint.pending.timeout.connect(lambda: update_f11_hint(window))
        window.statusBar().addWidget(hint, 1)
    return hint


def show_f11_hint(window: QMainWindow, crowded: bool) -> None:
    """The layout's tab groups are ``crowded`` or not: the hint shown if due."""
    hint = _hint(window)
    hint.crowded = crowded
    update_f11_hint(window)


def watch_scrolling(window: QMainWindow, dock: QDockWidget, area: QScrollArea) -> None:
    """The hint also while ``area`` (``dock``'s) shows its panel with a scroll bar."""
    hint = _hint(window)
    hint.areas.append(area)
    area.verticalScrollBar().rangeChanged.connect(hint.pending.start)
    dock.visibilityChanged.connect(hint.pending.start)  # a tab raised or put behind


def update_f11_hint(window: QMainWindow) -> None:
    hint = _hint(window)
    due = hint.due(window)
    if due != hint.isVisibleTo(window.statusBar()):
        hint.setVisible(due)
