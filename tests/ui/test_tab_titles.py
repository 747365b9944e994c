"""Issue 16 (screenshot pass): at 1600x1000, text 1.5 the lecture's tabs were cut
("Gradient thr", "Grac", the end of "Unrolled graph"). Tabs carry short titles
(dock_title.TAB_TITLES), the title bar the full one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QTabBar, QToolTip

from rnnviz.ui.dock_title import TAB_TITLES, tab_title
from tests.ui.layout_check import shown_window


@pytest.fixture
def lecture_at_projector_size(qtbot, tmp_path):
    window = shown_window(qtbot, tmp_path / "tabs.ini", "lecture_lstm", (1600, 1000), 1.5)
    QApplication.processEvents()
    yield window


def dock_tab_bars(window) -> list[QTabBar]:
    return [b for b in window.findChildren(QTabBar) if b.parent() is window and b.isVisible()]


def test_tabs_are_not_elided_and_the_model_group_fits(lecture_at_projector_size):
    window = lecture_at_projector_size
    assert (window.width(), window.height()) == (1600, 1000)
    bars = dock_tab_bars(window)
    assert bars
    for bar in bars:
        metrics = bar.fontMetrics()
        for i in range(bar.count()):
            text = bar.tabText(i).replace("&&", "&")
            # the whole text plus the tab's own margins (left and right, 4 px at least)
            assert bar.tabRect(i).width() >= metrics.horizontalAdvance(text) + 8, text
    # the model group (Unrolled, Gates, Memory, LSTM cell) is whole: no tab scrolled away
    model = [b for b in bars if any(b.tabText(i) == "Unrolled" for i in range(b.count()))]
    assert len(model) == 1
    bar = model[0]
    for i in range(bar.count()):
        rect = bar.tabRect(i)
        assert rect.left() >= 0 and rect.right() <= bar.width(), bar.tabText(i)


def test_title_bars_keep_the_full_titles(lecture_at_projector_size):
    window = lecture_at_projector_size
    context = window.run_control.context()
    for key, dock in window.docks.items():
        full = dock.titleBarWidget().label.text()
        assert full == window.panels[key].title_for(context)
        assert dock.windowTitle().replace("&&", "&") == TAB_TITLES.get(full, full)
        assert dock.toggleViewAction().text().replace("&&", "&") == full  # the View menu


def test_a_crowded_window_has_terse_tabs_under_full_title_bars(qtbot, tmp_path):
    """date_attention's twelve tabs do not fit at 1280x720 with the short titles (issue 16):
    the tabs read the terse ones, the title bars and the View menu the full ones."""
    window = shown_window(qtbot, tmp_path / "tabs.ini", "date_attention", (1280, 720), 1.0)
    QApplication.processEvents()
    context = window.run_control.context()
    bars = dock_tab_bars(window)
    tabs = {bar.tabText(i).replace("&&", "&") for bar in bars for i in range(bar.count())}
    assert {"Preds", "Cell", "Attn."} <= tabs
    for key, dock in window.docks.items():
        full = window.panels[key].title_for(context)
        assert dock.titleBarWidget().label.text() == full
        assert dock.windowTitle().replace("&&", "&") == tab_title(full, terse=True)
        assert dock.toggleViewAction().text().replace("&&", "&") == full
    # the tab's tooltip names the panel in full
    bar = next(b for b in bars if "Preds" in [b.tabText(i) for i in range(b.count())])
    rect = bar.tabRect([bar.tabText(i) for i in range(bar.count())].index("Preds"))
    help_event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), bar.mapToGlobal(rect.center()))
    QApplication.sendEvent(bar, help_event)
    assert QToolTip.text() == "Predictions"
    QToolTip.hideText()
    window.docks["predictions"].titleBarWidget().set_terse(False)  # back to the short title
    assert window.docks["predictions"].windowTitle() == "Predictions"
    assert window.docks["predictions"].titleBarWidget().label.text() == "Predictions"


@pytest.mark.parametrize(
    ("full", "short", "terse"),
    [
        ("Loss & metrics", "Loss", "Loss"),
        ("Clockwork RNN cell", "Clockwork RNN cell", "Cell"),
        ("Gradient through time", "Grad. in time", "Grad. t"),
        ("Sequence codes", "Codes", "Codes"),
    ],
)
def test_tab_titles_short_and_terse(full, short, terse):
    assert (tab_title(full), tab_title(full, terse=True)) == (short, terse)
