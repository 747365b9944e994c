"""Issue 16 (screenshot pass): at 1280x720, text size 1.5 (a projector) the window with its
sidebar fits the screen (the layout needed ~1316 px: a 590-pixel sidebar, dock title bars as
wide as their whole titles) and the unrolled graph fits its dock (a small vertical scroll
bar: its plot's minimum height)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style
from tests.ui.layout_check import shown_window

TIMEOUT = 60_000


@pytest.fixture
def projector(qtbot, tmp_path):
    window = shown_window(qtbot, tmp_path / "projector.ini", "lecture_lstm", (1280, 720), 1.5)
    QApplication.processEvents()
    yield window
    style.set_scale(QApplication.instance(), 1.0)


def test_the_window_fits_a_projector_at_large_text(projector):
    window = projector
    assert window.sidebar_dock.isVisible() and not window.sidebar_dock.isFloating()
    assert window.width() <= 1280
    assert window.minimumSizeHint().width() <= 1280
    # the sidebar's controls are not cut: it is as wide as their minimum
    sidebar = window.sidebar
    assert sidebar.viewport().width() >= sidebar.widget().minimumSizeHint().width()


def test_the_unrolled_graph_needs_no_scroll_bar(qtbot, projector):
    window = projector
    window.show_panel("unrolled")
    window.step_once()  # a drawn step: the header and legend at their real texts
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=TIMEOUT)
    QApplication.processEvents()
    area = window.docks["unrolled"].widget()
    assert window.docks["unrolled"].isVisible()
    assert not area.verticalScrollBar().isVisible()
    assert not area.horizontalScrollBar().isVisible()
    panel = window.panels["unrolled"]
    assert panel.height() <= area.viewport().height()
    assert panel.plot.height() >= panel.plot.minimumHeight() > 0
