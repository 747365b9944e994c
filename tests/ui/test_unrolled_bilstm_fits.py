"""Issue 16: slot_filling_bilstm's unrolled graph crowded: its rows of nodes touched, the row
labels ran into each other (the axis dropped h → and h ←) and the words read "a", "T", "N".

In the real window at 1280x720, 1600x1000 and 1920x1080, text size 1.0 and 1.5 (the View
menu's action), docked and in presentation mode, checked from the scene: no two drawn nodes
overlap (their squares, outline included), the row labels on the left are a line of the
axis font apart and name every chain, and each word drawn under its column is whole or its
first four letters or more and "…", with the whole word in its tooltip.
"""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QAction, QFontMetricsF
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style

SIZES = ((1280, 720), (1600, 1000), (1920, 1080))


def set_text_size_by_menu(window, scale: float) -> None:
    """Larger / Smaller text from the View menu until the text is at ``scale``."""
    actions = {action.text(): action for action in window.findChildren(QAction)}
    while style.SCALE != scale:
        actions["Larger text" if style.SCALE < scale else "Smaller text"].trigger()


def node_rects(panel) -> list[QRectF]:
    """The scene squares of the nodes drawn inside the view (size plus outline)."""
    view = panel.vb.sceneBoundingRect()
    rects = []
    for spot in panel.nodes_item.points():
        centre = panel.vb.mapViewToScene(spot.pos())
        if not view.contains(centre):
            continue
        side = spot.size() + spot.pen().widthF()
        rects.append(QRectF(centre.x() - side / 2, centre.y() - side / 2, side, side))
    return rects


def check_graph(panel, where: str) -> None:
    QApplication.processEvents()
    rects = node_rects(panel)
    assert len(rects) >= 6, where
    for a, b in itertools.combinations(rects, 2):
        assert not a.intersects(b), f"{where}: nodes overlap {a} {b}"
    # row labels: a line apart on screen, and every chain named (h → and h ← at least)
    left = panel.plot.getAxis("left")
    ticks = left._tickLevels[0]
    line = QFontMetricsF(left.style.get("tickFont") or style.plot_font()).height()
    pys = sorted(panel.vb.mapViewToScene(QPointF(0.0, y)).y() for y, _ in ticks)
    for upper, lower in zip(pys, pys[1:], strict=False):
        assert lower - upper >= line, f"{where}: row labels {ticks} {pys} closer than {line}"
    labels = " ".join(label for _, label in ticks)
    assert "\u2192" in labels and "\u2190" in labels and "x" in labels and "y" in labels, where
    # the words: whole, or at least four letters and "…"; the whole word in the tooltip
    drawn = 0
    for item in panel._token_items:
        text = item.textItem.toPlainText()
        if not item.isVisible() or not text:
            continue
        word = item.toolTip()
        drawn += 1
        assert text == word or (
            text.endswith("\u2026") and len(text) >= 5 and word.startswith(text[:-1])
        ), f"{where}: {text!r} for {word!r}"
        assert panel.vb.sceneBoundingRect().contains(item.sceneBoundingRect().center()), where
    assert drawn >= 2, f"{where}: only {drawn} words drawn"


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_bilstm_graph_is_readable_at_projector_sizes(qtbot, make_window, scale):
    window = make_window("slot_filling_bilstm")
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=30_000)
    set_text_size_by_menu(window, scale)
    panel = window.panels["unrolled"]
    for size in SIZES:
        window.resize(*size)
        window.show_panel("unrolled")
        qtbot.waitUntil(lambda: panel.record is not None and panel.isVisible())
        check_graph(panel, f"docked {size} x {scale}")
        # the window follows the cursor: the last word's column comes into view
        words = len([w for w in panel.record.sample.input_tokens if w])
        window.cursor.set_t(words - 1)
        check_graph(panel, f"docked {size} x {scale}, t = {words}")
        col = panel.graph.col_of(words - 1)
        lo, hi = panel.vb.viewRange()[0]
        assert lo <= col - 0.5 and col + 0.5 <= hi, (lo, hi, col)
        window.cursor.set_t(0)
    window.presentation.enter("unrolled")
    for size in (SIZES[0], SIZES[-1]):
        window.resize(*size)
        qtbot.waitUntil(lambda: panel.isVisible())
        check_graph(panel, f"presenting {size}")
    window.presentation.leave()
