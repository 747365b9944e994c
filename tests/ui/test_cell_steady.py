"""Issue 16: the cell drawing holds still while a class steps through the sequence.

Stepping t with the panel's t + 1 button, the boxes took the width of the widest number
shown so far: a memory of "16.42" (wider than the "-0.00" the boxes first make room for)
widened every box and spread the grid anew, so the whole drawing jumped. In the real window
on the lecture preset with its cell input edited to z = 2.345 x1 (Training > Edit weights;
the memory then reaches 16.42), trained a few steps, every box keeps its rectangle on
screen at every t of the sequence."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRectF, Qt

from tests.ui.layout_check import settle, shown_window
from tests.ui.test_own_model import drive_dialog
from tests.ui.test_weight_editor import edit_action

STEPS = 3
CELL_INPUT_WEIGHT = "2.345"  # z = 2.345 x1: the lecture's memory 7 becomes 16.42
SIZES = [(w, h, s) for (w, h) in ((1280, 720), (1600, 1000), (1920, 1080)) for s in (1.0, 1.5)]


def box_rects(panel) -> dict[str, QRectF]:
    """Each box's rectangle in the panel's pixels (the view's offset in it included)."""
    view = panel.view
    offset = view.viewport().mapTo(panel, QPoint(0, 0))
    return {
        key: view.viewportTransform().mapRect(box.sceneBoundingRect()).translated(offset)
        for key, box in panel.drawing.boxes.items()
    }


@pytest.mark.parametrize(("width", "height", "text_size"), SIZES)
def test_boxes_hold_still_while_stepping_through_t(qtbot, tmp_path, width, height, text_size):
    window = shown_window(
        qtbot, tmp_path / "steady.ini", "lecture_lstm", (width, height), text_size
    )

    def edit(dialog) -> None:
        dialog.tables["rnn.weight_ih_l0"].item(2, 0).setText(CELL_INPUT_WEIGHT)
        dialog.apply_button.click()

    drive_dialog(qtbot, edit)
    edit_action(window).trigger()
    window.run_steps(STEPS)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == STEPS, timeout=60_000)
    window.show_panel("cell_diagram")
    panel = window.panels["cell_diagram"]
    qtbot.waitUntil(lambda: bool(panel.values), timeout=60_000)
    window.cursor.set_t(0)
    settle(panel)
    steps = panel.sample.trace[panel.chain]["h"].shape[0]
    first = box_rects(panel)
    moved = []
    for t in range(1, steps):
        qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda t=t: panel.selected()[0] == t)
        settle(panel)
        now = box_rects(panel)
        moved += [f"t = {t + 1}: {k} {first[k]} -> {now[k]}" for k in first if now[k] != first[k]]
    shown = panel.values["c'"]
    assert len(first) >= 10 and shown == "14.07", shown  # 2.345 * 6 at the last t
    assert not moved, "\n".join(moved)
