"""The Sweep window (Training > Sweep…): a small sweep of the current preset started and
stopped from the window, its results plotted as they arrive.

The sweep runs on the local process pool (``session/sweep_exec.py``) from a Python thread;
each finished run comes back to the GUI thread through a queued Qt signal, so the window
never waits on a run. One numeric axis: the success rate against it, one line per model
kind, with 95 % Wilson intervals (``session/sweep_stats.py``), failed runs marked with an x.
Two numeric axes: a heatmap of the mean held-out loss (log10), failed cells marked. Every
run is kept (``runs/<id>.rnnviz`` in the output folder); clicking a point or a cell opens
its first complete run in the main window, with its whole history.
"""

from __future__ import annotations

import math
import tempfile
import threading
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rnnviz.engine.errors import SpecError
from rnnviz.session import sweep_stats

#: the settings an axis can sweep from the window (any setting can in a spec file)
AXIS_KEYS = (
    "task.seq_len",
    "model.hidden_size",
    "train.lr",
    "train.batch_size",
    "model.num_layers",
    "train.clip_threshold",
    "preset",
)
NONE = "(none)"
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")


class _Bridge(QObject):
    """Carries the sweep thread's news to the GUI thread (a queued connection)."""

    row = Signal(object, object)
    finished = Signal(object)


class SweepWindow(QWidget):
    def __init__(self, main_window, out: str | Path | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("Sweep — rnnviz")
        self.main_window = main_window
        self.out = Path(out) if out else None
        self.rows: dict[str, dict] = {}
        self.spec = None
        self._colour_bar = None
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._bridge = _Bridge()
        self._bridge.row.connect(self._on_row)
        self._bridge.finished.connect(self._on_finished)
        self._build()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        settings = self.main_window.run_control.session.settings
        form = QFormLayout()
        self.preset = QLineEdit(settings.preset_name if settings else "adding_lstm")
        form.addRow("Base preset", self.preset)
        self.axis_keys, self.axis_values = [], []
        for number, (key, values) in enumerate(
            (("task.seq_len", "10, 20, 50"), (NONE, "")), start=1
        ):
            keys = QComboBox()
            keys.addItems(([] if number == 1 else [NONE]) + list(AXIS_KEYS))
            keys.setCurrentText(key)
            line = QLineEdit(values)
            line.setPlaceholderText("values, comma-separated")
            row = QHBoxLayout()
            row.addWidget(keys)
            row.addWidget(line, 1)
            form.addRow(f"Axis {number}", row)
            self.axis_keys.append(keys)
            self.axis_values.append(line)
        self.seeds, self.steps, self.workers = QSpinBox(), QSpinBox(), QSpinBox()
        for box, (low, high, value) in zip(
            (self.seeds, self.steps, self.workers),
            ((1, 100, 2), (1, 1_000_000, 300), (1, 256, _default_workers())),
            strict=True,
        ):
            box.setRange(low, high)
            box.setValue(value)
        form.addRow("Seeds", self.seeds)
        form.addRow("Steps per run", self.steps)
        form.addRow("Workers", self.workers)
        self.threshold = QDoubleSpinBox()
        self.threshold.setDecimals(6)
        self.threshold.setRange(0.0, 1e6)
        self.threshold.setValue(1 / 240)
        form.addRow("Success: val_loss below", self.threshold)
        self.start_button, self.stop_button = QPushButton("Start"), QPushButton("Stop")
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        self.status = QLabel("Choose the axes, then Start.")
        self.status.setWordWrap(True)
        self.plot = pg.PlotWidget()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)
        self.resize(760, 760)

    # -- the spec from the form ---------------------------------------------------------------
    def sweep_data(self) -> dict:
        """The sweep spec the form describes (plain data, checked by ``sweep_spec``)."""
        axes = {}
        for keys, line in zip(self.axis_keys, self.axis_values, strict=True):
            key = keys.currentText()
            if key == NONE:
                continue
            axes[key] = [_value(part) for part in line.text().split(",") if part.strip()]
        return {
            "preset": self.preset.text().strip(),
            "axes": axes,
            "repeats": self.seeds.value(),
            "steps": self.steps.value(),
            "success": {"metric": "val_loss", "below": self.threshold.value()},
        }

    # -- start / stop ----------------------------------------------------------------------
    def start(self) -> None:
        from rnnviz.session.sweep_budget import check_sweep_budget
        from rnnviz.session.sweep_spec import sweep_spec_from_dict

        if self.running:
            return
        try:
            spec = sweep_spec_from_dict(self.sweep_data())
            cost = check_sweep_budget(spec, self.workers.value())
        except SpecError as exc:
            self.status.setText(str(exc))
            return
        self.spec, self.rows = spec, {}
        self.out = self.out or Path(tempfile.mkdtemp(prefix="rnnviz-sweep-"))
        self._cancel.clear()
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.status.setText(f"Running: {cost.describe()}. Runs are kept in {self.out}.")
        self._thread = threading.Thread(
            target=self._run, args=(spec, self.workers.value()), name="sweep", daemon=True
        )
        self._thread.start()

    def _run(self, spec, workers: int) -> None:
        from rnnviz.session.sweep_exec import run_sweep

        outcome = None
        try:
            outcome = run_sweep(
                spec,
                self.out,
                workers,
                keep_runs=True,
                on_update=lambda row, counts: self._bridge.row.emit(row, counts),
                cancel=self._cancel,
            )
        finally:
            self._bridge.finished.emit(outcome)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        """Cancel: queued runs do not start, running ones are ended (no process left)."""
        self._cancel.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)

    # -- results -----------------------------------------------------------------------------
    def _on_row(self, row, counts) -> None:
        text = f"{counts.done} done, {counts.failed} failed, {counts.running} running"
        self.status.setText(f"{text} of {counts.total} run(s). Runs are kept in {self.out}.")
        if row is not None:
            self.rows[row["id"]] = row
            self.redraw()

    def _on_finished(self, outcome) -> None:
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if outcome is not None:
            for row in outcome.rows:
                self.rows[row["id"]] = row
            c = outcome.counts
            ended = "Stopped" if outcome.cancelled else "Finished"
            self.status.setText(
                f"{ended}: {c.done} trained, {c.failed} failed, {c.skipped} already complete. "
                f"Summary: {outcome.summary_path}. Click a point to open its run."
            )
        self.redraw()

    def numeric_axes(self) -> list[str]:
        """The spec's axes whose values are all numbers (the preset axis is not)."""
        if self.spec is None:
            return []
        return [
            key
            for key, values in self.spec.axes.items()
            if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        ]

    def redraw(self) -> None:
        self.plot.clear()
        axes = self.numeric_axes()
        rows = list(self.rows.values())
        if len(axes) >= 2:
            self._draw_heatmap(rows, axes[0], axes[1])
        elif axes:
            self._draw_curves(rows, axes[0])

    def _draw_curves(self, rows: list[dict], axis: str) -> None:
        item = self.plot.getPlotItem()
        log_x = axis == "train.lr"
        item.setLogMode(x=log_x, y=False)
        item.setLabel("bottom", axis)
        item.setLabel("left", "success rate (95% Wilson interval)")
        item.addLegend(offset=(-10, 10))  # top right: long-T rates are usually low
        item.setYRange(-0.05, 1.05)
        self.points, self._curve_kinds, self._log_x = {}, {}, log_x
        for n, (kind, points) in enumerate(sweep_stats.success_curves(rows, axis).items()):
            colour = COLOURS[n % len(COLOURS)]
            shown = [p for p in points if p[2] > 0]
            xs = np.array([p[0] for p in shown], dtype=float)
            xs_plot = np.log10(xs) if log_x else xs
            rates = np.array([p[1] / p[2] for p in shown])
            scatter = pg.PlotDataItem(
                xs, rates, pen=pg.mkPen(colour, width=2), symbol="o", symbolBrush=colour,
                name=kind,
            )  # fmt: skip
            scatter.scatter.sigClicked.connect(self._point_clicked)
            self.plot.addItem(scatter)
            if len(shown):
                low = rates - np.array([p[4] for p in shown])
                high = np.array([p[5] for p in shown]) - rates
                bars = pg.ErrorBarItem(x=xs_plot, y=rates, top=high, bottom=low, beam=0.0)
                bars.setOpts(pen=pg.mkPen(colour))
                self.plot.addItem(bars)
            for p in shown:
                self.points[(kind, float(p[0]))] = p[6]
            failed = [p for p in points if p[3]]
            if failed:
                marks = pg.ScatterPlotItem(
                    [math.log10(p[0]) if log_x else p[0] for p in failed], [0.0] * len(failed),
                    symbol="x", size=12, brush=colour, pen=pg.mkPen(colour),
                )  # fmt: skip
                self.plot.addItem(marks)
            self._curve_kinds[id(scatter.scatter)] = kind

    def _draw_heatmap(self, rows: list[dict], x_axis: str, y_axis: str) -> None:
        xs, ys, values, failed, ids = sweep_stats.heat_grid(rows, x_axis, y_axis)
        item = self.plot.getPlotItem()
        item.setLogMode(x=False, y=False)
        item.setLabel("bottom", x_axis)
        item.setLabel("left", y_axis)
        self.heat = (xs, ys, ids)
        with np.errstate(divide="ignore", invalid="ignore"):
            image = np.log10(values)
        image = pg.ImageItem(image)
        finite = image.image[np.isfinite(image.image)]
        levels = (float(finite.min()), float(finite.max()) + 1e-9) if finite.size else (0, 1)
        image.setLevels(levels)
        image.mouseClickEvent = self._cell_clicked
        self.plot.addItem(image)
        if self._colour_bar is None:  # one bar, re-pointed at each redraw's image
            self._colour_bar = pg.ColorBarItem(
                values=levels, colorMap=pg.colormap.get("viridis"), label="log10 val_loss",
                interactive=False,
            )  # fmt: skip
            self._colour_bar.setImageItem(image, insert_in=item)
        else:
            self._colour_bar.setLevels(levels)
            self._colour_bar.setImageItem(image)
        bad = np.argwhere(failed > 0)
        if len(bad):
            self.plot.addItem(
                pg.ScatterPlotItem(bad[:, 0] + 0.5, bad[:, 1] + 0.5, symbol="x", size=14,
                                   brush="r", pen=pg.mkPen("r"))
            )  # fmt: skip
        axis_x, axis_y = item.getAxis("bottom"), item.getAxis("left")
        axis_x.setTicks([[(i + 0.5, f"{x:g}") for i, x in enumerate(xs)]])
        axis_y.setTicks([[(j + 0.5, f"{y:g}") for j, y in enumerate(ys)]])
        item.setTitle("log10 mean held-out loss (x: failed runs)")

    # -- opening a run -------------------------------------------------------------------------
    def _point_clicked(self, scatter, points, *_) -> None:
        kind = self._curve_kinds.get(id(scatter))
        if not len(points):
            return
        x = float(points[0].pos().x())
        if self._log_x:  # a log-x plot places points at log10 x
            x = 10**x
        match = min(
            (key for key in self.points if key[0] == kind),
            key=lambda key: abs(math.log(key[1] / x)) if x > 0 else abs(key[1] - x),
            default=None,
        )
        if match is not None:
            self.open_run(self.points[match][0])

    def _cell_clicked(self, event) -> None:
        xs, ys, ids = self.heat
        pos = event.pos()
        cell = (int(pos.x()), int(pos.y()))
        if cell in ids:
            event.accept()
            self.open_run(ids[cell][0])

    def open_run(self, run_id: str) -> bool:
        """Open a kept run in the main window (its whole history)."""
        path = self.out / "runs" / f"{run_id}.rnnviz"
        if not path.is_file():
            self.status.setText(f"Run {run_id} was not kept ({path} is missing).")
            return False
        opened = self.main_window.open_session(path)
        if opened:
            self.main_window.raise_()
            self.main_window.activateWindow()
        return opened


def _value(text: str) -> object:
    """A value typed into an axis: a whole number, a number, or a name."""
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _default_workers() -> int:
    from rnnviz.session.sweep_exec import default_workers

    return default_workers()


def open_sweep_window(main_window) -> SweepWindow:
    """Training > Sweep…: one Sweep window per main window, raised when open."""
    window = getattr(main_window, "sweep_window", None)
    if window is None:
        window = SweepWindow(main_window)
        main_window.sweep_window = window
    window.show()
    window.raise_()
    return window
