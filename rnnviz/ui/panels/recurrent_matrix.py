"""The recurrent matrix, the reason gradients vanish or explode.

Backpropagation through time multiplies dL/dh_t by the recurrent matrix W (and the
activation's derivative) once per step back: dL/dh_{t-1} = W^T diag(f'(a_t)) dL/dh_t. If the
largest singular value sigma_max(W) (times max |f'|) is below 1 the gradient must shrink
geometrically (vanishing); if the spectral radius rho(W) = max |lambda| is above 1 it can grow
(exploding). Left: rho (solid) and sigma_max (dashed) of every recurrent matrix over training,
against the line 1. Right: the eigenvalues of the selected matrix at the displayed step in the
complex plane, with the unit circle.

LSTM / GRU matrices are shown per gate block (``L0.fwd W_hh (f)``), as the trainer records them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.engine.spectra import max_slope, model_verdict, verdict
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table, merged_table
from rnnviz.ui.legend_place import keep_legend_off_data
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.eigen_plot import EigenPlot
from rnnviz.ui.panels.gradient_norm import GROUP_COLOURS
from rnnviz.ui.panels.gradient_plots import (
    COMPARE_COLOURS,
    CURSOR_PEN,
    LEFT_AXIS_WIDTH,
    PlotsSummaryFold,
    add_legend,
    positive_or_nan,
    run_label,
)
from rnnviz.ui.panels.header_row import HeaderRow


def legend_name(name: str, names: list[str]) -> str:
    """A matrix's name in the legend: without its chain ("L0.fwd") when every matrix shares
    it, so the rows stay short in a narrow dock (the header names the matrix in full)."""
    chains = {n.split(" ", 1)[0] for n in names}
    return name.split(" ", 1)[1] if len(chains) == 1 and " " in name else name


class RecurrentMatrixPanel(Panel):
    title = "Recurrent matrix"
    key = "recurrent_matrix"
    area = "gradients"
    needs_full = True  # its numbers come from recorded steps only

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        self.setMinimumSize(400, 280)  # below this the plots' text collides
        layout, self.summary = panel_frame(self)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setMinimumHeight(240)  # two plots with readable axes; less scrolls
        self.summary_fold = PlotsSummaryFold(self, self.summary, self.plots)
        header = HeaderRow()
        self.matrix_choice = QComboBox()
        self.matrix_choice.setToolTip("Which recurrent matrix to highlight and decompose.")
        # the summary (matrix, rho, sigma and the verdict) gets a row of its own: beside the
        # controls it wrapped into a tall column that pushed the plots out of a projector dock
        header.addWidget(QLabel("matrix:"))
        header.addWidget(self.matrix_choice, 1)
        header.addWidget(self.summary_fold.button)
        header.addWidget(self.step_tag)
        layout.addLayout(header)
        layout.addWidget(self.summary)
        layout.addWidget(self.summary_fold.line)
        layout.addWidget(self.plots, 1)
        self.radius_plot = self.plots.addPlot(
            row=0, col=0, axisItems=style.axis_items(integer=("bottom",))
        )
        self.radius_plot.setLabel("left", "ρ (solid), σ<sub>max</sub> (dashed)")
        self.radius_plot.setLabel("bottom", "training step")
        self.radius_plot.showGrid(x=True, y=True, alpha=0.25)
        add_legend(self.radius_plot)
        self.one_line = pg.InfiniteLine(
            pos=1.0,
            angle=0,
            pen=pg.mkPen("#f5f5f5", width=2, style=Qt.PenStyle.DashLine),
            label="1",
            labelOpts={"position": 0.03, "color": "#f5f5f5", "fill": (0, 0, 0, 160)},
        )
        self.one_line.label.setFont(style.plot_font())
        self.radius_plot.addItem(self.one_line)  # keeps 1 in view
        self.step_line = pg.InfiniteLine(angle=90, pen=CURSOR_PEN)
        self.step_line.setVisible(False)
        self.radius_plot.addItem(self.step_line, ignoreBounds=True)

        self.eigen = EigenPlot(self.plots, row=0, col=1)
        self.eigen_points = self.eigen.points  # (tests)
        self.plots.ci.layout.setColumnStretchFactor(0, 3)
        self.plots.ci.layout.setColumnStretchFactor(1, 2)
        # the square (aspect-locked) eigenvalue plot would take all the width of a tall dock
        self.plots.ci.layout.setColumnMaximumWidth(1, 300)
        style.style_plot(self.radius_plot)
        self.radius_plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH + 12)  # room for 1.045

        self._label = "run"
        self.radius_curves: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem]] = {}
        self.compare_curves: dict[str, pg.PlotDataItem] = {}
        self._compare_label: str | None = None
        self._radius_key: tuple | None = None
        self._compare_key: tuple | None = None
        self._record: StepRecord | None = None
        self._compare_record: StepRecord | None = None
        self._eigen_key: tuple | None = None
        self._history: History | None = None
        self._compare_history: History | None = None
        #: what is drawn (export_tables): curve name -> (steps, values); eigenvalues
        self._radius_data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._compare_radius_data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._eigen_data: dict[str, np.ndarray] = {}

        self.matrix_choice.currentIndexChanged.connect(self._matrix_changed)
        self.cursor.step_changed.connect(self._step_changed)
        self._step_changed(self.cursor.step)  # built after the cursor moved (a tab raised)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.summary_fold.watch()  # the summary folded to one line in a short dock

    # -- Panel hooks ---------------------------------------------------------------------------
    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self._label = run_label(context.spec)
        for solid, dashed in self.radius_curves.values():
            self.radius_plot.removeItem(solid)
            self.radius_plot.removeItem(dashed)
        self.radius_curves.clear()
        self._end_compare()
        self.matrix_choice.blockSignals(True)
        self.matrix_choice.clear()
        self.matrix_choice.blockSignals(False)
        self._radius_key = self._eigen_key = None
        self._record = None
        self._radius_data, self._eigen_data = {}, {}
        self.eigen.show(None, None)
        self._set_log(False)
        self.summary_fold.reset()
        self.summary_fold.set_text("recurrent matrix: waiting for a recorded step")

    def show_record(self, record: StepRecord, history: History) -> None:
        self._history = history
        if record.full and record.recurrent:
            if self.matrix_choice.count() != len(record.recurrent):
                self._fill_choices(list(record.recurrent))
            self._record = record
            self._draw_eigenvalues()
        self._draw_radii(history)
        keep_legend_off_data(self.radius_plot)

    def show_compare(self, label: str, record: StepRecord | None, history: History | None) -> None:
        if record is None or history is None:
            self._end_compare()
            return
        if label != self._compare_label:
            self._end_compare()
            self._compare_label = label
        names = [n.removeprefix("radius:") for n in history.sparse_names("radius:")]
        rows = tuple(history.sparse(f"radius:{n}")[0].size for n in names)
        key = (tuple(names), rows, history.last.step if history.last else -1)
        if key != self._compare_key:
            self._compare_key = key
            for i, name in enumerate(names):
                curve = self.compare_curves.get(name)
                short = legend_name(name, names)
                if curve is None:
                    colour = COMPARE_COLOURS[i % len(COMPARE_COLOURS)]
                    curve = self.radius_plot.plot(
                        pen=pg.mkPen(colour, width=2, style=Qt.PenStyle.DashDotLine),
                        symbol="x",
                        symbolSize=7,
                        symbolPen=pg.mkPen(colour, width=2),
                        name=f"{label}: ρ {short}",
                    )
                    self.compare_curves[name] = curve
                steps, values = history.sparse(f"radius:{name}")
                curve.setData(steps, positive_or_nan(values), connect="finite")
                self._compare_radius_data[f"{label}: ρ {name}"] = (
                    np.asarray(steps),
                    np.asarray(values, dtype=float),
                )
        self._compare_history = history
        if record.full and record.recurrent:
            self._compare_record = record
            self._draw_eigenvalues()

    # -- drawing -------------------------------------------------------------------------------
    def _end_compare(self) -> None:
        for curve in self.compare_curves.values():
            self.radius_plot.removeItem(curve)
        self.compare_curves.clear()
        self._compare_label = None
        self._compare_key = None
        self._compare_record = None
        self._compare_history = None
        self._compare_radius_data = {}
        self._eigen_data.pop("compare", None)
        self.eigen.compare_points.setData([], [])

    def _fill_choices(self, names: list[str]) -> None:
        current = self.matrix_choice.currentText()
        self.matrix_choice.blockSignals(True)
        self.matrix_choice.clear()
        self.matrix_choice.addItems(names)
        if current in names:
            self.matrix_choice.setCurrentText(current)
        self.matrix_choice.blockSignals(False)
        self._restyle()

    def selected_matrix(self) -> str:
        return self.matrix_choice.currentText()

    def select_matrix(self, name: str) -> None:
        index = self.matrix_choice.findText(name)
        if index < 0:
            raise KeyError(f"no recurrent matrix {name!r}")
        self.matrix_choice.setCurrentIndex(index)

    def _draw_radii(self, history: History) -> None:
        names = [n.removeprefix("radius:") for n in history.sparse_names("radius:")]
        rows = tuple(history.sparse(f"radius:{n}")[0].size for n in names)
        key = (tuple(names), rows, history.last.step if history.last else -1)
        if key == self._radius_key:
            return
        self._radius_key = key
        created = False
        for name in names:
            if name not in self.radius_curves:
                self.radius_curves[name] = self._make_radius_curves(name, names)
                created = True
            solid, dashed = self.radius_curves[name]
            steps, radius = history.sparse(f"radius:{name}")
            _, sigma = history.sparse(f"sigma:{name}")
            solid.setData(steps, positive_or_nan(radius), connect="finite")
            dashed.setData(steps, positive_or_nan(sigma), connect="finite")
            self._radius_data[f"ρ {name}"] = (np.asarray(steps), np.asarray(radius, dtype=float))
            self._radius_data[f"σ_max {name}"] = (
                np.asarray(steps),
                np.asarray(sigma, dtype=float),
            )
        if created:
            self._restyle()
        values = [history.sparse(f"{kind}:{n}")[1] for n in names for kind in ("radius", "sigma")]
        values = positive_or_nan(np.concatenate(values)) if values else np.empty(0)
        finite = values[np.isfinite(values)]
        self._set_log(bool(finite.size and finite.max() > 10.0 * max(finite.min(), 0.1)))

    def _make_radius_curves(
        self, name: str, names: list[str]
    ) -> tuple[pg.PlotDataItem, pg.PlotDataItem]:
        colour = GROUP_COLOURS[len(self.radius_curves) % len(GROUP_COLOURS)]
        several = len(names) > 1
        legend = f"{self._label}: {legend_name(name, names) if several else 'ρ, σ_max'}"
        solid = self.radius_plot.plot(pen=pg.mkPen(colour, width=2), name=legend)
        dashed = self.radius_plot.plot(pen=pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine))
        for curve in (solid, dashed):
            curve.setSymbol("o")
            curve.setSymbolSize(4)
            curve.setSymbolBrush(colour)
            curve.setSymbolPen(None)
        return solid, dashed

    def _restyle(self) -> None:
        """The selected matrix thick and on top, the others thin."""
        selected = self.selected_matrix()
        for name, (solid, dashed) in self.radius_curves.items():
            on = name == selected or len(self.radius_curves) == 1
            for curve, style_ in ((solid, Qt.PenStyle.SolidLine), (dashed, Qt.PenStyle.DashLine)):
                colour = curve.opts["pen"].color()
                curve.setPen(pg.mkPen(colour, width=4 if on else 1.5, style=style_))
                curve.setZValue(5 if on else 0)

    def _draw_eigenvalues(self) -> None:
        """The selected matrix's eigenvalues at the shown step (and the compared run's), as
        the window's spectra helper computed them (``ui/workers/spectra_job.py``): until
        they arrive the plot is empty and the summary says so."""
        record, name = self._record, self.selected_matrix()
        if record is None or name not in record.recurrent:
            return
        eigs = self._eigenvalues(self._history, record, name)
        other = self._compare_record
        other_eigs = self._eigenvalues(self._compare_history, other, name)
        key = (record.step, name, other.step if other else None, eigs is None, other_eigs is None)
        if key == self._eigen_key:
            return
        self._eigen_key = key
        self._eigen_data = {}
        self.eigen.show(eigs, other_eigs)
        if eigs is None:
            self.summary_fold.set_text(f"{self._label} {name} at step {record.step}: computing ρ …")
        else:
            self._eigen_data["main"] = eigs
            radius, sigma = record.spectral[name]
            slope = max_slope(self.context.spec, name) if self.context else 1.0
            self.summary_fold.set_text(
                f"{self._label} {name} at step {record.step}: ρ = {radius:.4g}, "
                f"σ_max = {sigma:.4g}; {self._verdict(radius, sigma, slope)}"
            )
        if other_eigs is not None:
            self._eigen_data["compare"] = other_eigs
        self.eigen.title(self._label, self._compare_label if other_eigs is not None else None)

    def _verdict(self, radius: float, sigma: float, slope: float) -> str:
        if self.context is None:
            return verdict(radius, sigma, slope)
        return model_verdict(self.context.spec, radius, sigma, slope)

    @staticmethod
    def _eigenvalues(history: History | None, record: StepRecord | None, name: str):
        """The matrix's eigenvalues at the record's step, None until they are computed."""
        if history is None or record is None or name not in record.spectral:
            return None
        return (history.eigenvalues_at(record.step) or {}).get(name)

    def _set_log(self, on: bool) -> None:
        """Log scale when the radii span more than a decade (e.g. an exploding run)."""
        if on != self.radius_plot.ctrl.logYCheck.isChecked():
            self.radius_plot.setLogMode(y=on)
        self.one_line.setPos(0.0 if on else 1.0)

    def export_tables(self) -> dict[str, Table]:
        """``radius``: step, and rho and sigma_max of each recurrent matrix (the compared
        run's rho beside them); ``eigenvalues``: Re and Im of the selected matrix's
        eigenvalues at the shown step (``compare_eigenvalues``: the compared run's)."""
        tables = {}
        if self._radius_data:
            series = {**self._radius_data, **self._compare_radius_data}
            tables["radius"] = merged_table("step", series, "spectral radius and σ_max")
        record, name = self._record, self.selected_matrix()
        for key, eig in self._eigen_data.items():
            label = self._label if key == "main" else self._compare_label
            step = record.step if record is not None else ""
            title = f"eigenvalues of {name} at step {step} ({label})"
            columns = {"k": range(eig.size), "Re λ": eig.real, "Im λ": eig.imag}
            tables["eigenvalues" if key == "main" else "compare_eigenvalues"] = columns_table(
                columns, title
            )
        return tables

    def spectra_arrived(self) -> None:
        if self._history is not None:
            self._draw_radii(self._history)
        self._draw_eigenvalues()

    # -- interaction ---------------------------------------------------------------------------
    def _matrix_changed(self, _index: int) -> None:
        self._restyle()
        self._eigen_key = None
        self._draw_eigenvalues()

    def _step_changed(self, step) -> None:
        self.step_line.setVisible(step is not None)
        if step is not None:
            self.step_line.setPos(step)
