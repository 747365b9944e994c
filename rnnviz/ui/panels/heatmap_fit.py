"""The heatmap stack fitted to the room its dock gives (issue 16): docked at 1280x720 with
text 1.5 the gates panel needed 378-442 px and the memory panel 426-600 px of a 364 px dock,
and the dock scrolled. The stack's minimum is what the room leaves after the panel's other
rows (heatmap_stack.py shrinks the data areas, then drops the trace plot); a panel may also
shorten its texts there (``HeatmapPanel.set_short``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from rnnviz.ui.panels.room_watch import RoomWatch


class StackRoom(RoomWatch):
    """Gives ``panel.stack`` the height the room leaves it, on each resize of the room."""

    def __init__(self, panel: QWidget) -> None:
        super().__init__(panel)  # (self.panel)

    def refit(self) -> None:
        """Fit to the room seen last (new texts above or below the stack)."""
        self.watch_room()
        self.fit_room()

    def fit(self, width: int, height: int) -> None:
        stack = self.panel.stack
        if height <= 0 or stack.isHidden():
            return
        if self._watched is self.panel:  # a panel on its own: no dock to fit
            stack.fit_room(None)
            return
        self.panel.set_short(False)
        room = height - self._others_height()
        short = stack.needs_more_than(room)
        if short:  # shorter texts first: they leave the stack more room
            self.panel.set_short(True)
            room = height - self._others_height()
        stack.fit_room(room if short else None)

    def _others_height(self) -> int:
        """The height of the panel's rows but the stack, with its margins and spacing."""
        layout = self.panel.layout()
        margins = layout.contentsMargins()
        width = max(1, self.panel.width() - margins.left() - margins.right())
        height = margins.top() + margins.bottom()
        for i in range(layout.count()):
            item = layout.itemAt(i)
            widget = item.widget()
            if widget is self.panel.stack or item.isEmpty():
                continue
            if item.hasHeightForWidth():
                height += item.heightForWidth(width)
            else:
                height += item.minimumSize().height()
            height += layout.spacing()
        return height
