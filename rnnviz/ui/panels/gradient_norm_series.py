"""One run's gradient norm on the gradient norm panel's log-scale plot: ||g|| before and after
clipping as curves, and a marker on every step where clipping fired, updated in place as the
history grows (``NormSeries``)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from rnnviz.engine.history import History
from rnnviz.ui.panels.curve_cost import step_curve
from rnnviz.ui.panels.gradient_plots import (
    COMPARE_COLOURS,
    log10_or_nan,
    positive_or_nan,
)

#: (before clipping, after clipping, clip marker) of the first and the compared run
MAIN_COLOURS = ("#4fc3f7", "#aed581", "#ef5350")
COMPARE_NORM_COLOURS = (COMPARE_COLOURS[0], COMPARE_COLOURS[1], "#ffab91")


class NormSeries:
    """One run's before / after curves and clip markers on a (log-y) plot, updated in place."""

    def __init__(
        self,
        plot: pg.PlotItem,
        legend: pg.LegendItem,
        label: str,
        colours: tuple[str, str, str],
    ) -> None:
        before, after, marker = colours
        self.plot, self.legend = plot, legend
        self.before = step_curve(plot, pen=pg.mkPen(before, width=2))
        self.after = step_curve(plot, pen=pg.mkPen(after, width=2, style=Qt.PenStyle.DashLine))
        legend.addItem(self.before, f"{label}: before clipping")
        legend.addItem(self.after, f"{label}: after clipping")
        self.markers = pg.ScatterPlotItem(
            symbol="t", size=11, pen=pg.mkPen("#000000", width=1), brush=pg.mkBrush(marker)
        )
        self.markers.setZValue(20)
        plot.addItem(self.markers)
        legend.addItem(self.markers, f"{label}: clipped step")
        self._drawn = 0  # history length drawn
        self._drawn_last_step = -1
        self.clipped_count = 0
        self.label = label
        self.columns: dict[str, np.ndarray] = {}  # what is drawn (export_tables)

    def start_over(self, label: str) -> None:
        """A new run on the same plot (a reset, another preset): nothing drawn, the legend
        naming ``label``. Cheaper than a new series (its legend entries are made once)."""
        for curve in (self.before, self.after):
            curve.setData([], [])
        self.markers.setData([])
        self._drawn = 0
        self._drawn_last_step = -1
        self.clipped_count = 0
        self.columns = {}
        if label != self.label:
            names = {
                self.before: f"{label}: before clipping",
                self.after: f"{label}: after clipping",
                self.markers: f"{label}: clipped step",
            }
            for sample, text in self.legend.items:
                if sample.item in names:
                    text.setText(names[sample.item])
            self.legend.updateSize()
            self.label = label

    def remove(self) -> None:
        for item in (self.before, self.after, self.markers):
            self.plot.removeItem(item)
            self.legend.removeItem(item)

    def update(self, history: History) -> bool:
        """Redraw if the history grew; True when it did."""
        steps = history.series("step").copy()
        before = history.series("grad_norm").copy()
        after = history.series("grad_norm_clipped").copy()
        clipped = history.series("clipped").copy()
        n = min(steps.size, before.size, after.size, clipped.size)
        if n == self._drawn and (n == 0 or steps[n - 1] == self._drawn_last_step):
            return False
        steps, before, after, clipped = steps[:n], before[:n], after[:n], clipped[:n] > 0.5
        self.columns = {
            "step": steps,
            f"{self.label}: ||g|| before clipping": before,
            f"{self.label}: ||g|| after clipping": after,
            f"{self.label}: clipped": clipped,
        }
        self.before.setData(steps, positive_or_nan(before), connect="finite")
        self.after.setData(steps, positive_or_nan(after), connect="finite")
        old = self._drawn
        appended_only = 0 < old <= n and steps[old - 1] == self._drawn_last_step
        if appended_only:  # add the new clip events only (live training: cheap per frame)
            new = slice(old, n)
            hits = clipped[new]
            if hits.any():
                self.markers.addPoints(x=steps[new][hits], y=log10_or_nan(before[new][hits]))
        else:  # first draw, or the history thinned its series
            self.markers.setData(x=steps[clipped], y=log10_or_nan(before[clipped]))
        self.clipped_count = int(np.count_nonzero(clipped))
        self._drawn = n
        self._drawn_last_step = steps[n - 1] if n else -1
        return True
