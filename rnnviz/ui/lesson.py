"""The lesson strip: what the open preset teaches, on screen, under the transport bar.

Collapsed (the default) it is one line (elided to the width): the preset's title and, before
the first training step, which keys to press, afterwards the first sentence of its
description; "more" unfolds the whole description (what to watch, what to press). A preset
with a ``tour`` (the lecture's worked example) adds "walk through": the strip then shows the
caption of the selected time step t, and ← / → (which move t in every panel) step through
the story.
View ▸ Lesson strip hides the strip.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

#: shown until the first training step of a run
FIRST_STEP_HINT = (
    "Space trains, S takes one step, ← → move the time step t; click a panel's ? to learn "
    "how to read it."
)


def first_sentence(text: str) -> str:
    """The text up to its first full stop followed by a space (the whole text if none)."""
    match = re.search(r"(?<=[.!?])\s", text)
    return text[: match.start()] if match else text


class LessonStrip(QToolBar):
    """A bar with the preset's lesson; ``show_lesson`` on every new run."""

    def __init__(self, cursor, parent: QWidget | None = None) -> None:
        super().__init__("Lesson strip", parent)
        self.cursor = cursor
        self.setObjectName("lesson")
        self.setMovable(False)
        self.label = QLabel()
        self.label.setObjectName("lessonText")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more = QToolButton()
        self.more.setCheckable(True)
        self.more.setToolTip("Show the whole description of this preset, or one line of it")
        self.more.toggled.connect(self._render)
        self.walk = QToolButton()
        self.walk.setText("walk through")
        self.walk.setCheckable(True)
        self.walk.setToolTip(
            "Tell the preset's example one time step at a time: → next t, ← back "
            "(the panels follow)"
        )
        self.walk.toggled.connect(self._walk_toggled)
        # one row widget, not three tool-bar items: a tool bar moves the items that do not
        # fit its width into its "»" overflow menu, judged by their minimum widths, and a
        # one-line label's minimum is its whole (elided) text, so at 1280x720 "more" went
        # there, off screen (issue 16). In a row the label takes what the buttons leave.
        self.label.setMinimumWidth(1)
        for button in (self.walk, self.more):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row = QWidget()
        row.setObjectName("lessonRow")
        row.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.label, 1)
        line.addWidget(self.walk, 0, Qt.AlignmentFlag.AlignTop)
        line.addWidget(self.more, 0, Qt.AlignmentFlag.AlignTop)
        self.row = row
        self.addWidget(row)
        self.title = ""
        self.description = ""
        self.hint = True
        self.tour: tuple[str, ...] = ()
        self._rich, self._wrap, self._line, self._plain = "", False, "", ""
        cursor.t_changed.connect(lambda _t: self.walk.isChecked() and self._render())

    def show_lesson(
        self, title: str, description: str, first_step: bool, tour: tuple[str, ...] = ()
    ) -> None:
        """A new run: its preset's ``title``, ``description`` and ``tour`` (captions by time
        step); ``first_step``: nothing trained yet, so the key hint is shown."""
        self.title, self.description, self.hint, self.tour = title, description, first_step, tour
        self.walk.blockSignals(True)
        self.walk.setChecked(False)
        self.walk.blockSignals(False)
        self.more.setEnabled(True)
        self.walk.setVisible(bool(tour))
        self.more.setVisible(first_sentence(description) != description)
        self._render()

    def _walk_toggled(self, on: bool) -> None:
        if on:
            self.cursor.set_t(0)  # the story starts at t = 1
        self.more.setEnabled(not on)
        self._render()

    def caption(self) -> str:
        """The walk-through's caption for the selected time step (rich text)."""
        t = self.cursor.t
        if not 0 <= t < len(self.tour):
            return f"<b>t = {t + 1}</b>: the walk-through ends at t = {len(self.tour)}."
        keys = "→ next" if t + 1 < len(self.tour) else "the end; ← back"
        return (
            f"<b>Walk-through, t = {t + 1} of {len(self.tour)}</b> — "
            f"{html.escape(self.tour[t])} <i>({keys})</i>"
        )

    def trained(self) -> None:
        """A step was trained: the key hint has done its job."""
        if self.hint:
            self.hint = False
            self._render()

    @property
    def text(self) -> str:
        """What the strip says, as plain text (all of it, also where the line is elided)."""
        return self._plain

    def _render(self) -> None:
        if self.walk.isChecked() and self.tour:
            self._show(self.caption(), wrap=True)
            return
        expanded = self.more.isChecked()
        self.more.setText("less ▴" if expanded else "more ▾")
        title = f"<b>{html.escape(self.title)}</b>" if self.title else ""
        if expanded:
            parts = [title, html.escape(self.description)]
            if self.hint:
                parts.append(f"<i>{html.escape(FIRST_STEP_HINT)}</i>")
            self._show(" — ".join(p for p in parts if p), wrap=True)
        else:  # one line: the keys before the first step, then what the preset is about
            self._show(
                title,
                wrap=False,
                line=FIRST_STEP_HINT if self.hint else first_sentence(self.description),
            )

    def _show(self, rich: str, wrap: bool, line: str = "") -> None:
        """Show ``rich`` wrapped, or ``rich`` followed by ``line`` on one line, elided."""
        self._rich, self._wrap, self._line = rich, wrap, line
        plain = html.unescape(re.sub(r"<[^>]+>", "", rich))
        self._plain = f"{plain} — {line}" if line else plain
        self.label.setToolTip(self._plain if not wrap else "")
        self._lay_out()

    def _lay_out(self) -> None:
        """Fit the text to the width: a wrapped label in a tool bar gets no height for its
        width by itself, and one line is elided to what fits."""
        label, width = self.label, max(1, self.label.width())
        label.setWordWrap(self._wrap)
        if self._wrap:
            label.setText(self._rich)
            label.setFixedHeight(label.heightForWidth(width))
            return
        bold = QFont(label.font())
        bold.setBold(True)
        lead = QFontMetrics(bold).horizontalAdvance(
            self._plain[: len(self._plain) - len(self._line)]
        )
        rest = label.fontMetrics().elidedText(self._line, Qt.TextElideMode.ElideRight, width - lead)
        label.setText(f"{self._rich} — {html.escape(rest)}" if self._rich else html.escape(rest))
        label.setFixedHeight(label.fontMetrics().height() + 4)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._lay_out()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._lay_out()  # a new text size wraps (or elides) differently


def install_lesson_strip(window) -> LessonStrip:
    """The strip under the transport (and the banner), filled on every new run, with its
    View-menu toggle."""
    strip = LessonStrip(window.cursor, window)
    window.addToolBarBreak()
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, strip)
    window.view_menu.addAction(strip.toggleViewAction())

    def new_run(settings) -> None:
        trainer = window.trainer
        strip.show_lesson(
            settings.title or "Custom settings",
            settings.description,
            first_step=trainer is None or trainer.step_count == 0,
            tour=settings.tour,
        )

    window.run_control.applied.connect(new_run)
    window.display.took.connect(lambda record: record.step > 0 and strip.trained())
    return strip
