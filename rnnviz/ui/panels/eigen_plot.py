"""The recurrent matrix's eigenvalues in the complex plane, with the unit circle.

An eigenvalue outside the circle (|lambda| > 1) is a direction that the linear part of the
recurrence stretches at every step; the largest |lambda| is the spectral radius rho. The
shown run's eigenvalues are dots, the compared run's crosses; the plot's title doubles as
their legend (a legend box would cover the circle).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from rnnviz.ui import style

EIGEN_COLOUR = "#ffd54f"
COMPARE_EIGEN_COLOUR = "#ff8a65"
CIRCLE = np.exp(1j * np.linspace(0.0, 2.0 * np.pi, 361))


class EigenPlot:
    """A square (aspect-locked) plot of eigenvalues: ``show(main, compare)`` with complex
    arrays [H] (None: none), ``title(label, compare_label)``."""

    def __init__(self, plots: pg.GraphicsLayoutWidget, row: int, col: int) -> None:
        self.plot = plots.addPlot(row=row, col=col, axisItems=style.axis_items())
        self.plot.setLabel("left", "Im λ")
        self.plot.setLabel("bottom", "Re λ")
        self.plot.setAspectLocked(True)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.circle = self.plot.plot(CIRCLE.real, CIRCLE.imag, pen=pg.mkPen("#f5f5f5", width=2))
        self.points = pg.ScatterPlotItem(
            size=11, pen=pg.mkPen("#000000", width=1), brush=pg.mkBrush(EIGEN_COLOUR)
        )
        self.points.setZValue(10)
        self.plot.addItem(self.points)
        self.compare_points = pg.ScatterPlotItem(
            symbol="x", size=12, pen=pg.mkPen(COMPARE_EIGEN_COLOUR, width=2), brush=None
        )
        self.compare_points.setZValue(9)
        self.plot.addItem(self.compare_points)
        style.style_plot(self.plot)

    def show(self, main: np.ndarray | None, compare: np.ndarray | None) -> None:
        for points, eigs in ((self.points, main), (self.compare_points, compare)):
            if eigs is None:
                points.setData([], [])
            else:
                points.setData(eigs.real, eigs.imag)

    def title(self, label: str, compare_label: str | None) -> None:
        # the matrix is named in the panel's header; a long title would widen the square plot
        title = f"eigenvalues λ: <span style='color:{EIGEN_COLOUR}'>● {label}</span>"
        if compare_label is not None:
            title += f" <span style='color:{COMPARE_EIGEN_COLOUR}'>✕ {compare_label}</span>"
        self.plot.setTitle(title, size=f"{style.PLOT_FONT_PT}pt", color="#e8e8ea")
