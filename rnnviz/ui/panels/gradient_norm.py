"""The gradient norm over training, before and after clipping, and per parameter group.

Top (log scale): ||g|| of all trained parameters before clipping and after it, the clipping
threshold mu as a horizontal line (norm clipping: g <- mu * g / ||g|| when ||g|| > mu), and a
marker on every step where clipping fired. Bottom: ||g|| of selected parameter groups (input,
recurrent and output weights; per gate for LSTM / GRU) on recorded steps; tick the groups in the
list on the right. Clicking the top plot selects that training step.

The plots use pyqtgraph's log mode: curves take the norms themselves, while the markers and the
threshold line (items without a log mode) are placed at log10 of their values. One run's
curves and markers are a ``NormSeries`` (gradient_norm_series.py).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table, merged_table
from rnnviz.ui.legend_place import keep_legend_off_data
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.gradient_norm_series import NormSeries
from rnnviz.ui.panels.gradient_plots import (
    CHAIN_COLOURS,
    COMPARE_COLOURS,
    CURSOR_PEN,
    LEFT_AXIS_WIDTH,
    PlotsSummaryFold,
    add_legend,
    positive_or_nan,
    run_label,
)

GROUP_COLOURS = CHAIN_COLOURS + ("#ce93d8", "#e6ee9c", "#80cbc4", "#b0bec5")
THRESHOLD_COLOUR = "#ffd54f"


class GradientNormPanel(Panel):
    title = "Gradient norm & clipping"
    key = "gradient_norm"
    area = "gradients"

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        self.setMinimumSize(400, 280)  # below this the plots' text collides
        layout, self.summary = panel_frame(self)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(240)  # two plots with readable axes; less scrolls
        self.summary_fold = PlotsSummaryFold(self, self.summary, self.plots)
        # a box, not a flow: the step tag stays beside a long summary, not on a row below
        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(self.summary_fold.line, 1)
        header.addWidget(self.summary_fold.button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.step_tag, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        body = QHBoxLayout()
        layout.addLayout(body, 1)
        body.addWidget(self.plots, 1)
        self.group_list = QListWidget()
        self.group_list.setToolTip("Tick parameter groups to plot their gradient norms.")
        self.group_list.setMaximumWidth(210)
        body.addWidget(self.group_list)

        # the legend above the plot: inside, it would hide the curves and the threshold
        self.legend = pg.LegendItem(
            labelTextSize=f"{style.PLOT_FONT_PT}pt", colCount=3, frame=False, verSpacing=-4
        )
        self.plots.addItem(self.legend, row=0, col=0)
        self.norm_plot = self.plots.addPlot(
            row=1, col=0, axisItems=style.axis_items(integer=("bottom",))
        )
        self.norm_plot.setLabel("left", "||g||")
        self.norm_plot.setLogMode(y=True)
        self.norm_plot.showGrid(x=True, y=True, alpha=0.25)
        self.group_plot = self.plots.addPlot(
            row=2, col=0, axisItems=style.axis_items(integer=("bottom",))
        )
        self.group_plot.setLabel("left", "||g|| per group")
        self.group_plot.setLabel("bottom", "training step")
        self.group_plot.setLogMode(y=True)
        self.group_plot.showGrid(x=True, y=True, alpha=0.25)
        self.group_plot.setXLink(self.norm_plot)
        add_legend(self.group_plot)
        self.plots.ci.layout.setRowStretchFactor(1, 3)
        self.plots.ci.layout.setRowStretchFactor(2, 2)
        for plot in (self.norm_plot, self.group_plot):
            style.style_plot(plot)
            plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        self.threshold_line = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(THRESHOLD_COLOUR, width=2, style=Qt.PenStyle.DotLine),
            label="clipping threshold",
            labelOpts={
                "position": 0.02,
                "anchors": [(0, 1), (0, 1)],  # left end, just above the line
                "color": THRESHOLD_COLOUR,
                "fill": (0, 0, 0, 160),
            },
        )
        self.threshold_line.label.setFont(style.plot_font())
        self.threshold_line.setVisible(False)
        self.norm_plot.addItem(self.threshold_line)
        self.cursor_lines = []
        for plot in (self.norm_plot, self.group_plot):
            line = pg.InfiniteLine(angle=90, pen=CURSOR_PEN)
            line.setVisible(False)
            plot.addItem(line, ignoreBounds=True)
            self.cursor_lines.append(line)

        self.main: NormSeries | None = None
        self.compare: NormSeries | None = None
        self._compare_label: str | None = None
        self._label = "run"
        self.group_curves: dict[str, pg.PlotDataItem] = {}
        self._group_key: tuple | None = None
        self._history: History | None = None
        self._last_text = ""
        self._threshold: float | None = None  # the threshold line's value, when shown
        self._group_data: dict[str, tuple[np.ndarray, np.ndarray]] = {}

        self.group_list.itemChanged.connect(self._group_toggled)
        self.norm_plot.scene().sigMouseClicked.connect(self._clicked)
        self.cursor.step_changed.connect(self._step_changed)
        self._step_changed(self.cursor.step)  # built after the cursor moved (a tab raised)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.summary_fold.watch()  # the summary folded to one line in a short dock

    # -- Panel hooks ---------------------------------------------------------------------------
    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self._label = run_label(context.spec)
        if self.compare is not None:
            self.compare.remove()
        self.compare, self._compare_label = None, None
        if self.main is not None:  # kept: a new series and its legend cost ~0.1 s
            self.main.start_over(self._label)
        else:
            self.main = NormSeries(
                self.norm_plot, self.legend, self._label, ("#4fc3f7", "#aed581", "#ef5350")
            )
        for curve in self.group_curves.values():
            self.group_plot.removeItem(curve)
        self.group_curves.clear()
        self.group_list.blockSignals(True)
        self.group_list.clear()
        self.group_list.blockSignals(False)
        self._group_key = None
        self._history = None
        self._threshold = None
        self._group_data = {}
        self.threshold_line.setVisible(False)
        self.summary_fold.reset()
        self.summary_fold.set_text("gradient norm: waiting for the first step")

    def show_record(self, record: StepRecord, history: History) -> None:
        self._history = history
        if self.main is None:
            return
        self.main.update(history)
        self._show_threshold(record)
        self._draw_groups(history)
        self._update_summary(record)
        keep_legend_off_data(self.group_plot)

    def show_compare(self, label: str, record: StepRecord | None, history: History | None) -> None:
        if record is None or history is None:
            if self.compare is not None:
                self.compare.remove()
            self.compare, self._compare_label = None, None
            return
        if label != self._compare_label and self.compare is not None:
            self.compare.remove()
            self.compare = None
        if self.compare is None:
            self.compare = NormSeries(
                self.norm_plot, self.legend, label, COMPARE_COLOURS[:2] + ("#ffab91",)
            )
            self._compare_label = label
        self.compare.update(history)
        if self._last_text:
            self.summary_fold.set_text(
                f"{self._label}: {self._last_text}\n{label}: ||g|| {record.grad_norm:.3g} -> "
                f"{record.grad_norm_clipped:.3g}; clipped on {self.compare.clipped_count} of "
                f"{len(history)} steps"
            )

    # -- drawing -------------------------------------------------------------------------------
    def _show_threshold(self, record: StepRecord) -> None:
        on = record.clip_mode == "norm" and record.clip_threshold > 0
        self.threshold_line.setVisible(on)
        self._threshold = record.clip_threshold if on else None
        if on:
            self.threshold_line.setPos(math.log10(record.clip_threshold))
            self.threshold_line.label.setFormat(f"clipping threshold μ = {record.clip_threshold:g}")

    def _update_summary(self, record: StepRecord) -> None:
        n = len(self._history) if self._history is not None else 0
        mode = {"none": "no clipping", "norm": "clip by norm", "value": "clip by value"}
        text = (
            f"step {record.step}: ||g|| {record.grad_norm:.3g} -> {record.grad_norm_clipped:.3g}"
            f"  ({mode.get(record.clip_mode, record.clip_mode)}"
        )
        if record.clip_mode != "none":
            text += f" {record.clip_threshold:g}; clipped on {self.main.clipped_count} of {n} steps"
        text += ")"
        self._last_text = text
        self.summary_fold.set_text(text)  # show_compare, called next, adds the second run

    def _draw_groups(self, history: History) -> None:
        names = [n.removeprefix("param:") for n in history.sparse_names("param:")]
        if names and self.group_list.count() != len(names):
            self._fill_group_list(names)
        key = tuple(
            (n, history.sparse(f"param:{n}")[0].size)
            for n in self.group_curves
            if self.group_curves[n].isVisible()
        )
        last = history.last.step if history.last is not None else -1
        if (key, last) == self._group_key:
            return
        self._group_key = (key, last)
        self._group_data = {}
        for name, curve in self.group_curves.items():
            if curve.isVisible():
                steps, values = history.sparse(f"param:{name}")
                curve.setData(steps, positive_or_nan(values), connect="finite")
                self._group_data[name] = (np.asarray(steps), np.asarray(values, dtype=float))

    def _fill_group_list(self, names: list[str]) -> None:
        self.group_list.blockSignals(True)
        self.group_list.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = "W_hh" in name or "W_yh" in name  # the recurrent weights, by default
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.group_list.addItem(item)
        self.group_list.blockSignals(False)
        for i in range(self.group_list.count()):
            item = self.group_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                self._ensure_group_curve(item.text(), i).setVisible(True)

    def _ensure_group_curve(self, name: str, index: int) -> pg.PlotDataItem:
        curve = self.group_curves.get(name)
        if curve is None:
            colour = GROUP_COLOURS[index % len(GROUP_COLOURS)]
            curve = self.group_plot.plot(
                pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=4, name=name
            )
            curve.setSymbolBrush(colour)
            curve.setSymbolPen(None)
            self.group_curves[name] = curve
        return curve

    def set_group_visible(self, name: str, visible: bool) -> None:
        """Show or hide one parameter group's curve (as ticking it in the list does)."""
        for i in range(self.group_list.count()):
            item = self.group_list.item(i)
            if item.text() == name:
                item.setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)
                return
        raise KeyError(f"no parameter group {name!r}")

    def _group_toggled(self, item: QListWidgetItem) -> None:
        visible = item.checkState() == Qt.CheckState.Checked
        curve = self._ensure_group_curve(item.text(), self.group_list.row(item))
        curve.setVisible(visible)
        legend = self.group_plot.legend
        legend.removeItem(curve)
        if visible:
            legend.addItem(curve, item.text())
        self._group_key = None
        if self._history is not None:
            self._draw_groups(self._history)

    def export_tables(self) -> dict[str, Table]:
        """``norm``: step, ||g|| before and after clipping and whether clipping fired (the
        compared run's in ``compare``); ``threshold``: mu when its line is shown;
        ``groups``: step and ||g|| of each ticked parameter group."""
        if self.main is None or not self.main.columns:
            return {}
        tables = {"norm": columns_table(self.main.columns, "gradient norm per step")}
        if self.compare is not None and self.compare.columns:
            tables["compare"] = columns_table(self.compare.columns, "the compared run's")
        if self._threshold is not None:
            tables["threshold"] = Table(["clipping threshold mu"], [[self._threshold]])
        if self._group_data:
            tables["groups"] = merged_table(
                "step", self._group_data, "gradient norm per parameter group"
            )
        return tables

    # -- interaction ---------------------------------------------------------------------------
    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.main is None:
            return
        vb = self.norm_plot.vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        x, _ = self.main.before.getOriginalDataset()
        if x is None or not len(x):
            return
        step = int(round(vb.mapSceneToView(event.scenePos()).x()))
        self.cursor.set_step(max(int(x[0]), min(step, int(x[-1]))))

    def _step_changed(self, step) -> None:
        for line in self.cursor_lines:
            line.setVisible(step is not None)
            if step is not None:
                line.setPos(step)
