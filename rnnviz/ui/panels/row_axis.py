"""Row axes that name every row of a heatmap, on both sides when one side has no room.

``IndexAxis`` thins its labels to every 2nd, 5th ... row when a label is taller than a row:
in the CTC lattice at 1280x720 (text 1.5) that dropped every blank φ of the lattice and every
other class of the outputs (no row said c or e), and a reader could not tell which row was
which. A pair of these axes, one on each side of the plot, instead alternates: the even rows
on the left, the odd rows on the right, so each label has two rows' height. Only when even
that is too little do they thin, on the left alone, as ``IndexAxis`` does.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics

from rnnviz.ui.panels.index_axis import IndexAxis


class RowAxis(IndexAxis):
    """A left or right row axis of a heatmap (y: integer rows [i, i + 1)). ``keep_odd``: when
    the rows must be thinned, keep the odd ones (the lattice's label states, not the blanks
    between them)."""

    def __init__(self, orientation: str, keep_odd: bool = False, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.keep_odd = keep_odd

    def _label_extent(self, first: int, last: int) -> float:
        """A label's height, no more: the labels of one side are two rows apart, which at the
        least height are just a label high (IndexAxis' 2 px more between them cost the CTC
        lattice 17 px that its dock at 1280x720, text 1.5, did not have)."""
        return QFontMetrics(self.style.get("tickFont") or QFont()).height()

    def rows_per_label(self, minVal, maxVal, size) -> float:  # noqa: N803 (pyqtgraph's names)
        """How many rows one label is tall at this axis length (its font's line)."""
        span = abs(maxVal - minVal)
        if not self.labels or size <= 0 or span <= 0:
            return 0.0
        return self._label_extent(0, len(self.labels) - 1) / (size / span)

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph API)
        need = self.rows_per_label(minVal, maxVal, size)
        if need == 0:
            return []
        low, high = sorted((minVal, maxVal))
        rows = [r for r in range(len(self.labels)) if low <= r + 0.5 <= high]
        left = self.orientation == "left"
        if need <= 1:  # every row has room on the left
            return [(1.0, [r + 0.5 for r in rows])] if left else []
        if need <= 2:  # alternate: even rows left, odd rows right
            parity = 0 if left else 1
            return [(2.0, [r + 0.5 for r in rows if r % 2 == parity])]
        if not left:
            return []
        levels = super().tickValues(minVal, maxVal, size)
        if not self.keep_odd or not levels or levels[0][0] % 2:
            return levels
        stride, values = levels[0]
        return [(stride, [v + 1 for v in values if v + 1 < len(self.labels)])]
