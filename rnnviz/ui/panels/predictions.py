"""What the network answers on the displayed sample, against what it should answer.

Task-aware by what the sample holds: a token table (words and their slot labels, or the
lecture's inputs and outputs) with right answers in green and wrong ones in red; a plot of
numeric series (target against prediction: sine, adding problem, lecture memory); coloured
text for long character sequences; and, for the character language model, text the network
generates itself, refreshed every few seconds.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from rnnviz.engine.history import History
from rnnviz.engine.record import SampleRecord, StepRecord
from rnnviz.engine.tasks._common import rounded
from rnnviz.ui import style
from rnnviz.ui.elided_label import ElidedLabel
from rnnviz.ui.export import Table, columns_table
from rnnviz.ui.legend_place import keep_legend_off_data
from rnnviz.ui.panels.base import Panel, RunContext
from rnnviz.ui.panels.predictions_compare import (
    ComparedPredictions,
    agrees_colour,
    token_at,
)
from rnnviz.ui.panels.predictions_fold import SummaryFold
from rnnviz.ui.panels.predictions_text import (
    MAX_TABLE_STEPS,
    TextPredictions,
    generated_text_box,
)

SERIES_PENS = {
    "target": pg.mkPen("#f5f5f5", width=3, style=Qt.PenStyle.DashLine),
    "prediction": pg.mkPen("#ffd54f", width=3),
}
OTHER_COLOURS = ("#4fc3f7", "#aed581", "#ba68c8", "#ff8a65")


class PredictionsPanel(TextPredictions, ComparedPredictions, Panel):
    title = "Predictions"
    key = "predictions"
    area = "training"
    needs_full = True  # its numbers come from recorded steps only
    scalar_steps_change_nothing = True  # show_record returns on them

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)  # five rows: the default gaps cost the plot ~15 px
        # one line, cut with "…" (the whole title in the tooltip): wrapped over two lines
        # it pushed the plot below the fold in a short dock
        self.heading = ElidedLabel("")
        self.heading.setObjectName("panelSummary")
        self.table = QTableWidget(3, 0)
        self.table.setVerticalHeaderLabels(["input", "target", "predicted"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setDefaultSectionSize(72)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectColumns)
        self._fit_table_height()
        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(100)
        self.plot.setLabel("bottom", "time step t")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.addLegend(offset=(-10, 10), labelTextSize=f"{style.PLOT_FONT_PT}pt")
        style.style_plot(self.plot.getPlotItem())
        self.t_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#ef5350", width=1))
        self.plot.addItem(self.t_line, ignoreBounds=True)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        style.follow_text_size(self.text, 1)
        self.generated, self.generated_box = generated_text_box(mono)
        self.summary_line = ElidedLabel("")  # the summary folded to one line
        self.summary_line.setFont(mono)
        style.follow_text_size(self.summary_line, 1)
        self.summary_fold = SummaryFold(self, self.text, self.summary_line, self.plot)
        header = QHBoxLayout()
        header.addWidget(self.heading, 1)
        header.addWidget(self.summary_fold.button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.step_tag, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        # the one-line summary ("output = 0 0 0 0 0 7 0 0 6") above the table: below the
        # plot it was the first thing a short dock cut off
        layout.addWidget(self.text)
        layout.addWidget(self.summary_line)
        layout.addWidget(self.generated_box, 1)
        layout.addWidget(self.table)
        layout.addWidget(self.plot, 1)
        layout.addStretch(0)  # where there is no plot: the rows at the top, not spread out
        self._curves: dict[str, pg.PlotDataItem] = {}
        self.sample: SampleRecord | None = None  # the sample drawn (export_tables)
        #: compare mode: the second run's label and sample (its answers in a row and a curve)
        self.compare_label: str | None = None
        self.compare_sample: SampleRecord | None = None
        self._last_generate = 0.0
        self._generating = False
        self.table.currentCellChanged.connect(lambda _r, col, *_: self.cursor.set_t(col))
        self.cursor.t_changed.connect(self._t_changed)
        self._t_changed(self.cursor.t)  # built later than the cursor moved (a tab raised)
        self._clear()

    def _fit_table_height(self) -> None:
        """Room for every row (three, four with a compared run), the header and a scroll
        bar, no more: rows of slack pushed the plot below the fold in a short dock."""
        table = self.table
        table.setFixedHeight(
            table.horizontalHeader().sizeHint().height()
            + table.verticalHeader().length()
            + 2 * table.frameWidth()
            + table.horizontalScrollBar().sizeHint().height()
        )

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.summary_fold.watch()  # the summary folded to one line in a short dock

    # -- Panel hooks ---------------------------------------------------------------------------
    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self._clear()
        self.sample = None
        self.summary_fold.reset()
        task = context.task
        self.heading.setText(getattr(task, "title", ""))
        self.heading.setToolTip(_describe(task))
        self._last_generate = 0.0
        self._generating = False
        self.generated_box.setVisible(hasattr(task, "sample_text"))
        if hasattr(task, "sample_text"):
            self.generated.setText("<i>Generated text appears here once training runs.</i>")

    def show_record(self, record: StepRecord, history: History) -> None:
        sample = record.sample
        if sample is None:
            return
        self.sample = sample
        self._show_tokens(sample)
        self._show_series(sample)
        keep_legend_off_data(self.plot.getPlotItem())
        self._show_text(sample)
        self._maybe_generate()

    def show_compare(self, label: str, record: StepRecord | None, history: History | None) -> None:
        """The compared run's answers on the same sample: a row of the token table
        (coloured against the target) and a prediction curve."""
        if record is None:
            self._drop_compare()
            return
        if record.sample is None or self.sample is None:
            return
        self.compare_label, self.compare_sample = label, record.sample
        self._show_compare_tokens(record.sample)
        self._show_compare_series(record.sample)

    def export_tables(self) -> dict[str, Table]:
        """``tokens``: t, input, target and predicted token (and the compared run's);
        ``series``: t, target, prediction (and any other series, the compared run's
        prediction) and the loss mask, as drawn."""
        sample = self.sample
        if sample is None:
            return {}
        tables = {}
        other = self.compare_sample
        if sample.input_tokens:
            rows = (sample.input_tokens, sample.target_tokens, sample.predicted_tokens)
            T = max(len(row) for row in rows)  # a decoding may outrun its target
            columns = {
                "t": range(1, T + 1),
                "input": [token_at(sample.input_tokens, t) for t in range(T)],
                "target": [token_at(sample.target_tokens, t) for t in range(T)],
                "predicted": [token_at(sample.predicted_tokens, t) for t in range(T)],
            }
            if other is not None:
                columns[f"predicted ({self.compare_label})"] = [
                    token_at(other.predicted_tokens, t) for t in range(T)
                ]
            tables["tokens"] = columns_table(columns, "the sample's tokens")
        if sample.series:
            columns = {k: np.asarray(v, dtype=float) for k, v in sample.series.items()}
            if other is not None and "prediction" in other.series:
                columns[f"prediction ({self.compare_label})"] = np.asarray(
                    other.series["prediction"], dtype=float
                )
            T = max(v.size for v in columns.values())
            if sample.mask is not None and np.size(sample.mask) == T:
                columns["mask"] = np.asarray(sample.mask, dtype=float)
            tables["series"] = columns_table(
                {"t": range(1, T + 1), **columns}, "target and prediction per time step"
            )
        return tables

    # -- pieces --------------------------------------------------------------------------------
    def _clear(self) -> None:
        self._drop_compare()
        self.table.setColumnCount(0)
        self.table.setVisible(False)
        for curve in self._curves.values():
            self.plot.removeItem(curve)
        self._curves.clear()
        self.plot.getPlotItem().legend.clear()
        self.plot.setVisible(False)
        self.text.setText("")
        self.summary_line.setText("")
        self.summary_fold.refit()
        self.generated.setText("")
        self.generated_box.setVisible(False)

    def _show_tokens(self, sample: SampleRecord) -> None:
        tokens = sample.input_tokens
        if not tokens or len(tokens) > MAX_TABLE_STEPS:
            self.table.setVisible(False)
            return
        self.table.setVisible(True)
        # an encoder-decoder's target and decoding have lengths of their own
        rows = (tokens, sample.target_tokens, sample.predicted_tokens)
        T = max(len(row) for row in rows)
        while T > 1 and not any(token_at(row, T - 1) for row in rows):
            T -= 1  # padding at the end of a short sentence (a longer decoding stays)
        if self.table.columnCount() != T:
            self.table.setColumnCount(T)
            self.table.setHorizontalHeaderLabels([f"t={t + 1}" for t in range(T)])  # 1..T
        for t in range(T):
            target = token_at(sample.target_tokens, t)
            predicted = token_at(sample.predicted_tokens, t)
            self._set_cell(0, t, token_at(tokens, t), None)
            self._set_cell(1, t, target, None)
            self._set_cell(2, t, predicted, agrees_colour(target, predicted))
        self.table.resizeColumnsToContents()
        self._fit_table_height()  # rows as high as the text size makes them

    def _set_cell(self, row: int, col: int, text: str, colour: QColor | None) -> None:
        """A table cell: a number as the lecture writes it (7, not 6.9981; 0, not 2.06e-09),
        its full precision in the tooltip."""
        item = self.table.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, col, item)
        shown = _rounded_number(text)
        if item.text() != shown:
            item.setText(shown)
            item.setToolTip(text if shown != text else "")
        item.setBackground(QBrush(colour) if colour is not None else QBrush())

    def _show_series(self, sample: SampleRecord) -> None:
        series = {k: np.asarray(v, dtype=float) for k, v in sample.series.items()}
        if not series:
            self.plot.setVisible(False)
            return
        self.plot.setVisible(True)
        mask = np.asarray(sample.mask, dtype=float) if sample.mask is not None else None
        sparse = mask is not None and mask.sum() <= 2  # many-to-one: show points, not lines
        for i, (name, values) in enumerate(series.items()):
            curve = self._curves.get(name)
            if curve is None:
                pen = SERIES_PENS.get(name) or pg.mkPen(
                    OTHER_COLOURS[i % len(OTHER_COLOURS)], width=2
                )
                curve = self.plot.plot(pen=pen, name=name)
                self._curves[name] = curve
            t = np.arange(1, values.size + 1)
            if sparse and name in ("target", "prediction") and mask.size == values.size:
                keep = (mask > 0) & np.isfinite(values)
                symbol = "o" if name == "target" else "x"
                curve.setData(
                    t[keep],
                    values[keep],
                    pen=None,
                    symbol=symbol,
                    symbolSize=16,
                    symbolBrush=SERIES_PENS[name].color(),
                    symbolPen=SERIES_PENS[name].color(),
                )
            else:
                curve.setData(t, values, connect="finite")

    def _t_changed(self, t: int) -> None:
        self.t_line.setPos(t + 1)  # the plot reads t = 1..T
        if 0 <= t < self.table.columnCount():  # the selected step's column in view
            self.table.scrollToItem(self.table.item(0, t))


def _rounded_number(text: str) -> str:
    """A number token rounded as the lecture writes numbers; any other token as it is."""
    try:
        return rounded(float(text))
    except ValueError:
        return text


def _describe(task) -> str:
    try:
        return task.describe()
    except Exception:  # a description is nice to have, never worth failing for
        return ""
