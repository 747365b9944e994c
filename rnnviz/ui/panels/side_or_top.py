"""A panel's information (controls, summary, legend) above its view, or beside it when the
dock is wide and short.

At 1280x720 the loss surface shared a ~330 px high dock with its controls (two rows), a
three-line summary, its legend and the view tabs: the 3D view was ~130 px high, its axis
labels cut, while two thirds of the dock's width stood empty beside the controls. Beside
the view, the information takes a column of ``SIDE_LINES`` lines' width and the view all
of the height.
"""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QLayout, QWidget

#: the side column's width in lines of text (at the widget's own font): wide enough for a
#: combo box and two buttons on a row
SIDE_LINES = (14, 20)
#: the share of the width the side column takes between those bounds
SIDE_SHARE = 0.3


class SideOrTop(QWidget):
    """``info`` over ``view``, or ``info`` in a column left of ``view`` when that leaves the
    view at least as wide as it is high and ``info`` fits the height at that width."""

    def __init__(self, info: QWidget, view: QLayout) -> None:
        super().__init__()
        self.info = info
        self._box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.addWidget(info)
        self._box.addLayout(view, 1)
        self._view = view

    @property
    def beside(self) -> bool:
        return self._box.direction() == QBoxLayout.Direction.LeftToRight

    def side_width(self, width: int) -> int:
        """The column's width in a ``width`` wide panel: never under what ``info`` needs (a
        box layout lays a wrapping row out at its minimum width if the column is narrower,
        and the rows then overlap what follows)."""
        line = self.fontMetrics().height()
        low, high = (n * line for n in SIDE_LINES)
        wanted = int(min(max(SIDE_SHARE * width, low), high))
        return max(wanted, self.info.minimumSizeHint().width())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.arrange(event.size().width(), event.size().height())

    def arrange(self, width: int, height: int) -> None:
        side = self.side_width(width)
        # the view no narrower than it asks to be (the tabs' row with its buttons)
        room = max(height, self._view.sizeHint().width() + self._box.spacing())
        beside = width - side >= room and self.info.heightForWidth(side) <= height
        if beside == self.beside and (not beside or self.info.width() == side):
            return
        if beside:
            self.info.setFixedWidth(side)
            self._box.setDirection(QBoxLayout.Direction.LeftToRight)
        else:
            self.info.setMinimumWidth(0)
            self.info.setMaximumWidth(16777215)  # QWIDGETSIZE_MAX
            self._box.setDirection(QBoxLayout.Direction.TopToBottom)
