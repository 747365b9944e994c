"""What the gradient panels share: the runs' and chains' colours, legend and cursor style,
how a run is named, norms made safe for log axes (NaN gaps), the first/last gradient ratio
in words (vanishing, exploding), rows of a history shown as a heatmap, and the summary
folded to one line in a short dock."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QLayout, QWidget

from rnnviz.engine.spec import ModelSpec
from rnnviz.ui import style
from rnnviz.ui.elided_label import ElidedLabel
from rnnviz.ui.panels.predictions_fold import SummaryFold

#: the first (main) run in cool colours, the compared run in warm ones
CHAIN_COLOURS = ("#4fc3f7", "#aed581", "#4db6ac", "#9fa8da", "#81d4fa", "#c5e1a5")
COMPARE_COLOURS = ("#ff8a65", "#ffd54f", "#f48fb1", "#ffb74d", "#ffab91", "#fff176")
CURSOR_PEN = pg.mkPen("#ef5350", width=2)
LEFT_AXIS_WIDTH = 78
VANISHING, EXPLODING = 1e-2, 1e2  # ||dL/dh_1|| / ||dL/dh_T|| beyond these
#: how the summary names the loss a record's gradients are of (StepRecord.gradients_of)
GRADIENTS_OF_TEXT = {"sequence": "shown sequence's loss", "batch": "batch loss"}


def run_label(spec: ModelSpec | None) -> str:
    """How the legend names a run: "tanh RNN" for an Elman network, "Clockwork RNN", else the
    kind ("LSTM")."""
    if spec is None:
        return "run"
    if spec.kind == "elman":
        return f"{spec.activation} RNN"
    if spec.kind == "clockwork":
        return "Clockwork RNN"
    return spec.kind.upper()


def add_legend(plot: pg.PlotItem, columns: int = 1) -> pg.LegendItem:
    """A legend in the top right corner on a dark translucent box, in the plot font."""
    return plot.addLegend(
        offset=(-10, 10),
        labelTextSize=f"{style.PLOT_FONT_PT}pt",
        brush=pg.mkBrush(20, 21, 26, 200),
        pen=pg.mkPen("#50535e"),
        colCount=columns,
    )


def positive_or_nan(values) -> np.ndarray:
    """Float copy with non-positive and non-finite values as NaN (gaps on a log axis)."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def log10_or_nan(values) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(positive_or_nan(values))


def first_last_ratio(row: np.ndarray) -> float:
    """||dL/dh_1|| / ||dL/dh_T|| (NaN when undefined)."""
    if row.size == 0 or not np.isfinite(row[-1]) or row[-1] <= 0:
        return float("nan")
    return float(row[0] / row[-1])


def describe_ratio(ratio: float, length: int) -> str:
    """E.g. " (x0.66 per step back: vanishing)"; the factor is the geometric mean change."""
    if not np.isfinite(ratio) or ratio <= 0 or length < 2:
        return ""
    factor = ratio ** (1.0 / (length - 1))
    verdict = ""
    if ratio < VANISHING:
        verdict = ": vanishing"
    elif ratio > EXPLODING:
        verdict = ": exploding"
    return f" (x{factor:.3g} per step back{verdict})"


def curve_name(label: str, kind: str, chain: str, several_chains: bool) -> str:
    name = f"{label}: ||dL/d{kind}_t||"
    return f"{name} {chain}" if several_chains else name


def set_row(curve: pg.PlotDataItem, row: np.ndarray | None) -> None:
    """Plot ``row`` ([T] norms) against t = 1 .. T, or clear the curve."""
    if row is None or len(row) == 0:
        curve.setData([], [])
        return
    curve.setData(np.arange(1, len(row) + 1), positive_or_nan(row), connect="finite")


def uniform_rows(steps: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows on an evenly spaced grid of training steps (each grid row repeats the newest kept
    row at or before it), so the heatmap's vertical axis reads as training steps even after
    the history thinned its rows. Evenly spaced input is returned unchanged."""
    if steps.size < 3 or np.all(np.diff(steps) == steps[1] - steps[0]):
        return steps, values
    grid = np.linspace(steps[0], steps[-1], steps.size)
    index = np.searchsorted(steps, grid + 1e-9, side="right") - 1
    return np.round(grid).astype(np.int64), values[np.clip(index, 0, steps.size - 1)]


class PlotsSummaryFold(SummaryFold):
    """The summary line of a gradient panel folded to one line (its whole text in the
    tooltip, the "▸" button shows it whole) where, wrapped, it would leave the plots less
    than their minimum height: docked at 1280x720 with text 1.5 the ratio's or the
    matrix's verdict took three to five lines and the dock scrolled the plots below the
    fold. ``set_text`` sets both the whole summary and the line."""

    def __init__(self, panel: QWidget, summary: QLabel, plots: QWidget) -> None:
        line = ElidedLabel("")
        line.setObjectName(summary.objectName())  # the summary's bold style
        super().__init__(panel, summary, line, plots)

    def set_text(self, text: str) -> None:
        self.whole.setText(text)
        self.line.setText(text)
        self.refit()

    def _least_plot(self) -> int:
        """The plots' minimum height: the fold keeps them that."""
        return self.plot.minimumHeight()

    def _row(self) -> QLayout | None:
        """The row the summary shares with the button and the step tag, if it does."""
        return self._holder(self.whole)

    def _holder(self, widget: QWidget) -> QLayout | None:
        """The panel layout's row (a layout of its own) that holds ``widget``, if any."""
        layout = self.panel.layout()
        for i in range(layout.count()):
            row = layout.itemAt(i).layout()
            if row is not None and row.indexOf(widget) >= 0:
                return row
        return None

    def _whole_height(self) -> int:
        """The summary's row's height with the whole summary (its own width there)."""
        row = self._row()
        if row is None:
            return super()._whole_height()
        beside = [row.itemAt(i).widget() for i in range(row.count())]
        beside = [w for w in beside if w not in (self.whole, self.line) and w and w.isVisible()]
        width = self.row_width() - sum(w.sizeHint().width() + row.spacing() for w in beside)
        heights = [w.sizeHint().height() for w in beside]
        return max([self.whole.heightForWidth(max(1, width)), *heights])

    def _others_height(self) -> int:
        """The rows but the summary's and the plots' (``_whole_height`` counts the first,
        and the fold weighs the plots' minimum, not their wish)."""
        rows = {self._row(), self._holder(self.plot)} - {None}
        return self.rows_height((self.whole, self.line, self.plot, *rows), 2)
