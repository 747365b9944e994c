"""Loss and metrics over training steps, with marks where the learning rate or clipping changed.

Click the curve to look at an earlier training step (all panels follow); the "Live" button
goes back to following the newest step.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QPushButton,
    QSizePolicy,
)

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.axes import ReadableAxis
from rnnviz.ui.export import Table, columns_table
from rnnviz.ui.legend_place import keep_legend_off_data
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.curve_cost import step_curve
from rnnviz.ui.panels.gradient_plots import run_label
from rnnviz.ui.panels.header_row import HeaderRow
from rnnviz.ui.panels.loss_box import set_box
from rnnviz.ui.panels.metric_plot import MetricPlot
from rnnviz.ui.panels.moving_average import smoothed

CLICK_HELP = (
    "Click the loss curve to view that training step: every panel shows the kept record "
    "at or before it (the red line marks it). Live (or End) follows the newest step again."
)


class LossPanel(Panel):
    title = "Loss & metrics"
    key = "loss"
    area = "training"

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout, self.summary = panel_frame(self)
        header = HeaderRow()
        self.summary.setWordWrap(False)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.log_scale = QCheckBox("log scale")
        self.log_scale.setChecked(True)
        self.log_scale.setToolTip(
            "A logarithmic loss axis shows both the early plunge and the slow late progress."
        )
        self.live_button = QPushButton("Live")
        self.live_button.setToolTip("Follow the newest training step again.")
        self.live_button.setVisible(False)
        # clicking the curve is how to look at the past from here: say so where it is seen
        self.click_hint = QLabel("click the curve to view a step")
        self.click_hint.setObjectName("clickHint")
        self.click_hint.setStyleSheet("QLabel#clickHint { color: #9e9e9e; }")
        self.click_hint.setToolTip(CLICK_HELP)
        header.addWidget(self.summary, 1)
        header.addWidget(self.click_hint)
        header.addWidget(self.log_scale)
        header.addWidget(self.live_button)
        header.addWidget(self.step_tag)
        layout.addLayout(header)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setToolTip(CLICK_HELP)
        layout.addWidget(self.plots, 1)
        self.loss_plot = self.plots.addPlot(
            row=0, col=0, axisItems=style.axis_items(integer=("bottom",))
        )
        self.loss_plot.setLabel("left", "loss")
        self.loss_plot.showGrid(x=True, y=True, alpha=0.25)
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.addLegend(offset=(-10, 10), labelTextSize=f"{style.PLOT_FONT_PT}pt")
        # thousands of noisy 1-pixel segments: antialiasing them doubled the panel's paint time
        self.raw_curve = step_curve(
            self.loss_plot,
            pen=pg.mkPen("#7986cb", width=1),
            name="loss (each step)",
            antialias=False,
        )
        self.smooth_curve = step_curve(
            self.loss_plot,
            smooth=True,
            pen=pg.mkPen("#ffd54f", width=3),
            name="loss (moving average)",
        )
        self.metric_plot = self.plots.addPlot(
            row=1,
            col=0,
            axisItems={**style.axis_items(integer=("bottom",)), "right": ReadableAxis("right")},
        )
        self.metric_plot.setLabel("left", "metric")
        self.metric_plot.setLabel("bottom", "training step")
        self.metric_plot.showGrid(x=True, y=True, alpha=0.25)
        self.metric_plot.setXLink(self.loss_plot)
        self.metric_plot.addLegend(offset=(-10, 10), labelTextSize=f"{style.PLOT_FONT_PT}pt")
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 1)
        for plot in (self.loss_plot, self.metric_plot):
            style.style_plot(plot)
        self.metrics = MetricPlot(self.metric_plot, partner=self.loss_plot)
        self.cursor_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#ef5350", width=2))
        self.cursor_line.setVisible(False)
        self.loss_plot.addItem(self.cursor_line, ignoreBounds=True)
        self.compare_curve = step_curve(  # a moving average too
            self.loss_plot, smooth=True, pen=pg.mkPen("#ff8a65", width=3)
        )
        self._compare_label: str | None = None
        self._compare_len = -1
        self._summary = ""  # the shown step's numbers (compare mode adds the second run's)
        self._shown_loss: float | None = None
        self._event_lines: list[pg.InfiniteLine] = []
        self._drawn_len = -1
        self._drawn_events = 0
        self._history: History | None = None
        #: the columns last drawn (export_tables): the run's and the compared run's
        self._drawn_columns: dict[str, np.ndarray] = {}
        self._compare_columns: dict[str, np.ndarray] = {}
        # invisible corners of a box around the data, rounded outwards: auto-range fits the
        # box, so the axes keep their range (and their cached pictures) for many frames
        # instead of being laid out and painted anew at every step
        # (a transparent pen: auto-range ignores items without one)
        self._loss_box = self.loss_plot.plot(pen=pg.mkPen(0, 0, 0, 0))

        self.log_scale.toggled.connect(self._log_toggled)
        self.live_button.clicked.connect(lambda: self.cursor.set_step(None))
        self.loss_plot.scene().sigMouseClicked.connect(self._clicked)
        self.cursor.step_changed.connect(self._step_changed)
        self._step_changed(self.cursor.step)  # built after the cursor moved (a tab raised)

    # -- Panel hooks ---------------------------------------------------------------------------
    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self._history = None
        self._drawn_columns = {}
        for item in (self.raw_curve, self.smooth_curve, self._loss_box):
            item.setData([], [])
        self.show_compare("", None, None)
        self.metrics.reset()
        for line in self._event_lines:
            self.loss_plot.removeItem(line)
        self._event_lines.clear()
        self._drawn_len = -1
        self._drawn_events = 0
        self.metric_plot.setVisible(False)
        self.summary.setText("no step yet")

    def show_record(self, record: StepRecord, history: History) -> None:
        self._history = history
        if len(history) != self._drawn_len:
            self._draw_series(history)
        if len(history.events) != self._drawn_events:
            self._draw_events(history)
        # the shown step's numbers (the newest, or the one viewed; its step is in the tag)
        self._summary, self._shown_loss = _numbers(record), record.loss
        self.summary.setText(self._summary)
        self.summary.setToolTip("")
        for plot in (self.loss_plot, self.metric_plot):
            keep_legend_off_data(plot)

    def show_compare(self, label: str, record: StepRecord | None, history: History | None) -> None:
        """Overlay the second run's loss (moving average) with a legend entry."""
        legend = self.loss_plot.legend
        if record is None or history is None:
            self.metrics.drop_compare()
            self.compare_curve.setData([], [])
            if self._compare_label is not None:
                legend.removeItem(self.compare_curve)
                self.smooth_curve.opts["name"] = "loss (moving average)"
                legend.removeItem(self.smooth_curve)
                legend.addItem(self.smooth_curve, "loss (moving average)")
            self._compare_label, self._compare_len = None, -1
            self._compare_columns = {}
            return
        if label != self._compare_label:
            first = run_label(self.context.spec if self.context is not None else None)
            legend.removeItem(self.smooth_curve)
            legend.addItem(self.smooth_curve, f"{first} (moving average)")
            if self._compare_label is not None:
                legend.removeItem(self.compare_curve)
            legend.addItem(self.compare_curve, f"{label} (moving average)")
            self.metrics.drop_compare()
            self._compare_label = label
        first = run_label(self.context.spec if self.context is not None else None)
        if self._shown_loss is not None:  # one line; both runs' metrics in the tooltip
            losses = f"{first} {self._shown_loss:.4g} · {label} {record.loss:.4g}"
            self.summary.setText(f"loss: {losses}")
            self.summary.setToolTip(f"{first}: {self._summary}\n{label}: {_numbers(record)}")
        n = len(history)
        if n == self._compare_len:
            return
        steps = history.series("step").copy()
        loss = history.series("loss").copy()
        n = min(steps.size, loss.size)
        shown = np.where(np.isfinite(loss[:n]) & (loss[:n] > 0), loss[:n], np.nan)
        average = smoothed(shown)
        self.compare_curve.setData(steps[:n], average, connect="finite")
        self._compare_len = n
        self._compare_columns = {
            "step": steps[:n],
            f"{label}: loss": loss[:n],
            f"{label}: loss (moving average)": average,
        }
        metrics = {m: history.series(f"metric:{m}").copy()[:n] for m in history.metric_names()}
        self.metrics.show(1, steps[:n], metrics, label)  # the first run's colours, dashed
        for name, values in metrics.items():
            self._compare_columns[f"{label}: {name}"] = values

    @property
    def _metric_curves(self) -> dict[str, pg.PlotDataItem]:
        return self.metrics.curves

    @property
    def _compare_metric_curves(self) -> dict[str, pg.PlotDataItem]:
        return self.metrics.compare_curves

    # -- drawing -------------------------------------------------------------------------------
    def _draw_series(self, history: History) -> None:
        # the worker may append while we read: copy and trim every series to one length
        steps = history.series("step").copy()
        loss = history.series("loss").copy()
        metrics = {m: history.series(f"metric:{m}").copy() for m in history.metric_names()}
        n = min([steps.size, loss.size] + [v.size for v in metrics.values()])
        steps, loss = steps[:n], loss[:n]
        # a loss that is not positive is not drawn (not on a log axis, nor on a linear one)
        shown = np.where(np.isfinite(loss) & (loss > 0), loss, np.nan)
        average = smoothed(shown)
        self.raw_curve.setData(steps, shown, connect="finite")
        self.smooth_curve.setData(steps, average, connect="finite")
        self._drawn_columns = {"step": steps, "loss": loss, "loss (moving average)": average}
        set_box(self._loss_box, steps, shown, log=self.log_scale.isChecked())
        metrics = {name: values[:n] for name, values in metrics.items()}
        self._drawn_columns.update(metrics)
        first = run_label(self.context.spec if self.context is not None else None)
        self.metrics.show(0, steps, metrics, first)
        self.metric_plot.setVisible(bool(metrics))
        self._drawn_len = n

    def _draw_events(self, history: History) -> None:
        for event in history.events[self._drawn_events :]:
            line = pg.InfiniteLine(
                pos=event.step,
                angle=90,
                pen=pg.mkPen("#80cbc4", width=2, style=Qt.PenStyle.DashLine),
                label=event.text,
                labelOpts={
                    "position": 0.9,
                    "color": "#80cbc4",
                    "fill": (0, 0, 0, 160),
                    "movable": False,
                },
            )
            line.label.setFont(style.plot_font())
            self.loss_plot.addItem(line, ignoreBounds=True)
            self._event_lines.append(line)
        self._drawn_events = len(history.events)

    def export_tables(self) -> dict[str, Table]:
        """``loss``: step, the loss of each step, its moving average and the metrics (the
        series drawn); ``compare``: the compared run's; ``events``: the marked changes."""
        if not self._drawn_columns:
            return {}
        tables = {"loss": columns_table(self._drawn_columns, "loss and metrics per step")}
        if self._compare_columns:
            tables["compare"] = columns_table(self._compare_columns, "the compared run's loss")
        events = self._history.events[: self._drawn_events] if self._history else []
        if events:
            rows = [[event.step, event.text] for event in events]
            tables["events"] = Table(["step", "event"], rows, "marked changes")
        return tables

    # -- interaction ---------------------------------------------------------------------------
    def _log_toggled(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        if self._history is not None:
            self._draw_series(self._history)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drawn_len <= 0:
            return
        vb = self.loss_plot.vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        step = int(round(vb.mapSceneToView(event.scenePos()).x()))
        step = max(1, min(step, self._drawn_len_last_step()))
        # to the kept record the panels will show, so that every header names one step
        kept = self._history.record_at(step) if self._history is not None else None
        self.cursor.set_step(kept.step if kept is not None else step)

    def _drawn_len_last_step(self) -> int:
        x, _ = self.raw_curve.getData()
        return int(x[-1]) if x is not None and len(x) else 1

    def _step_changed(self, step) -> None:
        self.cursor_line.setVisible(step is not None)
        self.live_button.setVisible(step is not None)
        if step is not None:
            self.cursor_line.setPos(step)


def _numbers(record: StepRecord) -> str:
    """ "loss 0.45   accuracy 0.839": the step's loss and metrics."""
    parts = [f"loss {record.loss:.4g}"]
    parts += [f"{k} {v:.3g}" for k, v in record.metrics.items()]
    return "   ".join(parts)
