"""The heatmap stack fitted to the room its dock gives (issue 16): docked at 1280x720 with
text 1.5 the gates panel needed 378-442 px and the memory panel 426-600 px of a 364 px dock,
and the dock scrolled. The stack's minimum is what the room leaves after the panel's other
rows: ``StackSizes.fit`` shrinks the data areas, then drops the trace plot, then the time
ticks (heatmap_stack.py applies it); a panel may also shorten its texts there
(``HeatmapPanel.set_short``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from rnnviz.ui.panels.room_watch import RoomWatch

#: pyqtgraph's title row (PlotItem.setTitle fixes it at 30 px) and a heatmap's bottom axis
TITLE_PX, HEAT_AXIS_PX = 30, 6
#: what goes under the heatmaps (StackSizes.fit)
TRACE, TICKS, BARE = "trace plot", "time ticks", "nothing"
#: the least data area of a heatmap (and of the trace plot) in a short dock: cells to click
LEAST_VIEW_PX = 14


@dataclass(frozen=True)
class StackSizes:
    """The fixed parts of the stack's plots, in px: a heatmap's title and axis, the trace
    plot's axes, the time ticks under the last heatmap without it, the layout's frame."""

    rows: int
    heat: int
    trace: int
    ticks: int
    frame: int

    def need(self, view: int, under: str) -> int:
        """The stack's height with data areas ``view`` px tall and ``under`` the heatmaps
        the trace plot, the time ticks or nothing (TRACE, TICKS, BARE)."""
        heatmaps = self.rows * (self.heat + view) + self.frame
        if under == TRACE:
            return heatmaps + self.trace + view
        return heatmaps + (self.ticks - HEAT_AXIS_PX if under == TICKS else 0)

    def fit(self, room: int | None, preferred: int) -> tuple[int, str]:
        """(data area height, what goes under the heatmaps) for ``room`` px: ``preferred``
        with the trace plot where it fits, less down to LEAST_VIEW_PX, then without the
        trace plot, then without the time ticks (a text task's coloured text has them)."""
        if room is None or self.need(preferred, TRACE) <= room:
            return preferred, TRACE
        for under in (TRACE, TICKS, BARE):
            plots = self.rows + (under == TRACE)
            spare = room - self.need(0, under)
            if spare >= LEAST_VIEW_PX * plots:
                return min(preferred, spare // plots), under
        return LEAST_VIEW_PX, BARE


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
        room = height - self.rows_height((self.panel.stack,), 1)
        short = stack.needs_more_than(room)
        if short:  # shorter texts first: they leave the stack more room
            self.panel.set_short(True)
            room = height - self.rows_height((self.panel.stack,), 1)
        stack.fit_room(room if short else None)
