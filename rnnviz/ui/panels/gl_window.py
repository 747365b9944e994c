"""pyqtgraph's 3D view as a native child window (QOpenGLWindow) instead of a QOpenGLWidget.

Why: once a QOpenGLWidget joins a window, Qt composites that whole top-level window through
OpenGL on every repaint, for good (even with the 3D view hidden behind a tab). Under a
software renderer (Mesa llvmpipe, Xvfb) that costs ~10 ms per repaint of anything -- a
status-bar label included -- measured here: 11 ms instead of 0.5 ms for a 10x10 update. A
QOpenGLWindow in ``QWidget.createWindowContainer`` draws into its own native window, so the
rest of the window repaints as plain raster. pyqtgraph documents ``GLViewMixin`` for this use.

Imported only where OpenGL is available (it imports pyqtgraph.opengl).
"""

from __future__ import annotations

from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6.QtCore import QRect
from PySide6.QtOpenGL import QOpenGLWindow
from PySide6.QtWidgets import QWidget


class GLViewWindow(GLViewMixin, QOpenGLWindow):
    """A GLViewWidget that is a QOpenGLWindow; ``container`` is the widget to lay out."""

    def __init__(self) -> None:
        super().__init__()
        self.container = QWidget.createWindowContainer(self)
        self.container.setMinimumSize(200, 150)

    # what GLViewMixin and its items expect of a widget
    def devicePixelRatioF(self) -> float:  # noqa: N802 (Qt naming)
        return self.devicePixelRatio()

    def rect(self) -> QRect:
        return QRect(0, 0, self.width(), self.height())
