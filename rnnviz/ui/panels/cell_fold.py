"""The cell panel's equations folded away in a short dock, a button ("=") away.

Docked at 1280x720 with text 1.5 the cell panel has ~350 px of height: its header took ~90,
the lecture's two equation lines ~60 (the peephole LSTM's four ~130), and the drawing,
whose smallest form with plot-font text is 313 px high, fell below the fold behind a scroll
bar. The equations restate the numbers the drawing shows, so where the panel with them
shown and the drawing at the plot font's size would not fit the height its dock gives,
they are folded: the "=" button beside the unit box shows them again, and its tooltip holds
them. A choice by hand is kept while the dock stays short; where the dock has the room
(1600x1000 and larger) the equations are always shown and the button hidden.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QToolButton, QWidget

from rnnviz.ui import style
from rnnviz.ui.panels.room_watch import RoomWatch

TIP = (
    "Show or hide the equations. In a dock too short for them and the drawing they are "
    "hidden so that the drawing keeps its text size."
)


class EquationsFold(RoomWatch):
    """Shows or hides ``equations`` in ``panel`` by the room there is (``fit``) or by the
    ``button`` (checked: shown). ``needs(width)``: the panel's height at ``width`` with the
    equations shown and the drawing at the plot font's size."""

    def __init__(self, panel: QWidget, equations: QWidget, needs: Callable[[int], int]) -> None:
        super().__init__(panel)
        self.equations, self.needs = equations, needs
        self.active = True  # a cell with equations (not the note of an Elman network)
        self.by_hand = False  # pressed while the dock was short: no folding by height
        self.button = QToolButton()
        self.button.setText("=")  # a word pushed the header onto a third line at 1280x720
        self.button.setCheckable(True)
        self.button.setChecked(True)
        self.button.setVisible(False)
        self.button.setToolTip(TIP)
        style.follow_text_size(self.button, 1)
        self.button.clicked.connect(self._pressed)
        # one fit after the layout pass in which texts or fonts changed (owned by the fold:
        # no call reaches it once the panel is gone)
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.fit_room)
        equations.installEventFilter(self)  # a new text size: new heights

    @property
    def folded(self) -> bool:
        return self.active and not self.equations.isVisibleTo(self.panel)

    def set_active(self, active: bool) -> None:
        """Equations to show (``active``) or none (the equations and the button hidden)."""
        self.active, self.by_hand = active, False
        self.equations.setVisible(active)
        self.button.setChecked(active)
        self.button.setVisible(False)
        self.refit()

    def set_equations(self, text: str) -> None:
        """The equations now shown, in the button's tooltip (read there while folded)."""
        self.button.setToolTip(f"{TIP}<br><br>{text}" if text else TIP)

    def _pressed(self, shown: bool) -> None:
        self.by_hand = True
        self.equations.setVisible(shown)

    def watch(self) -> None:
        """Fit after this layout pass and on each resize of what shows the panel."""
        self.watch_room()
        self.refit()

    def refit(self) -> None:
        """Fit again after a layout pass (new texts or a new text size change the heights)."""
        self._pending.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.equations and event.type() == QEvent.Type.FontChange:
            self.refit()
        return super().eventFilter(watched, event)

    def fit(self, width: int, height: int) -> None:
        """Fold the equations if the panel with them shown would be higher than ``height``
        at ``width`` (unless shown or hidden by hand); the button only in a short dock."""
        if not self.active or width <= 0 or height <= 0:
            return
        short = self.needs(width) > height
        self.button.setVisible(short)
        if not short:
            self.by_hand = False
        shown = self.button.isChecked() if self.by_hand else not short
        self.button.setChecked(shown)
        if shown != self.equations.isVisibleTo(self.panel):
            self.equations.setVisible(shown)
