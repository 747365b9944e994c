"""Issue 16 (screenshot pass): at 1280x720, text size 1.5 (a projector) the window with its
sidebar fits the screen (the layout needed ~1316 px: a 590-pixel sidebar, dock title bars as
wide as their whole titles) and the unrolled graph fits its dock (a small vertical scroll
bar: its plot's minimum height), its input tokens whole under the x row."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style
from rnnviz.ui.panels.unrolled_style import token_bottom
from tests.ui.layout_check import shown_window

TIMEOUT = 60_000


@pytest.fixture
def projector(qtbot, tmp_path):
    window = shown_window(qtbot, tmp_path / "projector.ini", "lecture_lstm", (1280, 720), 1.5)
    QApplication.processEvents()
    yield window


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
    # the first line of each input token under the x row is inside the plot (the tokens
    # were cut in half; a vector's stacked components may go on below: "1" over "0" "0")
    view = panel.vb.sceneBoundingRect()
    tokens = [item for item in panel._token_items if item.textItem.toPlainText()]
    assert tokens
    line = QFontMetrics(style.plot_font()).height()
    for item in tokens:
        text = item.textItem.sceneBoundingRect()
        assert text.top() >= view.top() and text.top() + line <= view.bottom() + 1, (text, view)


@pytest.mark.parametrize(("top", "view", "line"), [(2.45, 110, 27), (2.45, 300, 18), (5, 90, 40)])
def test_token_bottom_leaves_a_line_for_the_tokens(top, view, line):
    bottom = token_bottom(top, -0.3, view, line)
    room = (-0.3 - bottom) * view / (top - bottom)  # pixels under the tokens' top
    assert room >= line - 1e-9
    assert bottom <= -0.95


def test_token_bottom_without_room_keeps_the_rows():
    assert token_bottom(2.45, -0.3, 40, 27) == pytest.approx(-0.95)
