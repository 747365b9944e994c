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

import tempfile
import threading
from pathlib import Path

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
from rnnviz.ui.export_menu import install_export_menu
from rnnviz.ui.sweep_plot import SweepPlot

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
        self.plot = SweepPlot()
        self.plot.run_clicked.connect(self.open_run)
        install_export_menu(self.plot, report=self.status.setText)
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
                f"Summary: {outcome.summary_path}. Click a point or a cell to open its run."
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
        self.plot.show_results(self.numeric_axes(), list(self.rows.values()))

    # -- opening a run -------------------------------------------------------------------------
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
