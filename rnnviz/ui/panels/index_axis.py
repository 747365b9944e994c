"""``IndexAxis``: an axis over integer cells (time steps, units, tokens) labelled at their
centres and thinned so that labels never overlap, at any zoom; shared by the heatmaps, the
attention, CTC, CRF and NTM panels."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

from rnnviz.ui.panels.heatmap_labels import NICE_STRIDES


class IndexAxis(pg.AxisItem):
    """An axis over integer cells [i, i+1): ticks at cell centres labelled ``labels[i]``,
    thinned to every 2nd, 5th, 10th ... cell so that labels never overlap, at any zoom."""

    def __init__(self, orientation: str, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.labels: list[str] = []

    def set_labels(self, labels: list[str]) -> None:
        self.labels = list(labels)
        self.picture = None
        self.update()

    def _label_extent(self, first: int, last: int) -> float:
        metrics = QFontMetrics(self.style.get("tickFont") or QFont())
        if self.orientation in ("left", "right"):
            return metrics.height() + 2
        widest = max(
            (metrics.horizontalAdvance(s) for s in self.labels[first : last + 1]), default=8
        )
        return widest + metrics.horizontalAdvance("  ")

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph API)
        n = len(self.labels)
        minVal, maxVal = sorted((minVal, maxVal))  # noqa: N806 (an inverted view swaps them)
        if n == 0 or size <= 0 or maxVal <= minVal:
            return []
        first = max(0, int(math.floor(minVal)))
        last = min(n - 1, int(math.ceil(maxVal)))
        if last < first:
            return []
        px_per_cell = size / (maxVal - minVal)
        need = self._label_extent(first, last) / max(px_per_cell, 1e-9)
        stride = 1
        for decade in (1, 10, 100, 1000, 10000, 100000):
            stride = next((s * decade for s in NICE_STRIDES if s * decade >= need), 0)
            if stride:
                break
        start = first - first % stride
        values = [i + 0.5 for i in range(start, last + 1, stride) if i >= first]
        return [(float(stride), values)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        n = len(self.labels)
        return [self.labels[int(v)] if 0 <= int(v) < n else "" for v in values]
