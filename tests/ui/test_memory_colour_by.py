"""Issue 16 (screenshot pass): the memory panel's "colour by" box sat flush with, or past,
the right edge of its dock on char_lstm at 1600x1000; it must be whole inside the dock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from tests.ui.layout_check import visible_rect


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 720), (1920, 1080)])
def test_colour_by_is_whole_inside_its_dock(qtbot, make_window, size):
    window = make_window("char_lstm")
    window.resize(*size)
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=30000)
    window.show_panel("memory")
    QApplication.processEvents()
    panel = window.panels["memory"]
    box = panel.colour_by
    assert box.isVisible() and box.currentText() == "colour by c"
    # nothing of it cut off by the dock, its scroll area or the window
    assert visible_rect(box, window).size() == box.rect().size()
    # and inside the dock clear of its right edge: it sat 4 px (the panel's margin) from the
    # dock's and the window's right edge, where it read as cut off; now it leads its row
    dock = window.docks["memory"]
    mapped = QRect(box.mapTo(dock, box.rect().topLeft()), box.size())
    assert dock.rect().adjusted(2, 0, -16, 0).contains(mapped), (mapped, dock.rect())
    caption = panel.text_caption
    assert (
        box.mapTo(panel, box.rect().topLeft()).x()
        < caption.mapTo(panel, caption.rect().topLeft()).x()
    )
