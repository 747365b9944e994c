"""Issue 16: every dock tab in sight after a preset is opened from the Presets menu, after a
text-size change from the View menu, and at the first show of a saved layout, not only at
the first show of a new window (the crowded presets' tab groups are stacked there:
dock_refit.py). Started on the lecture at 1280x720, text 1.0, date_attention opened from
the menu scrolled its tabs once the text was made larger; at 1600x1000 the lecture's tabs
scrolled after Larger text. A layout the user arranged by hand keeps its docks in place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QToolButton

from rnnviz.engine.presets import load_preset
from tests.ui.layout_check import shown_window
from tests.ui.test_tab_fit import seen_tab_bars


def tab_defects(window) -> list[str]:
    """What a person would miss: a dock tab bar with scroll arrows or a tab outside its bar
    or cut, a shown panel whose tab is in no bar in sight."""
    defects = []
    bars = seen_tab_bars(window)
    for bar in bars:
        tabs = [bar.tabText(i) for i in range(bar.count())]
        if [b for b in bar.findChildren(QToolButton) if b.isVisible()]:
            defects.append(f"scroll arrows on {tabs} ({bar.width()} px)")
        for i, text in enumerate(tabs):
            rect = bar.tabRect(i)
            whole = bar.fontMetrics().horizontalAdvance(text.replace("&&", "&"))
            if rect.left() < 0 or rect.right() >= bar.width() or rect.width() < whole:
                defects.append(f"tab {text!r} out of sight in {tabs} ({bar.width()} px)")
    seen = {bar.tabText(i) for bar in bars for i in range(bar.count())}
    for dock in window.docks.values():
        tabbed = window.tabifiedDockWidgets(dock)
        if not dock.isHidden() and tabbed and dock.windowTitle() not in seen:
            defects.append(f"no tab in sight for {dock.windowTitle()!r}")
    return defects


def assert_every_tab_in_sight(qtbot, window, size) -> None:
    """Once the layout has settled (Qt applies new widths a turn later)."""
    try:
        qtbot.waitUntil(lambda: not tab_defects(window), timeout=5_000)
    except Exception:
        pass  # the defects say what is wrong
    assert tab_defects(window) == []
    assert (window.width(), window.height()) == size  # the window did not grow


def open_from_presets_menu(window, name: str) -> None:
    title = load_preset(name).title or name
    action = next(a for a in window.presets_menu.actions() if a.text() == title)
    action.trigger()
    assert window.run_settings.preset_name == name


def view_action(window, text: str):
    return next(a for a in window.view_menu.actions() if a.text() == text)


def shown(qtbot, tmp_path, size, scale, preset="lecture_lstm", name="refit.ini"):
    window = shown_window(qtbot, tmp_path / name, preset, size, scale)
    QApplication.processEvents()
    return window


#: the old code failed the first two (the lecture's two groups kept, or made at 1280x720,
#: text 1.5, where the crowded presets' tabs need a stacked group); 1600x1000 x 1.5 it met
#: with terse tab titles, which must still hold
MENU_CASES = [((1280, 720), 1.0), ((1280, 720), 1.5), ((1600, 1000), 1.5)]


@pytest.mark.parametrize(("size", "scale"), MENU_CASES)
def test_crowded_presets_opened_from_the_menu_show_every_tab(qtbot, tmp_path, size, scale):
    window = shown(qtbot, tmp_path, size, scale)
    for preset in ("date_attention", "parse_seq2seq"):
        open_from_presets_menu(window, preset)
        assert_every_tab_in_sight(qtbot, window, size)
    if scale == 1.0:  # then text 1.5 (two steps of View > Larger text) and date_attention
        for _ in range(2):
            view_action(window, "Larger text").trigger()
        assert_every_tab_in_sight(qtbot, window, size)
        open_from_presets_menu(window, "date_attention")
        assert_every_tab_in_sight(qtbot, window, size)


@pytest.mark.parametrize(("size", "start"), [((1280, 720), "date_attention"), ((1600, 1000), None)])
def test_larger_text_from_the_view_menu_shows_every_tab(qtbot, tmp_path, size, start):
    window = shown(qtbot, tmp_path, size, 1.0)
    if start:
        open_from_presets_menu(window, start)
    for _ in range(2):  # 1.0 -> 1.25 -> 1.5
        view_action(window, "Larger text").trigger()
        assert_every_tab_in_sight(qtbot, window, size)


def saved_layout(qtbot, tmp_path, size, own: bool) -> None:
    """A layout saved by a window on the lecture at ``size``, text 1.0; ``own``: marked as
    the window's own (a layout saved before that mark was not)."""
    window = shown(qtbot, tmp_path, size, 1.0, name="saved.ini")
    window.close()
    settings = QSettings(str(tmp_path / "saved.ini"), QSettings.Format.IniFormat)
    assert isinstance(settings.value("window/state"), type(window.saveState()))
    if not own:
        settings.remove("window/own_layout")
        settings.sync()


@pytest.mark.parametrize(("preset", "scale"), [("date_attention", 1.5), ("parse_seq2seq", 1.0)])
def test_a_saved_layout_of_the_window_fits_at_the_first_show(qtbot, tmp_path, preset, scale):
    saved_layout(qtbot, tmp_path, (1280, 720), own=True)
    window = shown(qtbot, tmp_path, (1280, 720), scale, preset, name="saved.ini")
    assert_every_tab_in_sight(qtbot, window, (1280, 720))


def test_an_older_saved_layout_gets_tab_titles_that_fit_at_the_first_show(qtbot, tmp_path):
    saved_layout(qtbot, tmp_path, (1280, 720), own=False)
    window = shown(qtbot, tmp_path, (1280, 720), 1.0, "date_attention", name="saved.ini")
    assert_every_tab_in_sight(qtbot, window, (1280, 720))


def groups(window) -> set[frozenset[str]]:
    return {
        frozenset(d.objectName() for d in [dock, *window.tabifiedDockWidgets(dock)])
        for dock in window.docks.values()
        if not dock.isHidden() and not dock.isFloating()
    }


def test_a_layout_arranged_by_hand_keeps_its_docks_where_they_are(qtbot, tmp_path):
    """Loss moved by hand into the model panels' group, Predictions floated, saved: shown
    again on date_attention, and after another preset, they stay there, with tab titles
    that fit (terse ones)."""
    window = shown(qtbot, tmp_path, (1280, 720), 1.0, name="saved.ini")
    docks = window.docks
    window.tabifyDockWidget(docks["cell_diagram"], docks["loss"])
    docks["predictions"].setFloating(True)
    QApplication.processEvents()
    arranged = groups(window)
    window.close()
    window = shown(qtbot, tmp_path, (1280, 720), 1.0, "date_attention", name="saved.ini")
    assert_kept(window, arranged)
    assert_every_tab_in_sight(qtbot, window, (1280, 720))
    open_from_presets_menu(window, "ntm_copy")
    QApplication.processEvents()
    assert_kept(window, arranged)


def assert_kept(window, arranged: set[frozenset[str]]) -> None:
    """Predictions floats, and the docks shown then and now are tabbed as ``arranged``."""
    docks = window.docks
    assert docks["predictions"].isFloating()
    assert docks["loss"] in window.tabifiedDockWidgets(docks["cell_diagram"])
    common = {name for group in groups(window) for name in group} & {
        name for group in arranged for name in group
    }
    before = {group & common for group in arranged} - {frozenset()}
    assert before == {group & common for group in groups(window)} - {frozenset()}
