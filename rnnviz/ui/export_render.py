"""Rendering a panel to a picture for export: the widget painted at 1x / 2x / 4x its
resolution (text and lines drawn at that resolution, not magnified), and a 3D view read back
from OpenGL (into a framebuffer object at the scale asked for, its text labels painted over
it). Blank pictures are refused rather than written.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPixmap, QRegion
from PySide6.QtWidgets import (
    QApplication,
    QWidget,
)

SCALES = (1, 2, 4)


class ExportError(Exception):
    """An export that cannot be done; its text is one sentence for the user."""


def check_size(panel: QWidget) -> None:
    if panel.width() < 8 or panel.height() < 8:
        raise ExportError(f"The {title_of(panel)} panel has not been laid out yet: show it first.")


def title_of(panel) -> str:
    return getattr(panel, "title", type(panel).__name__)


def gl_widget(panel) -> QWidget | None:
    """The 3D view the panel shows now (the loss surface's 3D tab), else None."""
    shown = getattr(panel, "shown_gl_widget", None)
    return shown() if callable(shown) else None


def is_blank(image: QImage) -> bool:
    """True when every pixel of ``image`` has the same colour."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    if image.width() == 0 or image.height() == 0:
        return True
    bits = image.constBits()
    data = np.frombuffer(bits, dtype=np.uint32, count=image.height() * image.bytesPerLine() // 4)
    data = data.reshape(image.height(), -1)[:, : image.width()]
    return bool((data == data[0, 0]).all())


def render_image(panel: QWidget, scale: int = 1) -> QImage:
    """The panel as it is on screen, at ``scale`` times its resolution (text and lines drawn
    at that resolution, not magnified)."""
    if scale not in SCALES:
        raise ExportError(f"Scale {scale} is not offered; choose 1, 2 or 4.")
    check_size(panel)
    QApplication.processEvents()  # pending layout and repaints first
    size = panel.size()
    image = QImage(size.width() * scale, size.height() * scale, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(panel.palette().color(QPalette.ColorRole.Window))
    painter = QPainter(image)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        panel.render(
            painter,
            QPoint(0, 0),
            QRegion(),
            QWidget.RenderFlag.DrawChildren | QWidget.RenderFlag.DrawWindowBackground,
        )
        gl = gl_widget(panel)
        if gl is not None:
            frame = gl_frame(gl, scale)
            origin = gl.mapTo(panel, QPoint(0, 0))
            painter.drawImage(QRectF(origin.x(), origin.y(), gl.width(), gl.height()), frame)
    finally:
        painter.end()
    return image


def gl_frame(view, scale: int = 1) -> QImage:
    """A pyqtgraph GLViewWidget's picture read back from OpenGL at ``scale`` times its size:
    ``renderToArray`` into a framebuffer object (its text labels, which pyqtgraph paints
    with a QPainter on the widget, drawn over it here); the widget's own framebuffer
    (``grabFramebuffer``), magnified, where that fails. Refuses a blank picture."""
    frame = view.grabFramebuffer()  # also lays out the projection the labels use
    if frame.isNull() or is_blank(frame):
        raise ExportError(
            "The 3D view read back blank from OpenGL; export the Map tab or the data as CSV."
        )
    frame.setDevicePixelRatio(max(1.0, frame.width() / max(view.width(), 1)))
    if scale == 1:
        return frame
    try:
        image = _render_gl_scaled(view, scale)
    except Exception:  # a driver without framebuffer objects: the screen picture, magnified
        image = None
    if image is None or is_blank(image):
        image = frame.scaled(
            view.width() * scale,
            view.height() * scale,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    image.setDevicePixelRatio(scale)
    return image


def _render_gl_scaled(view, scale: int) -> QImage | None:
    import pyqtgraph.opengl as gl

    from rnnviz.ui.panels.surface_gl_text import InViewText

    texts = [
        item
        for item in view.items
        if isinstance(item, InViewText) and item.visible() and item.drawn_text
    ]
    placed = []
    for item in texts:  # where the last on-screen paint put each label (widget pixels)
        placed.append((item.drawn_at, item.drawn_text, item.font, item.color))
    # lines and points are sized in pixels: as thick, relative to the picture, as on screen
    lines = [i for i in view.items if isinstance(i, gl.GLLinePlotItem)]
    points = [i for i in view.items if isinstance(i, gl.GLScatterPlotItem) and np.isscalar(i.size)]
    widths = [item.width for item in lines]
    sizes = [item.size for item in points]
    for item in texts:
        item.setVisible(False)
    try:
        for item, width in zip(lines, widths, strict=True):
            item.width = width * scale
        for item, size in zip(points, sizes, strict=True):
            item.size = size * scale
        pixels = view.renderToArray((view.width() * scale, view.height() * scale))
    finally:
        for item, width in zip(lines, widths, strict=True):
            item.width = width
        for item, size in zip(points, sizes, strict=True):
            item.size = size
        for item in texts:
            item.setVisible(True)
        view.update()
    pixels = np.ascontiguousarray(pixels)
    h, w = pixels.shape[:2]
    image = QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_ARGB32).copy()
    image.setDevicePixelRatio(scale)
    painter = QPainter(image)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        for point, text, font, colour in placed:
            painter.setPen(QColor(colour))
            painter.setFont(font)
            painter.drawText(point, text)
    finally:
        painter.end()
    return image


def image_bytes(image: QImage, fmt: str = "PNG") -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, fmt)
    buffer.close()
    if not ok:
        raise ExportError(f"Qt could not encode the picture as {fmt}.")
    return bytes(data.data())


def grab_with_gl(window: QWidget) -> QPixmap:
    """``window.grab()`` with each 3D view on screen painted over from its own framebuffer.

    ``QWidget.grab`` composes a QOpenGLWidget from its last OpenGL frame only: the text
    pyqtgraph's GLTextItem paints with a QPainter (the loss surface's axis labels) is on
    the screen but not in the grab, so ``rnnviz --screenshot`` showed the 3D surface without
    its labels (issue 16; the X server's own picture of the window, Xvfb with Mesa, has
    them). ``grabFramebuffer`` renders the view again, labels included."""
    from PySide6.QtOpenGLWidgets import QOpenGLWidget

    picture = window.grab()
    painter = QPainter(picture)
    try:
        for view in window.findChildren(QOpenGLWidget):
            shown = view.visibleRegion()
            if not view.isVisible() or shown.isEmpty():
                continue  # closed, or behind another tab
            frame = view.grabFramebuffer()
            if frame.isNull() or is_blank(frame):
                continue  # nothing better than what the grab has
            origin = view.mapTo(window, QPoint(0, 0))
            painter.setClipRegion(shown.translated(origin))
            painter.drawImage(QRectF(origin.x(), origin.y(), view.width(), view.height()), frame)
    finally:
        painter.end()
    return picture
