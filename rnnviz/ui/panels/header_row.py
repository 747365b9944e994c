"""A panel's header row that wraps instead of clipping.

A QHBoxLayout header (summary, combo boxes, buttons, the step tag) is as wide as all its
widgets together: in a narrow dock the summary was squeezed to nothing and the buttons
pushed out of sight behind a scroll bar ("t + 1" at 1280x720, "Animate step" at 1600x1000).
A flow layout (Qt's "Flow Layout" example) puts what does not fit on the next line; a
summary wider than the whole row is given the row's width and wraps (a flow that lays every
item out at its size hint, as superqt's QFlowLayout did, let a long summary run past the
dock's edge: the loss line at 1280x720).

Why not superqt's QFlowLayout: importing it imports the whole superqt package and qtpy,
whose wrappers make PySide build its signature database, 100-160 ms of every start
(issue 23, target 5) for a layout whose placement this class had replaced already.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QStyle,
    QWidget,
)


class HeaderRow(QLayout):
    """``addWidget(widget, stretch, alignment)`` like a QHBoxLayout's (the alignment is moot
    in a flow; a label with a stretch is a summary, which wraps); ``addStretch`` does
    nothing."""

    # Also on the class: the cyclic garbage collector empties an instance's __dict__ before
    # the wrapper's dealloc deletes a widget Python owns (a panel made alone in a test), and
    # Qt then asks its layouts for their items ("'SurfaceControls' object has no attribute
    # '_item_list'", a failure 1 run in ~20).
    _item_list: tuple = ()
    _h_space = _v_space = -1

    def __init__(self) -> None:
        super().__init__()
        self._item_list: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout: the items, and sizes from the flow ----------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt API)
        self._item_list.append(item)

    def count(self) -> int:
        return len(self._item_list)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        return self._item_list[index] if 0 <= index < len(self._item_list) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        return self._item_list.pop(index) if 0 <= index < len(self._item_list) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt API)
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return self._doLayout(QRect(0, 0, width, 0), test_only=True)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt API)
        super().setGeometry(rect)
        self._doLayout(rect)

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt API)
        """The largest item's minimum (the flow can put every item on a line of its own)."""
        size = QSize()
        for item in self._item_list:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.minimumSize()

    def horizontalSpacing(self) -> int:  # noqa: N802 (Qt API)
        """The spacing set, else the parent's style's (-1 without a parent)."""
        return self._h_space if self._h_space >= 0 else self._style_spacing(True)

    def verticalSpacing(self) -> int:  # noqa: N802 (Qt API)
        return self._v_space if self._v_space >= 0 else self._style_spacing(False)

    def _style_spacing(self, horizontal: bool) -> int:
        parent = self.parent()
        if not isinstance(parent, QWidget):
            return -1
        metric = QStyle.PixelMetric
        pm = metric.PM_LayoutHorizontalSpacing if horizontal else metric.PM_LayoutVerticalSpacing
        return parent.style().pixelMetric(pm, None, parent)

    def setHorizontalSpacing(self, space: int) -> None:  # noqa: N802 (Qt API)
        self._h_space = space

    def setVerticalSpacing(self, space: int) -> None:  # noqa: N802 (Qt API)
        self._v_space = space

    def addWidget(  # noqa: N802 (Qt name)
        self, widget: QWidget, stretch: int = 0, alignment: Qt.AlignmentFlag | None = None
    ) -> None:
        policy = widget.sizePolicy()
        if policy.horizontalPolicy() == QSizePolicy.Policy.Ignored:
            # a summary: laid out at its text's width (an Ignored width is 0 in a flow), but
            # never a minimum that makes the panel scroll sideways (a long text is cut)
            policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
            widget.setSizePolicy(policy)
            widget.setMinimumWidth(40)
        if isinstance(widget, QLabel) and (stretch > 0 or widget.minimumWidth() == 40):
            widget.setWordWrap(True)  # a summary: at most the row's width, wrapped as needed
        super().addWidget(widget)

    def addStretch(self, stretch: int = 0) -> None:  # noqa: N802 (Qt name)
        pass

    def _doLayout(self, rect: QRect, test_only: bool = False) -> int:  # noqa: N802
        """The flow, but no item wider than the row (a wrapping label then takes the
        height its text needs at that width). Returns the height the items take."""
        left, top, right, bottom = self.getContentsMargins()
        area = rect.adjusted(left, top, -right, -bottom)
        # a hidden widget takes no room
        items = [item for item in self._item_list if not item.isEmpty()]
        sizes = [_fitted(item, area.width()) for item in items]
        corners, height = self._flow(sizes, area.width())
        if not test_only:
            for item, corner, size in zip(items, corners, sizes, strict=True):
                item.setGeometry(QRect(corner + area.topLeft(), size))
        return area.y() + height - rect.y() + bottom

    def height_of(self, widgets: list[QWidget], width: int) -> int:
        """The height ``widgets`` would take in this flow ``width`` wide, shown or not (a
        hidden widget's layout item has no size: their size hints are used)."""
        return self._flow([widget.sizeHint() for widget in widgets], width)[1]

    def _flow(self, sizes: list[QSize], width: int) -> tuple[list[QPoint], int]:
        """Where boxes of ``sizes`` go in a row ``width`` wide from (0, 0): beside the one
        before while they fit, else on the next line; and the height of all the lines."""
        space_x = self._spacing(Qt.Orientation.Horizontal)
        space_y = self._spacing(Qt.Orientation.Vertical)
        corners, x, y, line_height = [], 0, 0, 0
        for size in sizes:
            if x + size.width() > width and x > 0:
                x, y, line_height = 0, y + line_height + space_y, 0
            corners.append(QPoint(x, y))
            x += size.width() + space_x
            line_height = max(line_height, size.height())
        return corners, y + line_height

    def _spacing(self, orientation: Qt.Orientation) -> int:
        """The spacing set, else the style's between two buttons (as Qt's flow example)."""
        horizontal = orientation == Qt.Orientation.Horizontal
        space = self.horizontalSpacing() if horizontal else self.verticalSpacing()
        if space >= 0:
            return space
        button = QSizePolicy.ControlType.PushButton  # at least 6 px: a label must not touch
        return max(6, QApplication.style().layoutSpacing(button, button, orientation))


def _fitted(item: QLayoutItem, width: int) -> QSize:
    """``item``'s size hint, at most ``width`` wide (and as high as that width needs)."""
    hint = item.sizeHint()
    label = item.widget()
    if isinstance(label, QLabel) and label.wordWrap():  # its hint is a narrow column
        # at least its minimum: a label held at its widest text (the cell panel's "t = ...
        # input ...") must not let the next widget move in and out as its text changes
        natural = min(max(_one_line_width(label), label.minimumWidth()), width)
        return QSize(natural, item.heightForWidth(natural))
    if hint.width() <= width:
        return hint
    width = max(width, item.minimumSize().width())
    height = item.heightForWidth(width) if item.hasHeightForWidth() else hint.height()
    return QSize(width, max(height, hint.height() if not item.hasHeightForWidth() else 0))


def _one_line_width(label: QLabel) -> int:
    """The width ``label``'s text takes unwrapped (a wrapping label's size hint is a narrow
    column: "loss / 7.4e-08 / accuracy / 1" one word a line). Kept with the label for its
    text and font: a layout pass asks 3-4 times, and the summaries change at every draw."""
    margins = label.contentsMargins()
    key = (label.text(), label.font().key(), label.textFormat(), label.margin())
    key += (margins.left(), margins.right())
    kept = getattr(label, "_rnnviz_one_line", None)
    if kept is not None and kept[0] == key:
        return kept[1]
    width = _measure_one_line(label)
    label._rnnviz_one_line = (key, width)
    return width


def _measure_one_line(label: QLabel) -> int:
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    text = label.text()
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    document.setHtml(text) if rich else document.setPlainText(text)
    margins = label.contentsMargins()
    extra = margins.left() + margins.right() + 2 * max(0, label.margin()) + 4
    return int(document.idealWidth()) + extra
