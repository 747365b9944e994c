"""A panel's header row that wraps instead of clipping.

A QHBoxLayout header (summary, combo boxes, buttons, the step tag) is as wide as all its
widgets together: in a narrow dock the summary was squeezed to nothing and the buttons
pushed out of sight behind a scroll bar ("t + 1" at 1280x720, "Animate step" at 1600x1000).
A flow layout (superqt's) puts what does not fit on the next line.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy, QWidget
from superqt import QFlowLayout


class HeaderRow(QFlowLayout):
    """``addWidget(widget, stretch, alignment)`` like a QHBoxLayout's (the stretch and the
    alignment are moot in a flow); ``addStretch`` does nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.setContentsMargins(0, 0, 0, 0)

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
        super().addWidget(widget)

    def addStretch(self, stretch: int = 0) -> None:  # noqa: N802 (Qt name)
        pass
