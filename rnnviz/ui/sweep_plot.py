"""The Sweep window's figure: the success rate against a numeric axis, one line per model
kind with 95 % Wilson intervals (``session/sweep_stats.py``), failed runs marked with an x at
0; or, for two numeric axes, a heatmap of the mean held-out loss (log10) with failed cells
marked. Clicking a point or a cell emits ``run_clicked(run id)``: its first complete run."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from rnnviz.session import sweep_stats
from rnnviz.ui.export import Table, grid_table

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")


class SweepPlot(pg.PlotWidget):
    """A plot with the panels' export (right click: PNG, SVG, and its numbers as CSV)."""

    run_clicked = Signal(str)
    title = "Sweep"
    key = "sweep"

    def __init__(self) -> None:
        super().__init__()
        self._tables: dict = {}
        self.points: dict[tuple[str, float], list[str]] = {}
        self.heat = ([], [], {})
        self._curve_kinds: dict[int, str] = {}
        self._log_x = False
        self._colour_bar = None

    def export_tables(self) -> dict:
        """The numbers drawn (``ui/export.py``): the success curves, or the heatmap's mean
        held-out loss and failed-run counts (one row per value of the second axis)."""
        return self._tables

    def show_results(self, axes: list[str], rows: list[dict]) -> None:
        """Redraw from the summary rows: ``axes`` are the sweep's numeric axes."""
        self.clear()
        self._tables = {}
        if len(axes) >= 2:
            self._draw_heatmap(rows, axes[0], axes[1])
        elif axes:
            self._draw_curves(rows, axes[0])

    def _draw_curves(self, rows: list[dict], axis: str) -> None:
        item = self.getPlotItem()
        if self._colour_bar is not None:  # left from a heatmap drawn before
            self._colour_bar.hide()
        item.getAxis("bottom").setTicks(None)
        item.getAxis("left").setTicks(None)
        item.setTitle(None)
        log_x = axis == "train.lr"
        item.setLogMode(x=log_x, y=False)
        item.setLabel("bottom", axis)
        item.setLabel("left", "success rate (95% Wilson interval)")
        item.addLegend(offset=(-10, 10))  # top right: long-T rates are usually low
        item.setYRange(-0.05, 1.05)
        self.points, self._curve_kinds, self._log_x = {}, {}, log_x
        curves = sweep_stats.success_curves(rows, axis)
        self._tables = {"success": _curve_table(curves, axis)}
        for n, (kind, points) in enumerate(curves.items()):
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
            self.addItem(scatter)
            if len(shown):
                low = rates - np.array([p[4] for p in shown])
                high = np.array([p[5] for p in shown]) - rates
                bars = pg.ErrorBarItem(x=xs_plot, y=rates, top=high, bottom=low, beam=0.0)
                bars.setOpts(pen=pg.mkPen(colour))
                self.addItem(bars)
            for p in shown:
                self.points[(kind, float(p[0]))] = p[6]
            failed = [p for p in points if p[3]]
            if failed:
                marks = pg.ScatterPlotItem(
                    [math.log10(p[0]) if log_x else p[0] for p in failed], [0.0] * len(failed),
                    symbol="x", size=12, brush=colour, pen=pg.mkPen(colour),
                )  # fmt: skip
                self.addItem(marks)
            self._curve_kinds[id(scatter.scatter)] = kind

    def _draw_heatmap(self, rows: list[dict], x_axis: str, y_axis: str) -> None:
        xs, ys, values, failed, ids = sweep_stats.heat_grid(rows, x_axis, y_axis)
        names = [f"{x_axis}={x:g}" for x in xs]
        self._tables = {
            "val_loss": grid_table({y_axis: ys}, names, values.T, "mean held-out loss"),
            "failed": grid_table({y_axis: ys}, names, failed.T, "failed runs"),
        }
        item = self.getPlotItem()
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
        self.addItem(image)
        if self._colour_bar is None:  # one bar, re-pointed at each redraw's image
            self._colour_bar = pg.ColorBarItem(
                values=levels, colorMap=pg.colormap.get("viridis"), label="log10 val_loss",
                interactive=False,
            )  # fmt: skip
            self._colour_bar.setImageItem(image, insert_in=item)
        else:
            self._colour_bar.setLevels(levels)
            self._colour_bar.setImageItem(image)
            self._colour_bar.show()
        bad = np.argwhere(failed > 0)
        if len(bad):
            self.addItem(
                pg.ScatterPlotItem(bad[:, 0] + 0.5, bad[:, 1] + 0.5, symbol="x", size=14,
                                   brush="r", pen=pg.mkPen("r"))
            )  # fmt: skip
        axis_x, axis_y = item.getAxis("bottom"), item.getAxis("left")
        axis_x.setTicks([[(i + 0.5, f"{x:g}") for i, x in enumerate(xs)]])
        axis_y.setTicks([[(j + 0.5, f"{y:g}") for j, y in enumerate(ys)]])
        item.setTitle("log10 mean held-out loss (x: failed runs)")

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
            self.run_clicked.emit(self.points[match][0])

    def _cell_clicked(self, event) -> None:
        xs, ys, ids = self.heat
        pos = event.pos()
        cell = (int(pos.x()), int(pos.y()))
        if cell in ids:
            event.accept()
            self.run_clicked.emit(ids[cell][0])


def _curve_table(curves: dict, axis: str) -> Table:
    header = ["model_kind", axis, "successes", "complete", "failed", "rate", "low", "high"]
    rows = [
        [kind, x, wins, n, failed, wins / n if n else None, low, high]
        for kind, points in curves.items()
        for x, wins, n, failed, low, high, _ids in points
    ]
    return Table(header, rows, "success rate with its 95% Wilson interval")
