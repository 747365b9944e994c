"""Issue 16: the cell panel whole in a short dock, in the real window.

Docked at 1280x720 with text size 1.5 the cell dock has ~350 px of height; the header
(~90 px), the equations (two lines, four for a peephole LSTM) and the smallest drawing with
plot-font text (the lecture's: 443 x 313) did not fit, so the dock showed a vertical scroll
bar and the drawing's bottom half (c', h(c'), the cell input z, the output) lay below the
fold. For the lecture, a peephole LSTM and a GRU: the dock's scroll area shows no vertical
scroll bar and every box of the drawing lies inside what the dock shows; the t ± 1 buttons
and the unit box are whole and ← → still step t; the equations are one press away.
At 1600x1000 with text 1.5, where the panel fitted, the equations are shown as before.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication

from tests.ui.layout_check import dock_scroll_area, settle, shown_window, visible_rect

PRESETS = ("lecture_lstm", "copy_peephole_lstm", "sine_gru")


def cell_panel(qtbot, window):
    """The cell panel in front, with step 0's numbers, its size settled."""
    window.show_panel("cell_diagram")
    panel = window.panels["cell_diagram"]
    qtbot.waitUntil(lambda: bool(panel.values), timeout=60_000)
    settle(panel)
    QApplication.processEvents()
    settle(panel)
    return panel


def boxes_outside(panel, shown: QRect) -> list[str]:
    """The boxes of the drawing not whole inside ``shown`` (the dock's scroll area's
    viewport, in its own pixels) or inside the drawing's view."""
    view = panel.view
    scroll_viewport = dock_scroll_area(panel).viewport()
    found = []
    for key, box in panel.drawing.boxes.items():
        in_view = view.viewportTransform().mapRect(box.sceneBoundingRect()).toAlignedRect()
        corner = view.viewport().mapTo(scroll_viewport, QPoint(0, 0))
        in_dock = in_view.translated(corner).adjusted(1, 1, -1, -1)  # its pen's rounding
        if not view.viewport().rect().contains(in_view.adjusted(1, 1, -1, -1)):
            found.append(f"{key} {in_view} outside the view {view.viewport().rect()}")
        elif not shown.contains(in_dock):
            found.append(f"{key} {in_dock} outside what the dock shows {shown}")
    return found


@pytest.mark.parametrize("preset", PRESETS)
def test_the_cell_drawing_is_whole_in_a_short_dock(qtbot, tmp_path, preset):
    window = shown_window(qtbot, tmp_path / "short.ini", preset, (1280, 720), 1.5)
    panel = cell_panel(qtbot, window)
    area = dock_scroll_area(panel)
    assert not area.verticalScrollBar().isVisible(), (
        f"the cell dock scrolls: panel {panel.height()} px in {area.viewport().height()}"
    )
    drawn_boxes = {key for key, node in panel.nodes.items() if node.shape != "op"}
    assert len(drawn_boxes) >= 9 and set(panel.drawing.boxes) == drawn_boxes
    assert boxes_outside(panel, area.viewport().rect()) == []
    for widget in (panel.prev_button, panel.next_button, panel.unit_box):
        whole = widget.rect()
        assert visible_rect(widget, window).size() == whole.size(), widget.text()
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: panel.selected()[0] == 1)
    qtbot.keyClick(panel, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: panel.selected()[0] == 0)
    # the equations folded away, one press on the "=" button from sight, in its tooltip
    assert panel.fold.folded and panel.fold.button.isVisible()
    assert panel.equations.text() in panel.fold.button.toolTip()
    qtbot.mouseClick(panel.fold.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.equations.isVisible)


def test_the_equations_stay_where_the_dock_has_room(qtbot, tmp_path):
    window = shown_window(qtbot, tmp_path / "room.ini", PRESETS[0], (1600, 1000), 1.5)
    panel = cell_panel(qtbot, window)
    assert panel.equations.isVisible() and "c' = g(z)" in panel.equations.text()
    assert not panel.fold.button.isVisible()
    assert not dock_scroll_area(panel).verticalScrollBar().isVisible()


def test_the_cell_drawing_is_whole_after_larger_text_mid_session(qtbot, tmp_path):
    """View > text size 1.5 at 1280x720: the same as a window started at that size."""
    window = shown_window(qtbot, tmp_path / "later.ini", PRESETS[0], (1280, 720), 1.0)
    panel = cell_panel(qtbot, window)
    assert panel.equations.isVisible()  # room for them at text size 1.0
    window.set_text_size(1.5)
    window.show_panel("cell_diagram")
    area = dock_scroll_area(panel)
    qtbot.waitUntil(lambda: not area.verticalScrollBar().isVisible(), timeout=10_000)
    settle(panel)
    assert not area.verticalScrollBar().isVisible()
    assert boxes_outside(panel, area.viewport().rect()) == []
