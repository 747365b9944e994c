"""``SteadyLabel``: a word-wrapped rich-text label as tall as the tallest of the texts it
will show, so stepping through them never moves what lies below it (the cell drawing under
its equations jumped a line whenever an equation wrapped onto one more line). The tallest
text so far is kept until ``release``: a new sequence with shorter texts keeps the height."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel


class SteadyLabel(QLabel):
    def __init__(self) -> None:
        super().__init__("")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self._texts: tuple[str, ...] = ()
        self._tallest = ""  # the tallest text at the last width measured
        # measures each text as this label would lay it out, at its font and width
        self._probe = QLabel()
        self._probe.setTextFormat(Qt.TextFormat.RichText)
        self._probe.setWordWrap(True)

    def hold_for(self, texts) -> None:
        """Keep the height of the tallest of ``texts`` (and of the tallest so far)."""
        self._texts = (self._tallest, *texts) if self._tallest else tuple(texts)
        self._hold()

    def release(self) -> None:
        """Forget the texts held for (a new run)."""
        self._texts, self._tallest = (), ""
        self.setMinimumHeight(0)

    def height_at(self, width: int) -> int:
        """The height of the tallest text held for, laid out ``width`` wide."""
        return self._tallest_at(width)[0]

    def _tallest_at(self, width: int) -> tuple[int, str]:
        self._probe.setFont(self.font())
        tallest, tallest_text = 0, self._tallest
        for text in self._texts:
            self._probe.setText(text)
            height = self._probe.heightForWidth(width)
            if height > tallest:
                tallest, tallest_text = height, text
        return tallest, tallest_text

    def _hold(self) -> None:
        tallest, self._tallest = self._tallest_at(self.width())
        if tallest != self.minimumHeight():
            self.setMinimumHeight(tallest)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._hold()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._hold()
