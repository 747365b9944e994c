"""A curve over the training steps that hands the painter no more points than its view can
show (``StepCurve``).

An antialiased line of width 2-3 costs Qt's raster painter by the segment (stroking), and a
curve over the training steps grows by one point a step. Measured on the loss panel
(lecture_lstm, 1500 steps, a 530 px wide view, 2-core machine): its paint took 12-15 ms with
the moving average drawn at two points per pixel (pyqtgraph's "peak" downsampling) and
5-8 ms at one point every 3 px; without antialiasing 5 ms. The event loop's turns must stay
near 10 ms (issue 23, target 7), so:

- a noisy series (each step's loss, a metric, a gradient norm) keeps its min and max per
  pixel column (``peak`` at one bin per pixel): the envelope drawn is the same at screen
  resolution, spikes included, whatever the number of steps. It is drawn without
  antialiasing: antialiased, that zig-zag made a 50 000-step loss panel take ~200 ms to
  paint, 24-29 ms without;
- a smooth series (a moving average) keeps one point every ``SMOOTH_PX`` pixels
  (``subsample``): a moving average over many steps does not bend within 3 px.

pyqtgraph's downsampling drops the points after the last whole bin (up to a bin's worth of
the newest steps, the ones a user watching training looks at); ``StepCurve`` draws them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.PlotDataItem import PlotDataset

#: pixels between the points kept of a smooth curve
SMOOTH_PX = 3.0


class StepCurve(pg.PlotDataItem):
    """A ``PlotDataItem`` for a series over steps (x increasing), downsampled to its view:
    ``smooth=False`` its min / max per pixel column, ``smooth=True`` a point every
    ``SMOOTH_PX`` pixels; the newest points always drawn."""

    def __init__(self, *args, smooth: bool = False, **kwargs) -> None:
        self._method = "subsample" if smooth else "peak"
        if not smooth:  # a line that zig-zags by the pixel: antialiasing costs, shows nothing
            kwargs.setdefault("antialias", False)
        super().__init__(*args, **kwargs)
        # pyqtgraph's default keeps five points per pixel
        self.opts["autoDownsampleFactor"] = 1.0 / SMOOTH_PX if smooth else 1.0
        self.setDownsampling()
        self.setClipToView(True)

    # PlotItem.addItem gives every curve added the plot's own (menu) settings: keep ours
    def setDownsampling(self, ds=None, auto=None, method=None) -> None:  # noqa: N802
        super().setDownsampling(auto=True, method=self._method)

    def setClipToView(self, state) -> None:  # noqa: N802 (pyqtgraph API)
        super().setClipToView(True)

    def _getDisplayDataset(self) -> PlotDataset | None:  # noqa: N802 (pyqtgraph API)
        # clipping asks the view box for its range; an item between two view boxes (the
        # metric plot moves its curves to the right axis' box) has none for a moment
        self.opts["clipToView"] = isinstance(self.getViewBox(), pg.ViewBox)
        shown = super()._getDisplayDataset()
        mapped = self._datasetMapped
        if shown is None or mapped is None or len(shown.x) == 0 or len(mapped.x) == 0:
            return shown
        first_left = int(np.searchsorted(mapped.x, shown.x[-1], side="right"))
        left = len(mapped.x) - first_left
        # only the remainder of the last bin (not points clipped off a zoomed-in view)
        if left == 0 or left > 2 * max(self._adsLastValue, 1):
            return shown
        if self._method == "subsample":  # a smooth line: on to its newest point
            first_left, left = len(mapped.x) - 1, 1
        x = np.concatenate([shown.x, mapped.x[first_left:]])
        y = np.concatenate([shown.y, mapped.y[first_left:]])
        connect = shown.connect
        if isinstance(connect, np.ndarray):
            connect = np.concatenate([connect, np.ones(left, dtype=bool)])
        self._datasetDisplay = PlotDataset(x, y, shown.xAllFinite, shown.yAllFinite, connect)
        return self._datasetDisplay


def step_curve(plot, smooth: bool = False, **kwargs) -> StepCurve:
    """A ``StepCurve`` added to ``plot`` (a PlotItem or ViewBox), as ``plot.plot`` would."""
    curve = StepCurve(smooth=smooth, **kwargs)
    plot.addItem(curve)
    return curve
