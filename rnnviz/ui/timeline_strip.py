"""The painted strip of the timeline (``timeline.py``): event glyphs over a track of kept
records, checkpoints and the cursor, with step numbers under it. Mouse presses and drags ask
the Timeline to show the nearest kept step; everything is painted from the widget's font.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from rnnviz.engine.history import CHECKPOINT_BYTES, MAX_CHECKPOINTS, MAX_RECORDS, RECORD_BYTES

if TYPE_CHECKING:
    from rnnviz.ui.timeline import Timeline

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

_STRIP_TIP = (
    "The training steps of this run, from step 0 to the newest.<br>"
    "<b>Grey marks</b>: kept records (every panel can show these steps exactly).<br>"
    "<b>Green diamonds</b>: checkpoints (training can continue from them).<br>"
    "<b>Coloured ticks</b>: events — L learning rate, C clipping, G gradients, "
    "! diverged, R reset, S other setting.<br>"
    "Click or drag to look at the nearest kept step; Left/Right step between them; "
    "End goes back to Live.<br>"
    f"Memory is bounded: at most {MAX_RECORDS} full records and {RECORD_BYTES >> 20} MB of "
    "them (past that every other older record is dropped, so a long run keeps steps spread "
    f"over all of it), and the newest {MAX_CHECKPOINTS} checkpoints within "
    f"{CHECKPOINT_BYTES >> 20} MB."
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


class Strip(QWidget):
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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
