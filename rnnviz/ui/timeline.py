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

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from rnnviz.session.cursor import Cursor

#: colour and one-letter glyph of each event kind (``rnnviz.engine.history.EVENT_KINDS``)
EVENT_STYLE: dict[str, tuple[str, str, str]] = {
    # kind: (colour, glyph, what it means)
    "lr": ("#4fc3f7", "L", "learning rate changed"),
    "clip": ("#ffb74d", "C", "gradient clipping changed"),
    "gradients": ("#ba68c8", "G", "which gradients the panels show changed"),
    "diverged": ("#ff5252", "!", "training diverged"),
    "reset": ("#f5f5f5", "R", "run reset or continued from a checkpoint"),
    "setting": ("#80cbc4", "S", "a setting changed"),
}
RECORD_COLOUR = "#b0bec5"
CHECKPOINT_COLOUR = "#81c784"
CURSOR_COLOUR = "#ffd54f"
TRACK_COLOUR = "#1e1f24"
AXIS_COLOUR = "#d0d0d4"
_NICE = (1, 2, 5)

_LIVE_STYLE = "QLabel { color: #a5d6a7; font-weight: bold; padding: 2px 8px; }"
_VIEWING_STYLE = (
    "QLabel { color: #111; background: #ffd54f; font-weight: bold; padding: 2px 8px;"
    " border-radius: 4px; }"
)
_NO_RUN_STYLE = "QLabel { color: #9e9e9e; padding: 2px 8px; }"

_STRIP_TIP = (
    "The training steps of this run, from step 0 to the newest.<br>"
    "<b>Grey marks</b>: kept records (every panel can show these steps exactly).<br>"
    "<b>Green diamonds</b>: checkpoints (training can continue from them).<br>"
    "<b>Coloured ticks</b>: events — L learning rate, C clipping, G gradients, "
    "! diverged, R reset, S other setting.<br>"
    "Click or drag to look at the nearest kept step; Left/Right step between them; "
    "End goes back to Live."
)


def nice_tick_step(span: float, pixels: float, label_px: float) -> int:
    """The smallest step of 1, 2 or 5 times a power of ten (at least 1) between labelled
    ticks that keeps labels ``label_px`` pixels wide apart on ``pixels`` for ``span`` steps."""
    if span <= 0 or pixels <= 0:
        return 1
    least = label_px * span / pixels
    exponent = max(0, math.floor(math.log10(max(least, 1.0))))
    while True:
        for nice in _NICE:
            step = nice * 10**exponent
            if step >= least:
                return int(step)
        exponent += 1


class _Strip(QWidget):
    """The painted part: event glyphs, the track with records, checkpoints and cursor, the
    axis labels. Mouse presses and drags move the cursor; keys are handled by the Timeline."""

    def __init__(self, timeline: Timeline) -> None:
        super().__init__(timeline)
        self.timeline = timeline
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(_STRIP_TIP)
        self.paints = 0  # how often it was painted (tests: set_history repaints only on change)

    # -- geometry -----------------------------------------------------------------------------
    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.font())

    def _glyph_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _rows(self) -> tuple[float, float, float, float]:
        """(glyph row top, track top, track bottom, labels top) in pixels."""
        line = self._metrics().height()
        track_top = line + 2.0
        track_bottom = track_top + round(0.9 * line)
        return 0.0, track_top, track_bottom, track_bottom + 3.0

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        metrics = self._metrics()
        height = self._rows()[3] + metrics.height() + 2.0
        return QSize(round(40 * metrics.averageCharWidth()), math.ceil(height))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = self.sizeHint()
        return QSize(round(12 * self._metrics().averageCharWidth()), hint.height())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self.update()
        super().changeEvent(event)

    def _margins(self) -> tuple[float, float]:
        metrics = self._metrics()
        end = self.timeline.axis_end
        half = 0.5 * max(metrics.horizontalAdvance(str(end)), metrics.horizontalAdvance("M"))
        return half + 4.0, half + 4.0

    def _mapping(self) -> tuple[float, float]:
        """(x of step 0, pixels per step)."""
        left, right = self._margins()
        width = max(1.0, self.width() - left - right)
        return left, width / max(1, self.timeline.axis_end)

    def x_of(self, step: float) -> float:
        """The x pixel of a training step."""
        left, scale = self._mapping()
        return left + scale * float(step)

    def step_of(self, x: float) -> float:
        """The (fractional) training step under an x pixel, within the axis."""
        left, right = self._margins()
        width = max(1.0, self.width() - left - right)
        end = max(1, self.timeline.axis_end)
        return min(max((x - left) / width * end, 0.0), float(end))

    # -- mouse ----------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.timeline.view_nearest(self.step_of(event.position().x()))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.timeline.view_nearest(self.step_of(event.position().x()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    # -- tooltips -------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            QToolTip.showText(event.globalPos(), self.tooltip_at(event.pos().x()), self)
            return True
        return super().event(event)

    def tooltip_at(self, x: float) -> str:
        """What the marks under pixel ``x`` mean (the general explanation where none is)."""
        tl = self.timeline
        reach = 0.5 * self._metrics().height()
        origin, scale = self._mapping()

        def x_of(step: float) -> float:
            return origin + scale * step

        lines = []
        for event in tl.events:
            if abs(x_of(event.step) - x) <= reach:
                colour, glyph, meaning = EVENT_STYLE.get(event.kind, EVENT_STYLE["setting"])
                lines.append(
                    f'<b style="color:{colour}">{glyph}</b> <b>{_escape(event.text)}</b>'
                    f" after step {event.step} ({meaning})"
                )
        for step in tl.checkpoint_steps:
            if abs(x_of(step) - x) <= reach:
                lines.append(
                    f"<b>Checkpoint at step {step}</b>: the weights were saved here; "
                    "“Continue from here” can restart training from it."
                )
        near = tl.nearest_kept(self.step_of(x))
        if near is not None and abs(x_of(near) - x) <= reach:
            lines.append(
                f"<b>Kept record of step {near}</b>: every panel can show this step exactly. "
                "Click to look at it."
            )
        if not lines:
            return _STRIP_TIP
        return "<br>".join(lines)

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.paints += 1
        tl = self.timeline
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        metrics = self._metrics()
        glyph_top, track_top, track_bottom, labels_top = self._rows()
        left, right = self._margins()
        x0, x1 = left, self.width() - right
        origin, scale = self._mapping()

        def x_of(step: float) -> float:
            return origin + scale * step

        track = QRectF(x0, track_top, max(1.0, x1 - x0), track_bottom - track_top)
        mid = 0.5 * (track_top + track_bottom)
        track_h = track_bottom - track_top

        painter.setPen(QPen(QColor("#50535e"), 1))
        painter.setBrush(QColor(TRACK_COLOUR))
        painter.drawRoundedRect(track, 3, 3)
        if self.hasFocus():
            painter.setPen(QPen(QColor(CURSOR_COLOUR), 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(0.5, 0.5, self.width() - 1.0, self.height() - 1.0))
        if tl.history_empty:
            painter.setPen(QColor("#9e9e9e"))
            painter.drawText(track, Qt.AlignmentFlag.AlignCenter, "no training steps yet")
            painter.end()
            return

        # axis: labelled ticks at round step numbers under the track
        label_px = metrics.horizontalAdvance(str(tl.axis_end)) + 2 * metrics.horizontalAdvance("M")
        tick = nice_tick_step(tl.axis_end, x1 - x0, label_px)
        painter.setPen(QPen(QColor(AXIS_COLOUR), 1))
        painter.setFont(self.font())
        ascent = metrics.ascent()
        for value in range(0, tl.axis_end + 1, tick):
            x = x_of(value)
            painter.drawLine(QLineF(x, track_bottom, x, track_bottom + 3.0))
            text = str(value)
            w = metrics.horizontalAdvance(text)
            painter.drawText(QPointF(x - 0.5 * w, labels_top + ascent), text)

        # kept records: short grey marks across the middle of the track
        painter.setPen(QPen(QColor(RECORD_COLOUR), 2))
        half = 0.28 * track_h
        painter.drawLines([QLineF(x_of(s), mid - half, x_of(s), mid + half) for s in tl.kept_steps])

        # checkpoints: green diamonds on the track
        size = 0.42 * track_h
        painter.setPen(QPen(QColor("#1b5e20"), 1))
        painter.setBrush(QColor(CHECKPOINT_COLOUR))
        for step in tl.checkpoint_steps:
            x = x_of(step)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x, mid - size),
                        QPointF(x + size, mid),
                        QPointF(x, mid + size),
                        QPointF(x - size, mid),
                    ]
                )
            )

        # the viewed step: later history dimmed, a yellow line with a handle (under the
        # event glyphs, which stay readable)
        step = tl.cursor.step
        if step is not None:
            x = x_of(min(max(step, 0), tl.axis_end))
            if x < x1:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(0, 0, 0, 120))
                painter.drawRect(QRectF(x, track_top, x1 - x, track_h))
            painter.setPen(QPen(QColor(CURSOR_COLOUR), 3))
            painter.drawLine(QLineF(x, track_top - 2.0, x, track_bottom + 2.0))
            handle = 0.3 * track_h
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(QColor(CURSOR_COLOUR)))
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x - handle, track_top - 2.0 - handle),
                        QPointF(x + handle, track_top - 2.0 - handle),
                        QPointF(x, track_top - 2.0),
                    ]
                )
            )

        # events: coloured ticks through the track, a glyph above (skipped where it would
        # overlap the one before; every tick stays)
        glyph_font = self._glyph_font()
        glyph_metrics = QFontMetricsF(glyph_font)
        painter.setFont(glyph_font)
        last_glyph_right = -1e9
        for event in tl.events:
            colour, glyph, _ = EVENT_STYLE.get(event.kind, EVENT_STYLE["setting"])
            x = x_of(event.step)
            painter.setPen(QPen(QColor(colour), 2))
            painter.drawLine(QLineF(x, track_top - 2.0, x, track_bottom))
            w = glyph_metrics.horizontalAdvance(glyph)
            if x - 0.5 * w >= last_glyph_right + 1.0:
                painter.drawText(QPointF(x - 0.5 * w, glyph_top + glyph_metrics.ascent()), glyph)
                last_glyph_right = x + 0.5 * w

        painter.end()


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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(2)
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
        row.addWidget(self.state_label)
        row.addStretch(1)
        row.addWidget(self.live_button)
        row.addWidget(self.continue_button)
        layout.addLayout(row)
        self.strip = _Strip(self)
        layout.addWidget(self.strip)
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
