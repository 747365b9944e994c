"""The loss surface's two views in tabs: the 3D surface (surface_gl.py) and the 2D map
(heatmap + contours), each with the optimiser's paths drawn on it.

The views draw what they are given -- a grid of losses over a plane, and paths as plane
coordinates -- and know nothing of how it was computed. The 3D view is made the first time
its tab is on screen: once a QOpenGLWidget is in a window, Qt composites that whole window
through OpenGL at every repaint, for good (~10 ms per repaint of anything under a software
renderer; measured p99 event lateness while training 45 ms with it, 15-25 ms without). The
map tab is also the fallback where OpenGL is missing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from rnnviz.engine.surface import Plane, SurfaceGrid, bilinear, clip_segments
from rnnviz.ui import style
from rnnviz.ui.elided_label import ElidedLabel
from rnnviz.ui.panels.surface_gl import HALF, HEIGHT, PATH_COLOURS, SurfaceGLView


def heights(loss: np.ndarray, log: bool) -> np.ndarray:
    """What is drawn as height: the loss or log10 of it; non-finite values at the top."""
    z = np.asarray(loss, dtype=np.float64)
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.log10(np.maximum(z, 1e-12))
    finite = np.isfinite(z)
    if not finite.any():
        return np.zeros_like(z)
    return np.where(finite, z, z[finite].max())


def height_range(z: np.ndarray) -> tuple[float, float]:
    """(lowest, span) of drawn heights; a flat surface gets a span of 1."""
    lo, hi = float(z.min()), float(z.max())
    return lo, (hi - lo if hi > lo else 1.0)


class SurfaceViews(QTabWidget):
    """The "3D" (surface) and "Map" tabs. ``use_gl``: try a 3D view (else the map alone, with
    ``notice`` over it); ``on_screen()``: whether the panel is really shown (the 3D view is
    only made then); ``gl_made()`` is called once the 3D view exists, to draw on it."""

    def __init__(
        self,
        use_gl: bool,
        notice: str,
        on_screen: Callable[[], bool],
        gl_made: Callable[[], None],
    ) -> None:
        super().__init__()
        self.use_gl = bool(use_gl)
        self.gl_view: SurfaceGLView | None = None
        self.gl_notice = notice
        self._on_screen, self._gl_made = on_screen, gl_made
        self.gl_page = QWidget()  # holds the 3D view once it is made (ensure_gl)
        QVBoxLayout(self.gl_page).setContentsMargins(0, 0, 0, 0)
        if self.use_gl:
            self.addTab(self.gl_page, "3D")  # (in the loss surface panel: "3D surface")
            self.setTabToolTip(0, "The surface in 3D: drag to turn it, scroll to zoom.")
            self.currentChanged.connect(lambda _index: self.ensure_gl())
        self._build_map()

    def _build_map(self) -> None:
        self.map_widget = pg.PlotWidget()
        plot = self.map_widget.getPlotItem()
        style.style_plot(plot)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.colormap = pg.colormap.get("viridis")
        self.image.setColorMap(self.colormap)
        plot.addItem(self.image)
        self.isocurves = [
            pg.IsocurveItem(pen=pg.mkPen((255, 255, 255, 110), width=1)) for _ in range(9)
        ]
        for curve in self.isocurves:
            curve.setParentItem(self.image)
        self.map_paths, self.map_points = {}, {}
        for key, colour in PATH_COLOURS.items():
            self.map_paths[key] = plot.plot(pen=pg.mkPen(colour, width=3), connect="finite")
            self.map_points[key] = pg.ScatterPlotItem(
                size=14, brush=pg.mkBrush(colour), pen=pg.mkPen("k")
            )
            plot.addItem(self.map_points[key])
        self.map_start = pg.ScatterPlotItem(size=10, brush=pg.mkBrush("w"), symbol="s")
        plot.addItem(self.map_start)
        map_page = QWidget()
        map_layout = QVBoxLayout(map_page)
        map_layout.setContentsMargins(0, 0, 0, 0)
        self.notice = ElidedLabel(self.gl_notice)  # a long notice must not widen the panel
        self.notice.setStyleSheet("color: #ffb74d; font-weight: bold;")
        self.notice.setVisible(bool(self.gl_notice))
        map_layout.addWidget(self.notice)
        map_layout.addWidget(self.map_widget, 1)
        index = self.addTab(map_page, "Map")  # (the notice over it says when it stands alone)
        self.setTabToolTip(index, "The surface from above, with contours.")

    def ensure_gl(self) -> None:
        """Make the 3D view if its tab is on screen and it does not exist yet."""
        if not self.use_gl or self.gl_view is not None:
            return
        if self.currentWidget() is not self.gl_page or not self._on_screen():
            return
        try:
            self.gl_view = SurfaceGLView()
        except Exception as exc:  # no OpenGL after all: the map alone, with a notice
            self.use_gl = False
            self.gl_notice = f"3D view unavailable ({type(exc).__name__}: {exc})."
            self.notice.setText(self.gl_notice)
            self.notice.setVisible(True)
            self.removeTab(self.indexOf(self.gl_page))
            return
        self.gl_page.layout().addWidget(self.gl_view.widget)
        self._gl_made()

    def shown_gl_widget(self):
        """The 3D view's GLViewWidget when its tab is the one shown, else None."""
        if self.gl_view is None or self.currentWidget() is not self.gl_page:
            return None
        return self.gl_view.widget

    # -- drawing -----------------------------------------------------------------------------
    def clear(self) -> None:
        """Nothing drawn (a new run)."""
        self.image.clear()
        for curve in self.isocurves:
            curve.setData(None)
        for key in PATH_COLOURS:
            self.clear_path(key)
        self.map_start.setData([], [])

    def draw_grid(self, grid: SurfaceGrid, plane: Plane, log: bool) -> None:
        """The losses of ``grid`` (log10 of them with ``log``) on the map and in 3D."""
        z = heights(grid.loss, log)
        lo, span = height_range(z)
        (a0, a1), (b0, b1) = (grid.a[0], grid.a[-1]), (grid.b[0], grid.b[-1])
        da = (a1 - a0) / max(grid.a.size - 1, 1)
        db = (b1 - b0) / max(grid.b.size - 1, 1)
        self.levels = (lo, lo + span)  # the colour bar's range
        self.image.setImage(z, levels=(lo, lo + span), autoLevels=False)
        self.image.setRect(QRectF(a0 - da / 2, b0 - db / 2, a1 - a0 + da, b1 - b0 + db))
        for k, curve in enumerate(self.isocurves):
            curve.setData(z, level=lo + span * (k + 1) / (len(self.isocurves) + 1))
        plot = self.map_widget.getPlotItem()
        plot.setLabel("bottom", plane.labels[0])
        plot.setLabel("left", plane.labels[1])
        plot.setRange(xRange=(a0, a1), yRange=(b0, b1), padding=0.02)
        if self.gl_view is not None:
            z01 = (z - lo) / span
            colours = self.colormap.map(z01.ravel(), mode="float").reshape(*z.shape, 4)
            zlabel = "log loss (colour bar)" if log else "loss (colour bar)"
            self.gl_view.set_surface(z01, colours, (*plane.labels, zlabel))

    def clear_path(self, key: str) -> None:
        self.map_paths[key].setData([], [])
        self.map_points[key].setData([], [])
        if self.gl_view is not None:
            self.gl_view.set_path(key, np.zeros((0, 3)), None)

    def draw_path(self, key: str, coords: np.ndarray, ranges, grid: SurfaceGrid, log: bool) -> None:
        """The path ``coords`` [K, 2] (plane coordinates) clipped to ``ranges``: where it
        leaves the region it is drawn up to the edge. In 3D it runs just above the surface."""
        (a0, a1), (b0, b1) = ranges
        inside = (
            (coords[:, 0] >= a0)
            & (coords[:, 0] <= a1)
            & (coords[:, 1] >= b0)
            & (coords[:, 1] <= b1)
        )
        pairs = clip_segments(coords, *ranges).reshape(-1, 2)  # [2k, 2]
        self.map_paths[key].setData(pairs[:, 0], pairs[:, 1], connect="pairs")
        current = coords[-1] if inside[-1] else None
        self.map_points[key].setData(*([[c] for c in current] if current is not None else ([], [])))
        if key == "main":
            start = ([coords[0, 0]], [coords[0, 1]]) if inside[0] else ([], [])
            self.map_start.setData(*start)
        if self.gl_view is None:
            return
        segments = self._box_points(pairs, ranges, grid, log)
        now = self._box_points(coords[-1:], ranges, grid, log)[0] if inside[-1] else None
        self.gl_view.set_path(key, segments, now)

    @staticmethod
    def _box_points(coords: np.ndarray, ranges, grid: SurfaceGrid, log: bool) -> np.ndarray:
        """Plane coordinates [K, 2] as points [K, 3] of the 3D box, on the drawn surface."""
        (a0, a1), (b0, b1) = ranges
        z = heights(grid.loss, log)
        lo, span = height_range(z)
        on_surface = bilinear(SurfaceGrid(grid.a, grid.b, z, 0, 1, 0.0), coords)
        return np.stack(
            [
                (coords[:, 0] - (a0 + a1) / 2) / ((a1 - a0) / 2) * HALF,
                (coords[:, 1] - (b0 + b1) / 2) / ((b1 - b0) / 2) * HALF,
                (on_surface - lo) / span * HEIGHT + 0.05,
            ],
            -1,
        )


class TabCorner(QWidget):
    """Widgets in the empty end of ``tabs``' tab row, no taller than the tabs (a taller
    corner makes QTabWidget push its page down by the difference and cut the page's
    bottom). Its width counts in the tabs' size hint, not their minimum: in a dock
    narrower than the tabs and these (1280x720 at text 1.5, docked) they are squeezed."""

    def __init__(self, tabs: QTabWidget, widgets: list[QWidget]) -> None:
        super().__init__()
        self._tabs = tabs
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            widget.setMinimumHeight(1)  # the row's height, not the button's own
            row.addWidget(widget)
        tabs.setCornerWidget(self, Qt.Corner.TopRightCorner)

    def _fit(self, hint: QSize) -> QSize:
        return QSize(hint.width(), min(hint.height(), self._tabs.tabBar().sizeHint().height()))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self._fit(super().sizeHint())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        # no width of its own in the panel's minimum: that made a panel which had been wide
        # (its info beside the views) keep a horizontal scroll bar for a while once narrow
        return QSize(0, self._fit(super().minimumSizeHint()).height())
