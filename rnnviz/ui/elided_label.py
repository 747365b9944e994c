"""A one-line label that fits any width: its text is cut with "…" where the width ends, and
the whole text is then its tooltip (before the tooltip its owner gave it).

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
    elided. ``max_lines`` (None: all) shows only the first lines, the last of them ending
    with how many more the tooltip holds."""

    def __init__(
        self, text: str = "", parent: QWidget | None = None, max_lines: int | None = None
    ) -> None:
        super().__init__(parent)
        self._full = ""
        self._tooltip = ""  # a tooltip set by the owner, shown when nothing is elided
        self.max_lines = max_lines
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

    def _lines(self) -> list[str]:
        """The lines drawn (before eliding): the first ``max_lines``, the last with a note
        of the hidden ones ("(+2 more, ⚠)" when one of them is a warning)."""
        lines = self._full.split("\n")
        if self.max_lines is None or len(lines) <= self.max_lines:
            return lines
        shown, hidden = lines[: self.max_lines], lines[self.max_lines :]
        warning = ", ⚠" if any(line.startswith("⚠") for line in hidden) else ""
        shown[-1] += f"  (+{len(hidden)} more{warning})"
        return shown

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        metrics = self.fontMetrics()
        lines = self._lines()
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
        lines = [_elided(metrics, line, width) for line in self._lines()]
        shown = "\n".join(lines)
        if shown != super().text():
            super().setText(shown)
        if shown == self._full:
            super().setToolTip(self._tooltip)
        else:  # the whole text, and the owner's tooltip after it
            super().setToolTip("\n\n".join(part for part in (self._full, self._tooltip) if part))


def _elided(metrics, line: str, width: int) -> str:
    """``line`` cut with "…" to ``width``, keeping a trailing note of hidden lines whole."""
    body, note, _ = line.partition("  (+")
    if not note or metrics.horizontalAdvance(line) <= width:
        return metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
    tail = "  (+" + line[len(body) + len(note) :]
    room = max(1, width - metrics.horizontalAdvance(tail))
    return metrics.elidedText(body, Qt.TextElideMode.ElideRight, room) + tail
