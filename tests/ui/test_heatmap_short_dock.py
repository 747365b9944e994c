"""Issue 16: docked at 1280x720 with text 1.5 the gates and memory-cell panels needed more
height than their dock shows (gates 378-442 px, memory 426-600 px against 364 px) and the dock
scrolled. In the real window after a few training steps: no vertical scroll bar on the dock,
every heatmap plot (its title, data area and axes) whole inside what the dock shows, and each
heatmap's data area still a few pixels tall with its title above it, not on it.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics

from tests.ui.layout_check import dock_scroll_area, settle, shown_window, visible_rect

PRESETS = ("lecture_lstm", "char_lstm", "slot_filling_bilstm")
#: the least height of a heatmap's data area as seen: a row of cells one can click
LEAST_DATA_PX = 12


def docked_panel(qtbot, tmp_path, preset, key, size=(1280, 720), scale=1.5):
    window = shown_window(qtbot, tmp_path / "short.ini", preset, size, scale)
    window.run_steps(5)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 5, timeout=60_000)
    window.show_panel(key)
    panel = window.panels[key]
    qtbot.waitUntil(lambda: panel.stack.steps > 0, timeout=60_000)
    settle(panel)
    return window, panel


def plots_outside_dock(stack, window) -> list[str]:
    """The stack's plots and colour bars (scene rectangles mapped to the window) not whole
    on screen."""
    seen = visible_rect(stack, window)
    bad = []
    items = [*stack.plots.items(), *stack.bars.items(), ("trace", stack.trace_plot)]
    for name, plot in items:
        if plot.scene() is None:
            continue  # out of the layout (the trace plot in a short dock)
        rect = stack.mapFromScene(plot.sceneBoundingRect()).boundingRect()
        if not seen.adjusted(-1, -1, 1, 1).contains(rect):
            bad.append(f"{name} {rect} outside {seen}")
    return bad


def rows_unreadable(stack) -> list[str]:
    """Heatmaps whose data area is a strip or whose title lies on the data, and colour bars
    whose numbers are closer than a line of their font (they ran into each other)."""
    bad = []
    for name, bar in stack.bars.items():
        axis = bar.axis
        if not axis.style["showValues"]:
            continue
        line = QFontMetrics(axis.style["tickFont"]).height()
        levels = axis.tickValues(*axis.range, axis.height()) or [(0, [])]
        ticks = levels[0][1]  # the major level: pyqtgraph labels it whatever the room
        ys = sorted(
            axis.mapToScene(
                0, axis.height() * (1 - (v - axis.range[0]) / (axis.range[1] - axis.range[0]))
            ).y()
            for v in ticks
        )
        if any(b - a < line for a, b in zip(ys, ys[1:], strict=False)):
            bad.append(f"{name}: bar numbers {ticks} at {ys}, a line is {line}")
    for name, plot in stack.plots.items():
        data = plot.vb.sceneBoundingRect()
        title = plot.titleLabel.sceneBoundingRect()
        if data.height() < LEAST_DATA_PX:
            bad.append(f"{name}: data {data.height():.0f} px")
        if title.bottom() > data.top() + 1:
            bad.append(f"{name}: title {title} over data {data}")
    return bad


@pytest.mark.parametrize(
    "preset, key",
    [(preset, key) for preset in PRESETS for key in ("gates", "memory")]
    + [("clockwork_sines", "gates"), ("sine_gru", "gates")],
)
def test_no_dock_scroll_in_a_projector_dock(qtbot, tmp_path, preset, key):
    window, panel = docked_panel(qtbot, tmp_path, preset, key)
    area = dock_scroll_area(panel)
    assert not area.verticalScrollBar().isVisible(), (panel.height(), area.viewport().height())
    assert plots_outside_dock(panel.stack, window) == []
    assert rows_unreadable(panel.stack) == []
