"""Compare mode in the Predictions panel: the second run's answers on the same sample, as a
fourth row of the token table (coloured against the target) and a prediction curve."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from rnnviz.engine.record import SampleRecord

GOOD, BAD = QColor("#2e7d32"), QColor("#b71c1c")
COMPARE_COLOUR = "#ff8a65"  # the compared run, as in the loss panel


def agrees_colour(target: str, predicted: str) -> QColor | None:
    """Green where the answer is right, red where wrong, none where there is no target."""
    if not (target and predicted):
        return None
    return GOOD if agrees(target, predicted) else BAD


def agrees(target: str, predicted: str) -> bool:
    """The same token, or numbers that round to the same value."""
    if target == predicted:
        return True
    try:
        return abs(float(target) - float(predicted)) < 0.5
    except ValueError:
        return False


def token_at(items: list[str], t: int) -> str:
    """``items[t]``, or "" past the end (a decoding may outrun its target)."""
    return items[t] if t < len(items) else ""


class ComparedPredictions:
    """Mixed into ``PredictionsPanel``: uses its ``table``, ``plot``, ``_curves``,
    ``sample``, ``compare_label``, ``_set_cell`` and ``_fit_table_height``."""

    def _show_compare_tokens(self, other: SampleRecord) -> None:
        if not self.table.isVisible() or self.sample is None:
            return
        if self.table.rowCount() != 4:
            self.table.setRowCount(4)
            self.table.setVerticalHeaderLabels(
                ["input", "target", "predicted", f"predicted ({self.compare_label})"]
            )
            self._fit_table_height()
        for t in range(self.table.columnCount()):
            target, predicted = (
                token_at(self.sample.target_tokens, t),
                token_at(other.predicted_tokens, t),
            )
            self._set_cell(3, t, predicted, agrees_colour(target, predicted))

    def _show_compare_series(self, other: SampleRecord) -> None:
        values = other.series.get("prediction")
        if values is None or not self.plot.isVisible():
            return
        values = np.asarray(values, dtype=float)
        name = f"prediction ({self.compare_label})"
        curve = self._curves.get(name)
        if curve is None:
            curve = self.plot.plot(pen=pg.mkPen(COMPARE_COLOUR, width=3), name=name)
            self._curves[name] = curve
        prediction = self._curves.get("prediction")
        if prediction is not None and prediction.opts.get("symbol") is not None:
            keep = np.zeros(values.size, dtype=bool)  # many-to-one: the same points only
            shown_t, _ = prediction.getData()
            if shown_t is not None:
                keep[np.asarray(shown_t, dtype=int) - 1] = True
            curve.setData(
                np.flatnonzero(keep) + 1,
                values[keep],
                pen=None,
                symbol="x",
                symbolSize=16,
                symbolBrush=COMPARE_COLOUR,
                symbolPen=COMPARE_COLOUR,
            )
        else:
            curve.setData(np.arange(1, values.size + 1), values, connect="finite")

    def _drop_compare(self) -> None:
        self.compare_label = self.compare_sample = None
        if self.table.rowCount() != 3:
            self.table.setRowCount(3)
            self._fit_table_height()
        for name in [n for n in self._curves if n.startswith("prediction (")]:
            self.plot.removeItem(self._curves.pop(name))
