"""The loss surface's settings folded away in a short dock, a button (a gear) away.

Docked at 1280x720 with text 1.5 the panel is ~400 x 350 px and its settings (plane,
centre, parameters, span, grid, auto) wrap onto five or six rows: they took the whole
height, the views none, and the dock scrolled. Where the settings would take more than
``FOLD_SHARE`` of the height the dock gives, they are folded (log loss, by the view tabs,
too); the gear button beside the view tabs shows them again (a choice by hand is kept
until the panel is rebuilt). Cancel and the progress bar stay out of the fold: a
computation under way is always seen.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QToolButton,
    QWidget,
)

from rnnviz.ui.panels.header_row import HeaderRow
from rnnviz.ui.panels.room_watch import RoomWatch

#: the share of the panel's height the settings may take before they are folded
FOLD_SHARE = 0.4


class SettingsFold(RoomWatch):
    """Shows or hides ``settings`` (widgets in the row ``flow``) by the room there is for
    ``panel`` (``fit``, on every resize of what shows it) or by the ``button``
    (checked: shown)."""

    def __init__(
        self,
        panel: QWidget,
        flow: HeaderRow,
        settings: list[QWidget],
        also: list[QWidget],
        terse: dict[QAbstractButton, str],
        summary_row: SummaryRow,
    ) -> None:
        super().__init__(panel)
        self.settings = settings
        self.also = also  # folded with them, but not in their flow (log loss by the tabs)
        #: button -> (its text, its text while folded): Recompute a "↻" beside the tabs
        self.terse = {button: (button.text(), text) for button, text in terse.items()}
        self.summary_row = summary_row
        self.flow = flow  # the row the settings are laid out in
        self.by_hand = False  # the user pressed the button: no more folding by height
        self.button = QToolButton()
        self.button.setText("⚙")  # a word squeezed the view tabs in a 400 px dock
        self.button.setCheckable(True)
        self.button.setChecked(True)
        self.button.setToolTip(
            "Settings: show or hide the surface's plane, centre, parameters, span, grid, "
            "auto recompute and log loss. In a short dock they are hidden so that the "
            "surface has the room."
        )
        self.button.clicked.connect(self._pressed)

    @property
    def folded(self) -> bool:
        return not self.button.isChecked()

    def _pressed(self, shown: bool) -> None:
        self.by_hand = True
        self._show(shown)

    def _show(self, shown: bool) -> None:
        self.button.setChecked(shown)
        for widget in (*self.settings, *self.also):
            widget.setVisible(shown)
        for button, (text, short) in self.terse.items():
            button.setText(text if shown else short)
        self.summary_row.stack(not shown)

    def watch(self) -> None:
        """Fit now and on each resize of what shows the panel."""
        self.watch_room()
        self.fit_room()

    def fit(self, width: int, height: int) -> None:
        """Fold the settings if their rows at ``width`` would take more than FOLD_SHARE of
        ``height`` (unless shown or hidden by hand)."""
        if self.by_hand or width <= 0 or height <= 0:
            return
        shown = self.flow.height_of(self.settings, width) <= FOLD_SHARE * height
        if shown != (not self.folded):
            self._show(shown)


class SummaryRow(QGridLayout):
    """The summary, the paths' legend and the step tag on one row; ``stack``ed (a narrow,
    folded panel), the summary on a row of its own: beside them it had no width left."""

    def __init__(self, summary: QWidget, legend: QWidget, step_tag: QWidget) -> None:
        super().__init__()
        self.setContentsMargins(0, 0, 0, 0)
        self.summary, self.legend, self.step_tag = summary, legend, step_tag
        self.stacked: bool | None = None
        self.stack(False)

    def stack(self, stacked: bool) -> None:
        if stacked == self.stacked:
            return
        self.stacked = stacked
        # stacked, the legend may break between its entries: one line was wider than the
        # panel (cliff's "━ this run ━ clipped" and the step tag at 1280x720, text 1.5)
        self.legend.setWordWrap(stacked)
        for widget in (self.summary, self.legend, self.step_tag):
            self.removeWidget(widget)
        if stacked:
            self.addWidget(self.summary, 0, 0, 1, 3)
            self.addWidget(self.legend, 1, 0)
            self.addWidget(self.step_tag, 1, 2)
        else:
            self.addWidget(self.summary, 0, 0)
            self.addWidget(self.legend, 0, 1)
            self.addWidget(self.step_tag, 0, 2)
        self.setColumnStretch(0, 1)
