"""Issue 16: the window's own dock layout after a preset switch is the one a window started
on that preset makes, in a window 1200 px high or more too (two rows: it was never laid out
anew, and a crowded preset's seven model tabs scrolled at 2560x1440, text 1.5, in a window
started on it), and after a preset opened in presentation mode once that mode is left (the
restored layout was the old preset's: the CTC lattice missing, its tab titles too long)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QGraphicsView

from rnnviz.ui.dock_refit import on_screen
from tests.ui.layout_check import visible_rect
from tests.ui.test_tab_refit import (
    assert_every_tab_in_sight,
    open_from_presets_menu,
    shown,
    view_action,
)

#: pixels two layouts' docks may differ by (a bar one pixel taller after a new text size)
SLACK = 3


def layout_of(window) -> dict[frozenset[str], tuple[tuple[str, ...], tuple[int, ...]]]:
    """Each tab group shown (its panels' keys): its tab titles and where it lies (the
    geometry of the dock in front); the sidebar's too."""
    groups = {}
    for dock in [window.sidebar_dock, *window.docks.values()]:
        if dock.isHidden() or dock.isFloating():
            continue
        group = [dock, *window.tabifiedDockWidgets(dock)]
        front = [d for d in group if not d.visibleRegion().isEmpty()]
        assert len(front) == 1, [d.objectName() for d in group]
        keys = frozenset(d.objectName() for d in group)
        titles = tuple(sorted(d.windowTitle() for d in group))
        groups[keys] = (titles, front[0].geometry().getRect())
    return groups


def assert_same_layout(got, want) -> None:
    assert got.keys() == want.keys()
    for keys, (titles, rect) in got.items():
        want_titles, want_rect = want[keys]
        assert titles == want_titles, keys
        assert all(abs(a - b) <= SLACK for a, b in zip(rect, want_rect, strict=True)), (
            keys,
            rect,
            want_rect,
        )


def started_on(qtbot, tmp_path, preset, size, scale):
    """The layout of a window started on ``preset``: the reference."""
    window = shown(qtbot, tmp_path, size, scale, preset, name=f"fresh-{preset}.ini")
    assert_every_tab_in_sight(qtbot, window, size)
    layout = layout_of(window)
    window.close()
    return layout


@pytest.mark.parametrize(
    ("size", "scale", "first", "then"),
    [
        ((1920, 1200), 1.5, "lecture_lstm", "parse_seq2seq"),
        ((2560, 1440), 1.5, "ntm_copy", "parse_seq2seq"),
    ],
)
def test_a_tall_window_after_a_preset_switch_is_laid_out_as_started_on_it(
    qtbot, tmp_path, size, scale, first, then
):
    want = started_on(qtbot, tmp_path, then, size, scale)
    window = shown(qtbot, tmp_path, size, scale, first)
    open_from_presets_menu(window, then)
    assert_every_tab_in_sight(qtbot, window, size)
    assert_same_layout(layout_of(window), want)


def test_a_tall_window_after_larger_text_is_laid_out_as_started_at_that_size(qtbot, tmp_path):
    size = (2560, 1440)
    want = started_on(qtbot, tmp_path, "parse_seq2seq", size, 1.5)
    window = shown(qtbot, tmp_path, size, 1.0, "parse_seq2seq")
    for _ in range(2):  # 1.0 -> 1.25 -> 1.5
        view_action(window, "Larger text").trigger()
    assert_every_tab_in_sight(qtbot, window, size)
    assert_same_layout(layout_of(window), want)


@pytest.mark.parametrize(
    ("size", "first", "then"),
    [
        ((1280, 720), "lecture_lstm", "ctc_speech"),
        ((1600, 1000), "ctc_speech", "lecture_lstm"),
        ((1920, 1200), "lecture_lstm", "parse_seq2seq"),
    ],
)
def test_a_preset_opened_in_presentation_mode_is_laid_out_on_leaving(
    qtbot, tmp_path, size, first, then
):
    want = started_on(qtbot, tmp_path, then, size, 1.0)
    window = shown(qtbot, tmp_path, size, 1.0, first)
    presenting = view_action(window, "&Presentation mode")
    presenting.trigger()  # F11
    assert window.presentation.active
    open_from_presets_menu(window, then)
    QApplication.processEvents()
    presenting.trigger()  # F11 again: the docked layout, text 1.0
    assert not window.presentation.active
    assert_every_tab_in_sight(qtbot, window, size)
    assert_same_layout(layout_of(window), want)


def assert_one_row(window) -> None:
    """The tab groups side by side, none stacked on another (each the full height)."""
    tops = {dock.y() for dock in window.docks.values() if on_screen(dock)}
    assert len(tops) == 1, tops


#: the least height of a panel's plot (its largest plot or drawing, as far as it is seen)
LEAST_PLOT = 120


def plot_heights(window) -> dict[str, int]:
    """The seen height of each panel's largest plot or drawing, raised in turn."""
    heights = {}
    for key in window.display.applicable_keys():
        window.show_panel(key)
        QApplication.processEvents()
        panel = window.panels[key]
        views = [v for v in panel.findChildren(QGraphicsView) if v.isVisible()]
        if views:
            heights[key] = max(visible_rect(view, window).height() for view in views)
    return heights


@pytest.mark.parametrize("preset", ["lecture_lstm", "clockwork_sines", "ctc_speech"])
def test_a_projector_window_docked_shows_every_tab_and_whole_plots(qtbot, tmp_path, preset):
    """1280x720, text 1.5, docked: no tab behind scroll arrows (lecture_lstm's and
    clockwork_sines's "Surface" was), no tab group stacked on another (ctc_speech's Loss
    panel showed its header above a plot it had to scroll to)."""
    size = (1280, 720)
    window = shown(qtbot, tmp_path, size, 1.5, preset)
    assert_every_tab_in_sight(qtbot, window, size)
    assert_one_row(window)
    heights = plot_heights(window)
    assert {"loss", "gradients_time", "unrolled"} <= heights.keys()
    assert {k: h for k, h in heights.items() if h < LEAST_PLOT} == {}
    assert_every_tab_in_sight(qtbot, window, size)


def test_the_controls_tab_comes_and_goes_with_the_text_size(qtbot, tmp_path):
    """At 1280x720 the Controls become a tab at text 1.5 (ctc_speech's groups were stacked)
    and get their own column back at 1.0, as in windows started at those sizes."""
    size = (1280, 720)
    small, large = (started_on(qtbot, tmp_path, "ctc_speech", size, s) for s in (1.0, 1.5))
    window = shown(qtbot, tmp_path, size, 1.0, "ctc_speech")
    for text, want in (("Larger text", large), ("Smaller text", small)):
        for _ in range(2):
            view_action(window, text).trigger()
        assert_every_tab_in_sight(qtbot, window, size)
        assert_one_row(window)
        assert_same_layout(layout_of(window), want)
    assert window.dockWidgetArea(window.sidebar_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
