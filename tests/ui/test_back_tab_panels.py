"""Panels behind another tab at start are built when their tab is first clicked
(deferred_panel.py), and then show exactly what a panel built at start shows: the same
curves, images, lines, texts, legends and fonts, for the same step, cursor t, compared run
and text size. Compared item by item with a window whose panels were all built at start."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractGraphicsShapeItem,
    QApplication,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QGraphicsView,
    QLabel,
    QTabBar,
)

from rnnviz.ui.deferred_panel import DeferredPanel

TIMEOUT = 60_000  # a hang guard: two runs train on a loaded machine
PRESET = "clockwork_sines"  # a compared run: the panels overlay its curves
BACK_TABS = ("predictions", "gradient_norm", "gradients_time", "memory")
#: panels whose curves are computed off the GUI thread as the records are shown (the
#: recurrent matrices' spectra), at times no two windows share: their other items compared
ASYNC_DATA = ("recurrent_matrix",)


def _array(values) -> tuple:
    array = np.asarray(values if values is not None else [])
    return (str(array.dtype), array.shape, array.tobytes())


def _font(font) -> float | None:
    return None if font is None else font.pointSizeF()


def _entry(item) -> tuple | None:
    """What one graphics item shows (None: an item of no interest)."""
    if isinstance(item, pg.PlotDataItem | pg.ScatterPlotItem):
        x, y = item.getData()
        return ("data", type(item).__name__, item.name(), _array(x), _array(y))
    if isinstance(item, pg.ImageItem):
        return ("image", _array(item.image))
    if isinstance(item, pg.InfiniteLine):
        return ("line", float(item.value()))
    if isinstance(item, pg.TextItem):
        return ("text", item.toPlainText())
    if isinstance(item, pg.LegendItem):
        return ("legend", tuple((label.text, label.opts.get("size")) for _, label in item.items))
    if isinstance(item, pg.AxisItem):  # (the font of a label with no text shows nothing)
        label = _font(item.label.font()) if item.labelText else None
        return ("axis", item.labelText, _font(item.style.get("tickFont")), label)
    if isinstance(item, QGraphicsTextItem | QGraphicsSimpleTextItem):  # e.g. the cell diagram's
        return ("words", item.toPlainText() if hasattr(item, "toPlainText") else item.text())
    if isinstance(item, QAbstractGraphicsShapeItem):  # its nodes and edges, coloured by value
        return (
            "shape",
            type(item).__name__,
            item.brush().color().name(),
            item.pen().color().name(),
        )
    return None


def drawn(panel) -> list[tuple]:
    """What ``panel``'s plots and labels show, item by item, in a stable order (a hidden
    item only as hidden: e.g. an unused axis keeps the font it was made with)."""
    out = []
    for view in panel.findChildren(QGraphicsView):
        for item in view.scene().items():
            entry = _entry(item)
            if entry is not None:
                out.append(entry if item.isVisible() else (entry[0], "hidden"))
    for label in panel.findChildren(QLabel):
        if label.isVisibleTo(panel):
            out.append(("label", label.text(), label.font().pointSizeF()))
        else:
            out.append(("label", "hidden"))
    return sorted(out, key=repr)


def click_tab(qtbot, window, key: str) -> None:
    """Click the dock tab of panel ``key`` (its tab group's bar, a child of the window)."""
    title = window.docks[key].windowTitle().replace("&&", "&")
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window and bar.isVisible():
            for i in range(bar.count()):
                if bar.tabText(i) == title:
                    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
                    assert bar.currentIndex() == i, f"the click missed the tab of {key}"
                    return
    raise AssertionError(f"no tab for {key}")


def _trained(qtbot, window, steps: int) -> None:
    """``steps`` runs of one step: each keeps its full record (a run flat out keeps them
    at a rate in time, which two windows would not share)."""
    window.transport.set_speed(None)
    for step in range(1, steps + 1):
        window.run_steps(1)
        qtbot.waitUntil(
            lambda s=step: not window.running and window.shown_step == s, timeout=TIMEOUT
        )


def _viewed(window, step: int, t: int) -> None:
    window.cursor.set_step(step)
    window.cursor.set_t(t)
    window.cursor.set_unit(3)


def test_a_back_tab_panel_is_built_when_its_tab_is_clicked_and_shows_the_same(qtbot, make_window):
    early = make_window(PRESET)  # every panel built at start, as before deferral
    assert early.panels
    late = make_window(PRESET)
    on_screen = [k for k in late.docks if late.display.on_screen(k)]
    assert on_screen and all(
        not isinstance(late.display.panels[k], DeferredPanel) for k in on_screen
    )
    # applying, in a tab group, but not in front: not built
    back_tabs = [k for k in late.docks if not late.docks[k].isHidden() and k not in on_screen]
    assert set(BACK_TABS) <= set(back_tabs)
    for key in back_tabs:
        assert isinstance(late.display.panels[key], DeferredPanel), key
    assert late.compare_trainer is not None

    for window in (early, late):
        _trained(qtbot, window, 6)
    steps = early.trainer.history.kept_steps
    assert steps == late.trainer.history.kept_steps and len(steps) >= 3
    for window in (early, late):  # an earlier step, a later time step, another unit
        _viewed(window, steps[len(steps) // 2], 5)
    # a larger text, set in one window at a time: a new text size restyles the application,
    # which puts the fonts that follow the text size in another window back (the window
    # that sets it refreshes its own)
    early.set_text_size(1.25)
    expected = {}
    for key in back_tabs:
        click_tab(qtbot, early, key)
        assert early.display.on_screen(key)  # and drawn when raised
        QApplication.processEvents()  # laid out and polished as it is painted
        expected[key] = drawn(early.panels[key]), early.panels[key].step_tag.text()
    late.set_text_size(1.25)
    for key in back_tabs:
        assert isinstance(late.display.panels[key], DeferredPanel), key
        click_tab(qtbot, late, key)
        panel = late.display.panels[key]
        assert not isinstance(panel, DeferredPanel), key  # built when its tab was clicked
        assert late.docks[key].widget().widget().panel is panel
        assert late.display.on_screen(key)
        QApplication.processEvents()
        items, tag = expected[key]
        if key in ASYNC_DATA:
            items = [item for item in items if item[0] != "data"]
        assert panel.step_tag.text() == tag, key
        assert any(item[0] in ("data", "image", "words") for item in items), key
        mine = drawn(panel)
        if key in ASYNC_DATA:
            mine = [item for item in mine if item[0] != "data"]
        assert mine == items, key
