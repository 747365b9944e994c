"""A panel part that fits itself to the room its dock gives: the loss surface's settings
fold (surface_fold.py), the cell panel's equations fold (cell_fold.py) and the Predictions
summary fold (predictions_fold.py).

The room is what shows the panel: the viewport of the scroll area its dock holds it in (the
panel itself never gets smaller than its minimum, so a dock too short for it scrolls).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QWidget


def room_widget(panel: QWidget) -> QWidget:
    """What shows ``panel``: the viewport of the scroll area its dock holds it in, else the
    panel."""
    parent = panel.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent.viewport() if parent is not None else panel


class RoomWatch(QObject):
    """Calls ``fit(width, height)`` with the room that shows ``panel``: on ``fit_room`` and
    on each resize of it, once ``watch_room`` has found it (again after a re-dock)."""

    #: also on the class: the cyclic garbage collector empties an instance's __dict__ before
    #: the wrapper's dealloc deletes a panel Python owns (one made alone in a test), and the
    #: deletion still sends events to the filter (header_row.HeaderRow says more)
    _watched: QWidget | None = None

    def __init__(self, panel: QWidget) -> None:
        super().__init__(panel)
        self.panel = panel

    def fit(self, width: int, height: int) -> None:
        raise NotImplementedError

    def watch_room(self) -> None:
        """Follow the resizes of what shows the panel now."""
        shown = room_widget(self.panel)
        if shown is not self._watched:
            if self._watched is not None:
                self._watched.removeEventFilter(self)
            self._watched = shown
            shown.installEventFilter(self)

    def fit_room(self) -> None:
        if self._watched is not None:
            self.fit(self._watched.width(), self._watched.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._watched and event.type() == QEvent.Type.Resize:
            self.fit(event.size().width(), event.size().height())
        return False

    def row_width(self) -> int:
        """The width the panel's layout gives its rows (the panel's less its margins)."""
        margins = self.panel.layout().contentsMargins()
        return max(1, self.panel.width() - margins.left() - margins.right())

    def rows_height(self, leave_out: tuple, shown_left_out: int) -> int:
        """The height of the panel's layout rows but ``leave_out`` (widgets or row layouts;
        each row at its height for the row width, or its minimum; a hidden one none), its
        margins, and the spacing between all its shown rows, ``shown_left_out`` of the
        left-out ones among them."""
        layout = self.panel.layout()
        margins = layout.contentsMargins()
        height, rows = margins.top() + margins.bottom(), shown_left_out
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item.widget() in leave_out or item.layout() in leave_out or item.isEmpty():
                continue
            rows += 1
            if item.hasHeightForWidth():
                height += item.heightForWidth(self.row_width())
            else:
                height += item.minimumSize().height()
        return height + layout.spacing() * max(0, rows - 1)
