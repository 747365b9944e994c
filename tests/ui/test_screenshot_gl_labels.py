"""Issue 16 (screenshot pass): the 3D loss surface's axis labels were missing from
``rnnviz --screenshot`` pictures. Not Mesa: under Xvfb with Mesa's llvmpipe the X server's
picture of the window has them, and so does the view's own ``grabFramebuffer``; it is
``QWidget.grab``, which composes a QOpenGLWidget from its last OpenGL frame without the text
pyqtgraph's GLTextItem paints with a QPainter. The screenshot now paints each 3D view's
framebuffer over the grab (export_render.grab_with_gl).

Checked against pyqtgraph's own projection of each label (GLTextItem.compute_projection):
at every label's place the saved screenshot has text-coloured pixels."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRectF
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QApplication

from tests.ui.layout_check import shown_window
from tests.ui.test_export import surface_in_3d
from tests.ui.test_sessions_window import TIMEOUT

#: a pixel of label text: light grey (the labels are (230, 230, 230)), not the yellow or
#: green surface, not the dim grid
LIGHT, GREY = 170, 30


def label_pixels(image: QImage, left: int, top: int, width: int, height: int) -> int:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    count = 0
    for y in range(max(0, top), min(image.height(), top + height)):
        for x in range(max(0, left), min(image.width(), left + width)):
            c = image.pixelColor(x, y)
            rgb = (c.red(), c.green(), c.blue())
            count += min(rgb) >= LIGHT and max(rgb) - min(rgb) <= GREY
    return count


@pytest.mark.gl
def test_the_screenshot_has_the_3d_axis_labels(qtbot, make_window, tmp_path):
    window = make_window("cliff")
    window.resize(1600, 1000)
    panel = surface_in_3d(qtbot, window, TIMEOUT)
    for _ in range(3):
        QApplication.processEvents()
    view = panel.gl_view.widget
    labels = [item for item in panel.gl_view.labels if item.text]
    assert len(labels) == 3
    path = tmp_path / "shot.png"
    assert window.save_screenshot(path)
    shot = QImage(str(path))
    assert shot.width() == window.width()
    origin = view.mapTo(window, QPoint(0, 0))
    for item in labels:
        point = item.drawn_at
        box = QFontMetrics(item.font).tightBoundingRect(item.drawn_text)
        x, y = origin.x() + int(point.x()) + box.left(), origin.y() + int(point.y()) + box.top()
        assert 0 <= point.x() < view.width() and 0 <= point.y() < view.height(), item.text
        found = label_pixels(shot, x - 2, y - 2, box.width() + 4, box.height() + 4)
        assert found >= max(10, len(item.text)), (item.text, found)
    # the 3D view's picture is the one on screen: the framebuffer's
    frame = view.grabFramebuffer().convertToFormat(QImage.Format.Format_RGB888)
    crop = shot.copy(origin.x(), origin.y(), view.width(), view.height())
    crop = crop.convertToFormat(QImage.Format.Format_RGB888)
    if frame.size() == crop.size():
        a = np.frombuffer(frame.constBits(), np.uint8, frame.sizeInBytes())
        b = np.frombuffer(crop.constBits(), np.uint8, crop.sizeInBytes())
        assert np.mean(np.abs(a.astype(int) - b.astype(int))) < 8


@pytest.mark.gl
def test_in_a_narrow_docked_view_the_labels_stay_inside_and_apart(qtbot, tmp_path):
    """Docked at 1280x720 with text 1.5 the 3D view is ~300 px wide: "log loss (colour
    bar)" and the plane axes' names ran past its right edge, and the two axes' names, both
    moved inside, fell on each other."""
    window = shown_window(qtbot, tmp_path / "s.ini", "cliff", (1280, 720), 1.5)
    panel = surface_in_3d(qtbot, window, TIMEOUT)
    view = panel.gl_view.widget
    view.repaint()
    frame = view.grabFramebuffer()
    edge = label_pixels(frame, frame.width() - 3, 0, 3, frame.height())
    assert edge == 0  # no label's text runs into the right edge
    assert label_pixels(frame, 0, 0, frame.width(), frame.height()) > 0  # labels drawn
    boxes = [item.drawn_box for item in panel.gl_view.labels]
    for box in boxes:
        assert QRectF(view.rect()).contains(box), box
    for i, box in enumerate(boxes):
        assert not any(box.intersects(other) for other in boxes[i + 1 :]), boxes
