"""A one-line label that fits any width: its text is cut with "…" where the width ends, and
the whole text is then its tooltip.

A one-line QLabel is as wide as its text, so a long summary ("loss 3.776 accuracy 0.00438
bits_per_char 5.45") or notice made its panel wider than the dock at 1280x720 and the panel
scrolled sideways; a word-wrapped one gives its parent a height-for-width that a scroll area
turns into a tall minimum. This one asks for its text's width but takes whatever it gets.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """Plain text, one line per ``\\n``; ``text()`` is the whole text, what is drawn may be
    elided."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._tooltip = ""  # a tooltip set by the owner, shown when nothing is elided
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        self._full = text
        self.updateGeometry()
        self._fit()

    def text(self) -> str:
        return self._full

    def setToolTip(self, text: str) -> None:  # noqa: N802 (Qt name)
        self._tooltip = text
        self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        metrics = self.fontMetrics()
        lines = self._full.split("\n")
        width = max(metrics.horizontalAdvance(line) for line in lines)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right() + 2,
            len(lines) * metrics.lineSpacing() + margins.top() + margins.bottom(),
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(self.fontMetrics().horizontalAdvance("m" * 4), self.sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        width = max(1, self.contentsRect().width() - 2)
        lines = [
            metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
            for line in self._full.split("\n")
        ]
        shown = "\n".join(lines)
        if shown != super().text():
            super().setText(shown)
        super().setToolTip(self._full if shown != self._full else self._tooltip)
