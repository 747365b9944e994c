"""The loss surface's 3D view: the surface, the optimiser's paths and their current points
in a pyqtgraph GLViewWidget, and whether OpenGL can be tried at all.

Everything is drawn in a fixed box (plane coordinates scaled to +-``HALF``, heights to
0..``HEIGHT``), so the camera never needs to move when a new surface arrives.
"""

from __future__ import annotations

import os
from importlib.util import find_spec

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QVector3D
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style
from rnnviz.ui.panels.surface_camera import box_corners, fitted_distance

#: the colour of each run's path: this run's, and the compared run's
PATH_COLOURS = {"main": "#ff3d00", "compare": "#ffffff"}
#: the 3D box the surface is drawn in: a and b over +-HALF, heights 0..HEIGHT
HALF, HEIGHT = 5.0, 4.0
#: where the labels of the two plane axes and of the height are drawn
LABEL_ANCHORS = ((0.0, -HALF - 1.2, 0.0), (HALF + 0.6, 0.0, 0.0), (-HALF, HALF, HEIGHT + 0.4))
#: what the camera keeps in view: the box, a little over the height's label, the labels
FITTED_POINTS = np.vstack([box_corners(HALF, HEIGHT + 0.6), LABEL_ANCHORS])


class _OnResize(QObject):
    """Calls ``slot`` after each resize of ``widget``."""

    def __init__(self, widget, slot) -> None:
        super().__init__(widget)
        self._slot = slot
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize:
            self._slot()
        return False


def gl_available() -> bool:
    """Whether a 3D view can be tried: PyOpenGL is installed and the Qt platform has OpenGL
    (offscreen/minimal have none). ``RNNVIZ_NO_GL=1`` forces the 2D fallback. Nothing is
    imported: pyqtgraph.opengl took 0.2-0.7 s of every start-up, for a view made only when its
    tab is first shown (``SurfaceViews.ensure_gl``, which falls back to the map if the import
    fails then)."""
    if os.environ.get("RNNVIZ_NO_GL"):
        return False
    app = QApplication.instance()
    if app is not None and app.platformName() in ("offscreen", "minimal"):
        return False
    try:
        return all(find_spec(name) is not None for name in ("OpenGL", "pyqtgraph.opengl"))
    except (ImportError, ValueError):
        return False


class SurfaceGLView:
    """The 3D tab: the surface, the paths and the current points in a GLViewWidget."""

    def __init__(self) -> None:
        import pyqtgraph.opengl as gl

        from rnnviz.ui.panels.surface_gl_text import InViewText

        self.widget = gl.GLViewWidget()
        self.widget.setBackgroundColor(style.BACKGROUND)
        self.widget.setCameraPosition(
            pos=QVector3D(0.0, 0.0, HEIGHT / 2), distance=18, elevation=30, azimuth=-55
        )
        self._fitted = 18.0  # the distance last fitted to the view's shape
        self._resized = _OnResize(self.widget, self.fit_camera)
        self.surface = gl.GLSurfacePlotItem(computeNormals=False, smooth=False, glOptions="opaque")
        self.widget.addItem(self.surface)
        grid = gl.GLGridItem()
        grid.setSize(2 * HALF, 2 * HALF)
        grid.setSpacing(HALF / 5, HALF / 5)
        self.widget.addItem(grid)
        self.paths = {}
        self.points = {}
        for key, colour in PATH_COLOURS.items():
            rgba = pg.mkColor(colour).getRgbF()
            self.paths[key] = gl.GLLinePlotItem(mode="lines", width=3, color=rgba, antialias=True)
            self.points[key] = gl.GLScatterPlotItem(size=14, color=rgba)
            self.paths[key].setGLOptions("translucent")
            self.points[key].setGLOptions("translucent")
            self.widget.addItem(self.paths[key])
            self.widget.addItem(self.points[key])
        font = style.plot_font()
        placed = []  # the labels' boxes in the frame being painted: no label covers another
        self.labels = [
            InViewText(placed, i == 0, font=font, color=(230, 230, 230, 255)) for i in range(3)
        ]
        for label in self.labels:
            self.widget.addItem(label)

    def fit_camera(self) -> None:
        """Stand as far off as the whole box needs at the view's aspect (surface_camera.py),
        unless the user has zoomed (the distance is then theirs)."""
        opts, width, height = self.widget.opts, self.widget.width(), self.widget.height()
        if opts["distance"] != self._fitted or width < 2 or height < 2:
            return
        centre = opts["center"]
        self._fitted = fitted_distance(
            FITTED_POINTS,
            (centre.x(), centre.y(), centre.z()),
            opts["elevation"],
            opts["azimuth"],
            opts["fov"],
            width / height,
        )
        self.widget.setCameraPosition(distance=self._fitted)

    def set_surface(
        self, z01: np.ndarray, colours: np.ndarray, labels: tuple[str, str, str]
    ) -> None:
        """Heights ``z01`` [n, m] scaled to 0..1, their RGBA ``colours`` [n, m, 4], and the
        labels of the two plane axes and of the height."""
        n, m = z01.shape
        x, y = np.linspace(-HALF, HALF, n), np.linspace(-HALF, HALF, m)
        self.surface.setData(x=x, y=y, z=z01 * HEIGHT)  # vertexes first (the size may change)
        self.surface.setData(colors=colours.reshape(n * m, 4))
        for label, anchor, text in zip(self.labels, LABEL_ANCHORS, labels, strict=True):
            label.setData(pos=anchor, text=text)

    def set_path(self, key: str, segments: np.ndarray, current: np.ndarray | None) -> None:
        """A path as line ``segments`` [2k, 3] (pairs of box points) and its current point."""
        self.paths[key].setData(pos=segments if len(segments) else np.zeros((0, 3)))
        self.points[key].setData(pos=current[None] if current is not None else np.zeros((0, 3)))
