"""A flow layout: items left to right, wrapping to the next line when the row is full.

superqt's ``QFlowLayout`` (BSD-3-Clause, itself Qt's flow layout example in Python), kept
here for ``HeaderRow``: importing superqt imports all of its widgets (~0.35 s of every
start-up on a 2-core machine) for this one class. ``HeaderRow`` overrides ``_doLayout``.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QStyle, QWidget


class FlowLayout(QLayout):
    """Items in rows; ``_doLayout(rect, test_only)`` places them and returns their height."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._item_list: list[QLayoutItem] = []
        self._h_space = -1
        self._v_space = -1

    def __del__(self) -> None:
        while item := self.takeAt(0):
            del item

    def addItem(self, item: QLayoutItem | None) -> None:  # noqa: N802 (Qt API)
        if item:
            self._item_list.append(item)

    def setHorizontalSpacing(self, space: int | None) -> None:  # noqa: N802 (Qt API)
        self._h_space = -1 if space is None else space

    def horizontalSpacing(self) -> int:  # noqa: N802 (Qt API)
        if self._h_space >= 0:
            return self._h_space
        return self._smart_spacing(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)

    def setVerticalSpacing(self, space: int | None) -> None:  # noqa: N802 (Qt API)
        self._v_space = -1 if space is None else space

    def verticalSpacing(self) -> int:  # noqa: N802 (Qt API)
        if self._v_space >= 0:
            return self._v_space
        return self._smart_spacing(QStyle.PixelMetric.PM_LayoutVerticalSpacing)

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt API)
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return self._doLayout(QRect(0, 0, width, 0), True)

    def count(self) -> int:
        return len(self._item_list)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        try:
            return self._item_list[index]
        except IndexError:
            return None

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt API)
        size = QSize()
        for item in self._item_list:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt API)
        super().setGeometry(rect)
        self._doLayout(rect)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.minimumSize()

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        if 0 <= index < len(self._item_list):
            return self._item_list.pop(index)
        return None

    def _doLayout(self, rect: QRect, test_only: bool = False) -> int:  # noqa: N802
        raise NotImplementedError  # HeaderRow's

    def _smart_spacing(self, metric: QStyle.PixelMetric) -> int:
        """The parent widget's style's spacing (-1 without a parent)."""
        parent = self.parent()
        if isinstance(parent, QWidget) and (style := parent.style()):
            return style.pixelMetric(metric, None, parent)
        return -1
