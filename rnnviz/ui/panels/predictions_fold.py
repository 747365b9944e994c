"""The Predictions panel's summary line folded to one line in a short dock, a button away.

Docked at 1280x720 with text 1.5 the lecture's panel is ~600 x 365 px: its summary ("x1 =
1 3 2 4 2 1 3 6 1; x2 = …; target = …; output = …", the table in the lecture's notation)
wrapped over four lines, and with the title and the table it pushed the plot below the
fold. Where the whole summary would leave the plot less than ``LEAST_PLOT`` px, it is shown
as one line cut with "…", the whole text in its tooltip; the "▸" button beside the title
shows it whole again (a choice by hand is kept until the panel is reset). Only where there
is a plot to make room for: char_lstm's coloured text is the panel's content.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QToolButton, QWidget

from rnnviz.ui.elided_label import ElidedLabel
from rnnviz.ui.panels.room_watch import RoomWatch

#: the least height the plot keeps before the summary is folded to one line
LEAST_PLOT = 130


class SummaryFold(RoomWatch):
    """Shows ``whole`` (the word-wrapped summary) or ``line`` (the same text in one elided
    line) in ``panel``, by the room there is for ``plot`` or by the ``button``."""

    def __init__(self, panel: QWidget, whole: QLabel, line: ElidedLabel, plot: QWidget) -> None:
        super().__init__(panel)  # (self.panel)
        self.whole, self.line, self.plot = whole, line, plot
        self.by_hand = False  # the user pressed the button: no more folding by height
        self._folded = False  # by height or by hand; shown so only where the fold applies
        self.button = QToolButton()
        self.button.setCheckable(True)
        self.button.setChecked(True)
        self.button.setToolTip(
            "Show the summary line whole, or in one line (its whole text in the line's "
            "tooltip). In a short dock it is one line so that the plot has the room."
        )
        self.button.clicked.connect(self._pressed)
        self.button.setVisible(False)

    @property
    def folded(self) -> bool:
        """The summary is shown in one line."""
        return self._folded and self._applies()

    def reset(self) -> None:
        """A new run: fold by height again."""
        self.by_hand = False

    def _pressed(self, shown: bool) -> None:
        self.by_hand = True
        self._show(folded=not shown)

    def _applies(self) -> bool:
        """A summary to show and a plot to make room for."""
        return bool(self.line.text()) and not self.plot.isHidden()

    def _show(self, folded: bool) -> None:
        self._folded = folded
        applies = self._applies()
        self.button.setVisible(applies)
        self.button.setChecked(not folded)
        self.button.setText("▾" if not folded else "▸")
        has_text = bool(self.whole.text())
        self.whole.setVisible(has_text and not (applies and folded))
        self.line.setVisible(has_text and applies and folded)

    def watch(self) -> None:
        """Fit now and on each resize of what shows the panel."""
        self.watch_room()
        self.refit()

    def refit(self) -> None:
        """Fit to the room seen last (a new summary, a plot shown or hidden)."""
        if self._watched is None:
            self._show(self._folded)
        else:
            self.fit_room()

    def fit(self, width: int, height: int) -> None:
        """Fold the summary if shown whole it would leave the plot less than ``_least_plot``
        px of ``height`` (unless shown or folded by hand)."""
        if self.by_hand or height <= 0:
            self._show(self._folded)
            return
        self._show(self._others_height() + self._whole_height() + self._least_plot() > height)

    def _others_height(self) -> int:
        """The rows but the summary and the plot (both shown: two more gaps between rows)."""
        return self.rows_height((self.whole, self.line, self.plot), 2)

    def _whole_height(self) -> int:
        return self.whole.heightForWidth(self.row_width())

    def _least_plot(self) -> int:
        return LEAST_PLOT
