"""The invisible box that a loss or metric plot's auto-range fits: the data's corners
rounded outwards, so that the axes keep their range (and their cached pictures) for many
frames instead of being laid out and painted anew at every step. Shared by the loss
panel's two plots (loss.py) and the metric plot's two axes (metric_plot.py)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from rnnviz.ui import style


def set_box(box: pg.PlotDataItem, x: np.ndarray, y: np.ndarray, log: bool = False) -> None:
    """Put the invisible ``box`` item's two points at the rounded-out corners of (x, y);
    ``log``: y is shown on a log axis (rounded to half decades)."""
    y = y[np.isfinite(y) & (y > 0)] if log else y[np.isfinite(y)]
    if x.size == 0 or y.size == 0:
        box.setData([], [])
        return
    x0, x1 = style.rounded_out(float(x.min()), float(x.max()))
    if log:
        y0, y1 = (10.0**v for v in style.half_decades(np.log10(y.min()), np.log10(y.max())))
    else:
        y0, y1 = style.rounded_out(float(y.min()), float(y.max()))
    box.setData([x0, x1], [y0, y1])
