"""The gradient flowing back through time: ||dL/dh_t|| (and ||dL/dc_t|| for LSTM) against t.

Top: for the displayed training step, one log-scale curve per layer/direction, so a class sees
the gradient shrink geometrically towards early t (vanishing) or blow up (exploding). LSTM
memory cells dL/dc_t are drawn dashed. Bottom: the same quantity over the whole run as a
training step x t heatmap (colour = log10 of the norm). The gradients are of the shown
sequence's own loss (the sequence the gates and cells panels show) or of the training batch's,
as the training setting "dL/dh_t of" says; the summary names which.

Time steps are numbered t = 1 .. T as in the lecture notes; the shared cursor's ``t`` is the
0-based index, so t = cursor.t + 1. Clicking either plot selects a time step; clicking the
heatmap also selects that training step (the "Live" button of the loss panel goes back).
The colours and helpers it shares with the other gradient panels are gradient_plots.py's.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table, grid_table
from rnnviz.ui.legend_place import leave_band_for_legend
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame, real_steps
from rnnviz.ui.panels.gradient_plots import (
    CHAIN_COLOURS,
    COMPARE_COLOURS,
    CURSOR_PEN,
    GRADIENTS_OF_TEXT,
    LEFT_AXIS_WIDTH,
    PlotsSummaryFold,
    add_legend,
    curve_name,
    describe_ratio,
    first_last_ratio,
    log10_or_nan,
    run_label,
    set_row,
    uniform_rows,
)
from rnnviz.ui.panels.header_row import HeaderRow


class GradientsTimePanel(Panel):
    title = "Gradient through time"
    key = "gradients_time"
    area = "gradients"
    needs_full = True  # its numbers come from recorded steps only
    _fitted: tuple | None = None  # the (log y range, length) the line plot was last fitted to
    _map_levels: tuple | None = None  # the colour bar's levels, rounded out
    _map_y_range: tuple | None = None  # the map's step axis range, rounded out

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        self.setMinimumSize(400, 280)  # below this the plots' text collides
        layout, self.summary = panel_frame(self)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(240)  # two plots with readable axes; less scrolls
        self.summary_fold = PlotsSummaryFold(self, self.summary, self.plots)
        header = HeaderRow()
        self.map_choice = QComboBox()
        self.map_choice.setToolTip("Which gradient the training step x t heatmap shows.")
        self.map_label = QLabel("heatmap:")
        header.addWidget(self.map_label)
        header.addWidget(self.map_choice)
        header.addStretch(1)
        header.addWidget(self.summary_fold.button)
        header.addWidget(self.step_tag)
        layout.addLayout(header)
        # the summary (the ratio and its verdict) on a row of its own: beside the controls
        # it was squeezed into a column one word wide at 1280x720
        layout.addWidget(self.summary)
        layout.addWidget(self.summary_fold.line)
        layout.addWidget(self.plots, 1)
        self.line_plot = self.plots.addPlot(
            row=0, col=0, axisItems=style.axis_items(integer=("bottom",))
        )
        self.line_plot.setLabel("left", "gradient norm")
        self.line_plot.setLabel("bottom", "time step t")
        self.line_plot.setLogMode(y=True)
        self.line_plot.showGrid(x=True, y=True, alpha=0.25)
        add_legend(self.line_plot)
        self.heat_plot = self.plots.addPlot(
            row=1, col=0, axisItems=style.axis_items(integer=("left", "bottom"))
        )
        self.heat_plot.setLabel("left", "training step")
        self.heat_plot.setLabel("bottom", "time step t")
        self.heat_plot.setXLink(self.line_plot)
        self.heat_plot.invertY(True)  # the newest training step at the bottom, like a log
        self.image = pg.ImageItem(axisOrder="row-major")
        self.heat_plot.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(
            colorMap="inferno", label="log10 norm", interactive=False, width=18
        )
        self.colour_bar.setImageItem(self.image)
        # the bar in a column of its own: both plots keep the same width, so t lines up
        self.plots.addItem(self.colour_bar, row=1, col=1)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 2)
        for plot in (self.line_plot, self.heat_plot):
            style.style_plot(plot)
            plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        self.cursor_lines = []
        for plot in (self.line_plot, self.heat_plot):
            line = pg.InfiniteLine(angle=90, pen=CURSOR_PEN)
            plot.addItem(line, ignoreBounds=True)
            self.cursor_lines.append(line)

        self.curves: dict[tuple[str, str], pg.PlotDataItem] = {}
        self.compare_curves: dict[tuple[str, str], pg.PlotDataItem] = {}
        self._compare_label: str | None = None
        self._label = "run"
        self._map_key: tuple | None = None
        self._map_steps = np.empty(0, dtype=np.int64)
        self._history: History | None = None
        self._ratio = self._compare_ratio = float("nan")
        self._real: int | None = None  # the displayed sequence's real length, if padded
        self._length = self._compare_length = 0
        self._step = 0
        self._of = ""
        #: what the curves and the map show (export_tables): column name -> [T] norms
        self._drawn_rows: dict[str, np.ndarray] = {}
        self._compare_rows: dict[str, np.ndarray] = {}
        self._map_data: tuple | None = None  # (title, steps [K], norms [K, T])

        self._data_top = 0.0  # log10 of the largest norm drawn
        # a view resized (window, text size): the band for the legend measured again
        self.line_plot.getViewBox().sigResized.connect(lambda *_: self._place_legend())
        self.map_choice.currentIndexChanged.connect(self._map_choice_changed)
        self.plots.scene().sigMouseClicked.connect(self._clicked)
        self.cursor.t_changed.connect(self._t_changed)
        self._t_changed(self.cursor.t)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.summary_fold.watch()  # the summary folded to one line in a short dock

    # -- Panel hooks ---------------------------------------------------------------------------
    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self._label = run_label(context.spec)
        self._remove_curves(self.curves)
        self._remove_curves(self.compare_curves)
        self._compare_label = None
        several = len(context.chains) > 1
        kinds = ("h", "c") if context.spec.is_lstm else ("h",)
        choices = []
        for k, (chain, kind) in enumerate((c, k) for k in kinds for c in context.chains):
            colour = CHAIN_COLOURS[context.chains.index(chain) % len(CHAIN_COLOURS)]
            style_ = Qt.PenStyle.SolidLine if kind == "h" else Qt.PenStyle.DashLine
            curve = self.line_plot.plot(
                pen=pg.mkPen(colour, width=3, style=style_),
                name=curve_name(self._label, kind, chain, several),
                connect="finite",
            )
            curve.setZValue(10 + k)
            self.curves[(chain, kind)] = curve
            choices.append((f"||dL/d{kind}_t|| {chain}", (chain, "dh" if kind == "h" else "dc")))
        self.map_choice.blockSignals(True)
        self.map_choice.clear()
        for text, data in choices:
            self.map_choice.addItem(text, data)
        self.map_choice.blockSignals(False)
        self.map_choice.setVisible(len(choices) > 1)
        self.map_label.setVisible(len(choices) > 1)
        self.image.clear()
        self._map_key = None
        self._map_steps = np.empty(0, dtype=np.int64)
        self._history = None
        self._ratio = self._compare_ratio = float("nan")
        self._fitted = self._map_levels = self._map_y_range = None
        self._data_top = 0.0
        self._step = 0
        self._drawn_rows, self._compare_rows, self._map_data = {}, {}, None
        self.summary_fold.reset()
        self.summary_fold.set_text("||dL/dh_t||: waiting for a recorded step")

    def show_record(self, record: StepRecord, history: History) -> None:
        self._history = history
        if record.full and record.dh_norm:
            several = len(self.curves) > 1
            self._drawn_rows = {}
            self._real = self._real_length(record)  # padded steps are not drawn
            for (chain, kind), curve in self.curves.items():
                rows = record.dh_norm if kind == "h" else record.dc_norm
                row = rows.get(chain)
                row = None if row is None else np.asarray(row)[: self._real]
                set_row(curve, row)
                if row is not None:
                    self._drawn_rows[curve_name(self._label, kind, chain, several)] = row
            first = self.context.chains[0] if self.context else next(iter(record.dh_norm))
            row = np.asarray(record.dh_norm.get(first, np.empty(0)))[: self._real]
            self._ratio, self._length = first_last_ratio(row), len(row)
            self._step = record.step
            self._of = GRADIENTS_OF_TEXT.get(record.gradients_of, "")
            self._update_summary()
            self._fit_range()
        self._draw_map(history)
        self._place_legend()

    def _real_length(self, record: StepRecord) -> int | None:
        """The displayed sentence's real steps (None: all), when the norms are of it."""
        if record.gradients_of != "sequence" or self.context is None:
            return None
        return real_steps(record.sample, self.context.task)

    def show_compare(self, label: str, record: StepRecord | None, history: History | None) -> None:
        if record is None:
            self._remove_curves(self.compare_curves)
            self._compare_label = None
            self._compare_ratio = float("nan")
            self._compare_rows = {}
            self._update_summary()
            return
        if label != self._compare_label:
            self._remove_curves(self.compare_curves)
            self._compare_label = label
        if not (record.full and record.dh_norm):
            return
        chains = list(record.dh_norm)
        several = len(chains) > 1
        self._compare_rows = {}
        for kind, rows in (("h", record.dh_norm), ("c", record.dc_norm)):
            for i, (chain, row) in enumerate(rows.items()):
                curve = self.compare_curves.get((chain, kind))
                if curve is None:
                    style_ = Qt.PenStyle.SolidLine if kind == "h" else Qt.PenStyle.DashLine
                    colour = COMPARE_COLOURS[i % len(COMPARE_COLOURS)]
                    curve = self.line_plot.plot(
                        pen=pg.mkPen(colour, width=3, style=style_),
                        name=curve_name(label, kind, chain, several),
                        connect="finite",
                    )
                    self.compare_curves[(chain, kind)] = curve
                row = np.asarray(row)[: self._real_length(record)]
                set_row(curve, row)
                self._compare_rows[curve_name(label, kind, chain, several)] = row
        row = np.asarray(record.dh_norm[chains[0]])[: self._real_length(record)]
        self._compare_ratio, self._compare_length = first_last_ratio(row), len(row)
        self._update_summary()
        self._fit_range()

    # -- drawing -------------------------------------------------------------------------------
    def _fit_range(self) -> None:
        """Fit the curves in a range rounded out to half decades (and 1..T): it changes only
        now and then, so the axes keep their laid-out, cached pictures between records
        instead of being laid out and painted anew (several ms) at every record."""
        ys = [c.yData for c in (*self.curves.values(), *self.compare_curves.values())]
        ys = [y[np.isfinite(y) & (y > 0)] for y in ys if y is not None and len(y)]
        ys = [y for y in ys if y.size]
        if not ys:
            return
        self._data_top = float(np.log10(max(y.max() for y in ys)))
        lo, hi = style.half_decades(float(np.log10(min(y.min() for y in ys))), self._data_top)
        length = max(len(c.yData) for c in self.curves.values() if c.yData is not None)
        fitted = (lo, hi, length)
        if fitted != self._fitted:
            self._fitted = fitted
            self.line_plot.setRange(
                xRange=(0.5, length + 0.5), yRange=fitted[:2], padding=0.02, disableAutoRange=True
            )

    def _place_legend(self) -> None:
        """The legend where it covers no line; where every place does (date_attention's
        three chains across the whole view, issue 16), a band above the curves for it."""
        if self._fitted is not None:
            leave_band_for_legend(self.line_plot, self._data_top)

    def _remove_curves(self, curves: dict) -> None:
        for curve in curves.values():
            self.line_plot.removeItem(curve)  # also drops its legend entry
        curves.clear()

    def _update_summary(self) -> None:
        if not np.isfinite(self._ratio):
            return
        last = "T" if self._real is None else str(self._real)
        text = (
            f"step {self._step}: ||dL/dh_1|| / ||dL/dh_{last}|| = {self._ratio:.2g}"
            f"{describe_ratio(self._ratio, self._length)}"
        )
        if self._real is not None:
            text += f" (its {self._real} real steps; the steps after them are padding)"
        if self._compare_label and np.isfinite(self._compare_ratio):
            text = f"{self._label} {text};  {self._compare_label}: {self._compare_ratio:.2g}"
            text += describe_ratio(self._compare_ratio, self._compare_length)
        if self._of:
            text += f", of the {self._of}"
        self.summary_fold.set_text(text)

    def _draw_map(self, history: History) -> None:
        choice = self.map_choice.currentData()
        if choice is None:
            return
        chain, which = choice
        steps, _ = history.sparse(f"{which}:{chain}")
        key = (choice, steps.size, int(steps[-1]) if steps.size else -1)
        if key == self._map_key:
            return
        self._map_key = key
        steps, values = history.dh_map(chain, which)
        values = values[:, : self._real]  # the displayed sequence's padding is not drawn
        if steps.size == 0 or values.size == 0:
            self.image.clear()
            self._map_steps = steps
            self._map_data = None
            return
        self._map_data = (f"||dL/d{which[1]}_t|| {chain}", steps, values)
        steps, values = uniform_rows(steps, values)
        logs = log10_or_nan(values)
        self.image.setImage(logs, autoLevels=False)
        finite = logs[np.isfinite(logs)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        # levels and the step axis rounded outwards (half decades; 1 or 5 x 10^k steps), so
        # the colour bar's and the map's axes keep their laid-out pictures between records
        lo, hi = style.half_decades(lo, hi)
        if (lo, hi) != self._map_levels:
            self._map_levels = (lo, hi)
            self.colour_bar.setLevels((lo, hi))
        first, last = float(steps[0]), float(steps[-1])
        row_h = (last - first) / (steps.size - 1) if steps.size > 1 else 1.0
        T = values.shape[1]
        self.image.setRect(0.5, first - row_h / 2, T, row_h * steps.size)
        y_range = style.rounded_out(first - row_h / 2, last + row_h / 2)
        if y_range != self._map_y_range:
            self._map_y_range = y_range
            self.heat_plot.setYRange(*y_range, padding=0)
        self._map_steps = steps
        kind = "dh" if which == "dh" else "dc"
        self.colour_bar.setLabel("left", f"log10 ||dL/{kind}_t|| {chain}")

    def export_tables(self) -> dict[str, Table]:
        """``norms``: t and ||dL/dh_t|| (||dL/dc_t||) per layer and direction at the shown
        step, the compared run's beside them; ``map``: the heatmap's rows, a training step
        each (the norms themselves; the colours are their log10)."""
        tables = {}
        if self._drawn_rows:
            columns = {**self._drawn_rows, **self._compare_rows}
            T = max(len(v) for v in columns.values())
            tables["norms"] = columns_table(
                {"t": range(1, T + 1), **columns}, f"gradient norms at step {self._step}"
            )
        if self._map_data is not None:
            title, steps, values = self._map_data
            names = [f"t={t}" for t in range(1, values.shape[1] + 1)]
            tables["map"] = grid_table({"step": steps.tolist()}, names, values, title)
        return tables

    # -- interaction ---------------------------------------------------------------------------
    def _map_choice_changed(self, _index: int) -> None:
        self._map_key = None
        if self._history is not None:
            self._draw_map(self._history)

    def _t_changed(self, t: int) -> None:
        for line in self.cursor_lines:
            line.setPos(t + 1)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        for plot in (self.line_plot, self.heat_plot):
            vb = plot.vb
            if not vb.sceneBoundingRect().contains(event.scenePos()):
                continue
            point = vb.mapSceneToView(event.scenePos())
            T = self._sequence_length()
            if T:
                self.cursor.set_t(min(max(int(round(point.x())), 1), T) - 1)
            if plot is self.heat_plot and self._map_steps.size:
                i = int(np.argmin(np.abs(self._map_steps - point.y())))
                self.cursor.set_step(int(self._map_steps[i]))
            return

    def _sequence_length(self) -> int:
        for curve in self.curves.values():
            x, _ = curve.getOriginalDataset()
            if x is not None and len(x):
                return len(x)
        return 0
