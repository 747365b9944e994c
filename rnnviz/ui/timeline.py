"""The training-step timeline: a strip under the panels showing what the history kept.

Along an axis from step 0 to the newest trained step it marks the kept full records (the
steps every panel can show exactly), the parameter checkpoints (the steps training can be
restarted from) and the run's events (learning rate or clipping changed, a gradient setting,
a divergence, a reset) as coloured ticks with a one-letter glyph. Pressing or dragging on it
moves the shared cursor, and with it every panel, to the nearest kept record; Left / Right
step between kept records, End (or the "Back to Live" button) follows the newest step again.
A label always says which step is shown. "Continue from here" asks the window (through
``continue_requested``) to restart training from the checkpoint at or before the viewed step.

The window calls ``set_history(history, live_step)`` at display rate; it only repaints when
something it shows changed. Everything is painted by hand from the widget's font, so it
follows the application's text size.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rnnviz.session.cursor import Cursor
from rnnviz.ui.timeline_strip import Strip

_LIVE_STYLE = "QLabel { color: #a5d6a7; font-weight: bold; padding: 2px 8px; }"
_VIEWING_STYLE = (
    "QLabel { color: #111; background: #ffd54f; font-weight: bold; padding: 2px 8px;"
    " border-radius: 4px; }"
)
_NO_RUN_STYLE = "QLabel { color: #9e9e9e; padding: 2px 8px; }"


class _FitLabel(QLabel):
    """A label given a long and a short wording: it shows the long one where it fits."""

    def __init__(self) -> None:
        super().__init__("")
        self._texts = ("", "")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_texts(self, long: str, short: str | None = None) -> bool:
        """Returns whether its size hint changed (the layout should be activated)."""
        texts = (long, short or long)
        if texts == self._texts:
            return False
        hints = (self.sizeHint(), self.minimumSizeHint())
        self._texts = texts
        changed = hints != (self.sizeHint(), self.minimumSizeHint())
        if changed:
            self.updateGeometry()
        self._fit()
        return changed

    def _needs(self, text: str) -> int:
        margins = self.contentsMargins()
        return (
            math.ceil(self.fontMetrics().horizontalAdvance(text))
            + margins.left()
            + margins.right()
            + 2
        )

    def _fit(self) -> None:
        long, short = self._texts
        text = long if self.width() >= self._needs(long) else short
        if self.text() != text:
            self.setText(text)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._needs(self._texts[0])), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = super().minimumSizeHint()
        return QSize(self._needs(self._texts[1]), hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
            self._fit()


class Timeline(QWidget):
    """The training-step timeline (see the module docstring). ``continue_requested(step)``:
    the user asked to restart training from the checkpoint at ``step``."""

    continue_requested = Signal(int)

    def __init__(self, cursor: Cursor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.cursor = cursor
        self.kept_steps: list[int] = []
        self.checkpoint_steps: list[int] = []
        self.events: list = []
        self.live_step = 0
        self.axis_end = 1
        self.history_empty = True
        self._signature: tuple | None = None

        layout = QHBoxLayout(self)  # the strip, and beside it the state over the buttons
        # (one row: the state and the buttons on a row of their own above the strip took
        # 30-45 more pixels of height from the panels, which a 1280x720 window cannot spare)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(8)
        side = QVBoxLayout()
        side.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.state_label = _FitLabel()
        self.state_label.setObjectName("timelineState")
        self.state_label.setToolTip(
            "Which training step every panel shows: the newest (Live) or an earlier kept step."
        )
        self.live_button = QPushButton("Back to Live (End)")
        self.live_button.setToolTip("Follow the newest training step again (End key).")
        self.live_button.clicked.connect(self.go_live)
        self.continue_button = QPushButton("Continue from here")
        self.continue_button.clicked.connect(self._continue_clicked)
        for button in (self.live_button, self.continue_button):
            button.setStyleSheet("QPushButton { padding: 2px 10px; }")  # a compact row
        side.addWidget(self.state_label)
        row.addStretch(1)
        row.addWidget(self.live_button)
        row.addWidget(self.continue_button)
        side.addLayout(row)
        self.strip = Strip(self)
        layout.addWidget(self.strip, 1)
        layout.addLayout(side)
        self.setFocusProxy(self.strip)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self._label_mode = ""
        self.cursor.step_changed.connect(self._step_changed)
        self._refresh_state()

    # -- data -------------------------------------------------------------------------------
    def set_history(self, history, live_step: int) -> bool:
        """Show ``history`` (a ``rnnviz.engine.history.History``, or None: no run) up to the
        newest trained step ``live_step``. Cheap when nothing changed; returns whether the
        strip is redrawn."""
        if history is None:
            signature = None
        else:
            kept = history.kept_steps
            checkpoints = history.checkpoints
            signature = (
                id(history),
                len(history),
                len(kept),
                kept[-1] if kept else None,
                len(history.events),
                len(checkpoints),
                checkpoints[0][0] if checkpoints else None,
                checkpoints[-1][0] if checkpoints else None,
                int(live_step),
            )
        if signature == self._signature:
            return False
        self._signature = signature
        if history is None:
            self.kept_steps, self.checkpoint_steps, self.events = [], [], []
            self.live_step, self.axis_end, self.history_empty = 0, 1, True
        else:
            self.kept_steps = sorted(int(s) for s in kept)
            self.checkpoint_steps = sorted(int(s) for s, _ in checkpoints)
            self.events = sorted(history.events, key=lambda e: e.step)
            live = int(live_step)
            if live <= 0 and len(history):
                live = int(history.series("step")[-1])
            self.live_step = live
            self.axis_end = max(
                1,
                live,
                self.kept_steps[-1] if self.kept_steps else 0,
                self.checkpoint_steps[-1] if self.checkpoint_steps else 0,
                self.events[-1].step if self.events else 0,
            )
            self.history_empty = len(history) == 0 and not self.kept_steps
        self._refresh_state()
        self.strip.update()
        return True

    # -- navigation ---------------------------------------------------------------------------
    def nearest_kept(self, step: float) -> int | None:
        """The kept step nearest to ``step`` (the earlier one on a tie); None if none."""
        kept = self.kept_steps
        if not kept:
            return None
        i = bisect_left(kept, step)
        candidates = kept[max(0, i - 1) : i + 1]
        return min(candidates, key=lambda s: (abs(s - step), s))

    def view_nearest(self, step: float) -> None:
        """Move the cursor to the kept step nearest to ``step`` (nothing if none is kept)."""
        near = self.nearest_kept(step)
        if near is not None:
            self.cursor.set_step(near)

    def go_live(self) -> None:
        self.cursor.set_step(None)

    def step_kept(self, direction: int) -> None:
        """To the previous (-1) or next (+1) kept step; from Live, -1 goes to the newest kept
        step; +1 past the newest kept step goes back to Live."""
        kept = self.kept_steps
        if not kept:
            return
        current = self.cursor.step
        if direction < 0:
            if current is None:
                self.cursor.set_step(kept[-1])
                return
            i = bisect_left(kept, current) - 1
            if i >= 0:
                self.cursor.set_step(kept[i])
        else:
            if current is None:
                return
            i = bisect_right(kept, current)
            self.cursor.set_step(kept[i] if i < len(kept) else None)

    #: keys the timeline uses itself when it has the focus (ui/keys.py lets it keep them)
    wants_keys = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End})

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        if key == Qt.Key.Key_End:
            self.go_live()
        elif key == Qt.Key.Key_Home:
            if self.kept_steps:
                self.cursor.set_step(self.kept_steps[0])
        elif key == Qt.Key.Key_Left:
            self.step_kept(-1)
        elif key == Qt.Key.Key_Right:
            self.step_kept(+1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def checkpoint_for(self, step: int | None) -> int | None:
        """The step of the newest checkpoint at or before ``step`` (None: live, or none)."""
        if step is None:
            return None
        i = bisect_right(self.checkpoint_steps, step) - 1
        return self.checkpoint_steps[i] if i >= 0 else None

    # -- state ----------------------------------------------------------------------------
    def _step_changed(self, _step) -> None:
        self._refresh_state()
        self.strip.update()

    def _continue_clicked(self) -> None:
        checkpoint = self.checkpoint_for(self.cursor.step)
        if checkpoint is not None:
            self.continue_requested.emit(checkpoint)

    def _refresh_state(self) -> None:
        step = self.cursor.step
        if self.history_empty and self._signature is None:
            mode, text, short = "none", "No run", None
        elif step is None:
            mode, text, short = "live", f"Live — step {self.live_step}", None
        else:
            mode = "viewing"
            text = f"Viewing step {step} of {self.live_step} — back to Live (End)"
            short = f"Step {step} of {self.live_step} (End: Live)"
        if mode != self._label_mode:
            self._label_mode = mode
            self.state_label.setStyleSheet(
                {"none": _NO_RUN_STYLE, "live": _LIVE_STYLE, "viewing": _VIEWING_STYLE}[mode]
            )
        if self.state_label.set_texts(text, short):
            self.layout().activate()  # the label's new size now, so it picks its wording now
        self.live_button.setEnabled(step is not None)
        checkpoint = self.checkpoint_for(step)
        self.continue_button.setEnabled(checkpoint is not None)
        if checkpoint is not None:
            self.continue_button.setToolTip(
                f"Restart training from the checkpoint at step {checkpoint} (the newest at or "
                f"before step {step}); the later history is discarded."
            )
        else:
            self.continue_button.setToolTip(
                "Restart training from a checkpoint in the past: first look at an earlier "
                "step (click the timeline); the later history is then discarded."
            )

    def shutdown(self) -> None:
        """Stop following the cursor (the window is closing)."""
        self.cursor.step_changed.disconnect(self._step_changed)
