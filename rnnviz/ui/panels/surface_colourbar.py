"""The loss surface's colour bar: which loss each colour means, beside both views.

The 3D surface and the map share one colour scale (viridis over the drawn heights), so one
bar beside the tabs serves both; the 3D view (OpenGL) has no 2D overlay to put one in.
Ticks are labelled with the loss itself, also when the heights are log10 of it: a student
reads "0.01", not "-2".
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QLinearGradient, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget


def tick_values(lo: float, hi: float, log: bool) -> list[float]:
    """Heights to label between ``lo`` and ``hi``: whole decades when ``log`` (the heights
    are log10 of the loss; every other one when there are many), else up to 5 round
    numbers."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    if log:
        decades = list(range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1))
        while len(decades) > 6:
            decades = decades[::2]
        if len(decades) >= 2:
            return [float(d) for d in decades]
    step = 10 ** math.floor(math.log10((hi - lo) / 4))
    for factor in (1, 2, 5, 10):
        if (hi - lo) / (step * factor) <= 5:
            step *= factor
            break
    first = math.ceil(lo / step) * step
    return [float(v) for v in np.arange(first, hi + step * 1e-6, step)]


def tick_text(height: float, log: bool) -> str:
    """A tick's label: the loss at that height."""
    if not log:
        return f"{height:.3g}"
    if abs(height - round(height)) < 1e-9:  # a decade
        d = int(round(height))
        return f"{10.0**d:g}" if -3 <= d <= 3 else f"1e{d}"
    return f"{10.0**height:.2g}"


class ColourBar(QWidget):
    """A vertical viridis bar from the lowest drawn height (bottom) to the highest (top),
    with the loss at its ticks and at both ends."""

    def __init__(self, colormap=None) -> None:
        super().__init__()
        self.colormap = colormap or pg.colormap.get("viridis")
        self.lo, self.hi, self.log = 0.0, 1.0, True
        self.labels: list[str] = []  # what is written on it, bottom to top (tests read it)
        self._ticks: list[float] = []
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.setToolTip("The loss each colour stands for (both views).")
        self.setVisible(False)

    def set_range(self, lo: float, hi: float, log: bool) -> None:
        self.lo, self.hi, self.log = float(lo), float(hi), bool(log)
        self._ticks = tick_values(self.lo, self.hi, self.log)
        self.labels = [tick_text(v, self.log) for v in self._ticks]
        self.setVisible(True)
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self.labels, self._ticks = [], []
        self.setVisible(False)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        metrics = self.fontMetrics()
        texts = [*self.labels, "loss", "8e-88"]
        width = max(metrics.horizontalAdvance(t) for t in texts)
        return QSize(18 + 6 + width + 4, 120)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(self.sizeHint().width(), 60)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        metrics = self.fontMetrics()
        line = metrics.height()
        top, bottom = 2 * line + 2, self.height() - line // 2 - 2  # the title, then half a label
        bar = QRectF(2, top, 16, max(bottom - top, 1))
        gradient = QLinearGradient(0, bar.bottom(), 0, bar.top())
        for stop in np.linspace(0, 1, 11):
            gradient.setColorAt(float(stop), self.colormap.map(float(stop), mode="qcolor"))
        painter.fillRect(bar, gradient)
        painter.setPen(self.palette().windowText().color())
        painter.drawRect(bar)
        painter.drawText(0, 0, self.width(), line, Qt.AlignmentFlag.AlignLeft, "loss")
        span = self.hi - self.lo if self.hi > self.lo else 1.0
        for value, text in zip(self._ticks, self.labels, strict=True):
            y = bar.bottom() - (value - self.lo) / span * bar.height()
            painter.drawLine(int(bar.right()), int(y), int(bar.right()) + 4, int(y))
            painter.drawText(
                int(bar.right()) + 6, int(y - line / 2), self.width(), line,
                Qt.AlignmentFlag.AlignVCenter, text,
            )  # fmt: skip
        painter.end()
