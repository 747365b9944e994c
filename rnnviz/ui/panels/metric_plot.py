"""The loss panel's metric plot: one line per metric and run, a second (right) y axis for
metrics of another scale than the fractions, and a legend whose names differ.

Why a second axis (issue 16): ntm_copy's ``bit_errors`` (~18 wrong bits per sequence at
first) and ``bit_error_rate`` (~0.5) shared one axis from 0 to 20, and the rate was a flat
line on the floor; char_lstm's ``accuracy`` (0 to 0.35 in 100 steps) under
``bits_per_char`` (5.3 to 3.4) the same. Which axis a metric is read on is decided from its
values, not its name or its preset: a metric whose every value (in either run) lies in
[0, 1] is a *fraction* (accuracies, error rates) and is read on the left axis; the others
(counts, bits per character, a normalised error above 1) on the right one, in their own
range. Where all metrics are of one kind there is one axis, as before.

Why a run legend: with a compared run each metric had two entries, "bit_errors" and
"bit_errors (LSTM)"; cut to the plot's width, four names became "bit_e…" (issue 16). The
legend now names each metric once (its colour) and each run once (a grey line: solid for
this run, dashed for the compared one), the way the curves are drawn.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from rnnviz.ui.legend_room import make_room_for_legend
from rnnviz.ui.panels.curve_cost import StepCurve
from rnnviz.ui.panels.loss_box import set_box

METRIC_COLOURS = ("#4fc3f7", "#aed581", "#ffb74d", "#ba68c8")
RUN_COLOUR = "#bdbdbd"
LEFT_LABEL, FRACTION_LABEL = "metric", "fraction"


def is_fraction(values: np.ndarray) -> bool:
    """Whether every finite value of ``values`` lies in [0, 1] (none finite: yes)."""
    finite = values[np.isfinite(values)]
    return bool(finite.size == 0 or (finite.min() >= 0.0 and finite.max() <= 1.0))


def right_axis_names(series: dict[str, list[np.ndarray]]) -> list[str]:
    """The metrics read on the right axis: those with a value outside [0, 1] in any of
    their runs' ``series``, where another metric is a fraction; none where all metrics are
    of one kind (one axis is enough)."""
    outside = [name for name, runs in series.items() if not all(is_fraction(v) for v in runs)]
    return outside if 0 < len(outside) < len(series) else []


class MetricPlot:
    """The metric curves of ``plot`` (a PlotItem with a legend and a right axis item):
    ``show(run, steps, metrics)`` for this run (``run`` 0) and the compared one (1)."""

    def __init__(self, plot: pg.PlotItem, partner: pg.PlotItem | None = None) -> None:
        self.plot, self.partner = plot, partner
        self.right = pg.ViewBox(enableMouse=False)  # the right axis' view, over the plot's
        self.right.setZValue(plot.vb.zValue() - 1)  # under it: mouse and legend stay there
        plot.scene().addItem(self.right)
        plot.getAxis("right").linkToView(self.right)
        self.right.setXLink(plot)
        plot.vb.sigResized.connect(self._follow_view)
        plot.hideAxis("right")
        if partner is not None:  # an empty right axis as wide as this one's (_mirror_width)
            blank = partner.getAxis("right")
            blank.setStyle(showValues=False)
            blank.setPen(pg.mkPen(0, 0, 0, 0))
            plot.getAxis("right").geometryChanged.connect(self._mirror_width)
        self.curves: dict[str, pg.PlotDataItem] = {}  # this run's, solid
        self.compare_curves: dict[str, pg.PlotDataItem] = {}  # the compared run's, dashed
        self.run_labels = ("", "")
        self._series: tuple[dict[str, np.ndarray], dict[str, np.ndarray]] = ({}, {})
        self._steps: np.ndarray = np.empty(0)
        self._colours: dict[str, str] = {}
        self._on_right: list[str] = []
        self._legend_key: tuple | None = None
        self._axes_key: tuple | None = None
        transparent = pg.mkPen(0, 0, 0, 0)  # auto-range fits these boxes (see loss.set_box)
        self.box = plot.plot(pen=transparent)
        self.right_box = pg.PlotDataItem(pen=transparent)
        self.right.addItem(self.right_box)

    # -- data ----------------------------------------------------------------------------------
    def show(self, run: int, steps: np.ndarray, metrics: dict[str, np.ndarray], label="") -> None:
        """Draw ``run``'s ``metrics`` over ``steps`` (run 0 sets the x range; run 1's
        ``label`` names the compared run, run 0's this one)."""
        self._series[run].clear()
        self._series[run].update(metrics)
        labels = list(self.run_labels)
        labels[run] = label
        self.run_labels = (labels[0], labels[1])
        if run == 0:
            self._steps = steps
        curves = self.compare_curves if run else self.curves
        for name, values in metrics.items():
            colour = self._colours.setdefault(
                name, METRIC_COLOURS[len(self._colours) % len(METRIC_COLOURS)]
            )
            curve = curves.get(name)
            if curve is None:
                curve = self._new_curve(name, colour, run, label)
                curves[name] = curve
            curve.setData(steps[: values.size], values, connect="finite")
        self._arrange()

    def drop_compare(self) -> None:
        for curve in self.compare_curves.values():
            self._view_of(curve).removeItem(curve)
        self.compare_curves.clear()
        self._series[1].clear()
        self.run_labels = (self.run_labels[0], "")
        self._arrange()

    def reset(self) -> None:
        self.drop_compare()
        for curve in self.curves.values():
            self._view_of(curve).removeItem(curve)
        self.curves.clear()
        self._series[0].clear()
        self._colours.clear()
        self._steps = np.empty(0)
        for box in (self.box, self.right_box):
            box.setData([], [])
        self._arrange()

    # -- layout --------------------------------------------------------------------------------
    def _new_curve(self, name: str, colour: str, run: int, label: str) -> pg.PlotDataItem:
        dash = Qt.PenStyle.DashLine if run else Qt.PenStyle.SolidLine
        curve = StepCurve(
            pen=pg.mkPen(colour, width=2, style=dash), name=f"{name} ({label})" if run else name
        )
        self.plot.addItem(curve)  # on the left until _arrange moves it
        self._legend_key = None
        return curve

    def _view_of(self, curve: pg.PlotDataItem):
        """What ``curve`` was added to: the plot (left axis) or the right view box."""
        return self.right if curve.getViewBox() is self.right else self.plot

    def _arrange(self) -> None:
        """Each curve on its axis, the axes' boxes and labels, the legend."""
        names = list(dict.fromkeys([*self._series[0], *self._series[1]]))
        runs = {n: [s[n] for s in self._series if n in s] for n in names}
        self._on_right = right_axis_names(runs)
        for name in names:
            for curve in (self.curves.get(name), self.compare_curves.get(name)):
                if curve is not None:
                    self._put(curve, self.right if name in self._on_right else self.plot)
        self._show_axes()
        left = [n for n in names if n not in self._on_right]
        self._legend()  # first: its height is the band left above the data
        self._fit(self.box, left, runs)
        self._fit(self.right_box, self._on_right, runs)
        self._follow_view()

    def _show_axes(self) -> None:
        """The right axis shown where metrics are read on it, named and in their colour (one
        metric: its colour); set only when that changes (an axis' label or pen set anew
        repaints it, at every frame)."""
        split = bool(self._on_right)
        colour = self._colours[self._on_right[0]] if len(self._on_right) == 1 else RUN_COLOUR
        key = (tuple(self._on_right), colour if split else "")
        if key == self._axes_key:
            return
        self._axes_key = key
        self.plot.showAxis("right", split)
        if self.partner is not None:
            self.partner.showAxis("right", split)
        self.right.setVisible(split)
        self.plot.setLabel("left", FRACTION_LABEL if split else LEFT_LABEL)
        if split:
            axis = self.plot.getAxis("right")
            axis.setLabel(", ".join(self._on_right), color=colour)
            axis.setTextPen(colour)
        if self.partner is not None:
            self._mirror_width()

    def _put(self, curve: pg.PlotDataItem, target) -> None:
        view = self._view_of(curve)
        if view is target:
            return
        view.removeItem(curve)
        target.addItem(curve)
        self._legend_key = None

    def _fit(self, box: pg.PlotDataItem, names: list[str], runs) -> None:
        """``box`` around ``names``' values (both runs), with a band above for the legend."""
        values = [v for n in names for v in runs[n]]
        if not values or self._steps.size == 0:
            box.setData([], [])
            return
        set_box(box, self._steps, np.concatenate(values))
        _x, box_y = box.getData()
        if box_y is not None and len(box_y) == 2:
            make_room_for_legend(self.plot, box, *box_y)

    def _legend(self) -> None:
        """The metrics' names, each once in its colour; the runs' when there are two."""
        legend = self.plot.legend
        names = list(self.curves) or list(self.compare_curves)
        runs = self.run_labels if self.compare_curves else ()
        key = (tuple(names), runs)
        if key == self._legend_key:
            return
        legend.clear()
        for name in names:
            legend.addItem(self.curves.get(name) or self.compare_curves[name], name)
        for run, label in enumerate(runs):
            dash = Qt.PenStyle.DashLine if run else Qt.PenStyle.SolidLine
            sample = pg.PlotDataItem(pen=pg.mkPen(RUN_COLOUR, width=2, style=dash))
            legend.addItem(sample, label or "this run")
        self._legend_key = key

    def _mirror_width(self) -> None:
        """The partner plot (the loss plot above, x-linked by pixel: pyqtgraph aligns linked
        views on screen) as wide as this one: without its blank right axis the metric plot
        was narrower by its right axis and ended before the loss plot's end (at step ~270 of
        300 on ntm_copy at 1600x1000)."""
        width = self.plot.getAxis("right").width() if self.right.isVisible() else None
        axis = self.partner.getAxis("right")
        if axis.fixedWidth != width:
            axis.setWidth(width)

    def _follow_view(self, *_args) -> None:
        """The right view box over the plot's, to the pixel; the right axis' label only
        where the view is tall enough for it (at text size 1.5 "bit_errors" ran below the
        plot): its ticks are in its metric's colour, as the legend's line is."""
        self.right.setGeometry(self.plot.vb.sceneBoundingRect())
        self.right.linkedViewChanged(self.plot.vb, self.right.XAxis)
        axis = self.plot.getAxis("right")
        if self.right.isVisible():
            fits = axis.label.boundingRect().width() <= self.plot.vb.height()
            if axis.label.isVisible() != fits:
                axis.showLabel(fits)
