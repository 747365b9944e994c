"""Issue 16: docked at 1280x720 with text 1.5 the gradient panels' dock is ~364 px high, and
the gradient through time (384-458 px), gradient norm (416 px) and recurrent matrix
(426-522 px) panels made it scroll: their summaries wrapped over three to five lines above
two plots that need 240 px. In the real window after 5 steps: no vertical scroll bar on the
dock, and the plots whole inside what the dock shows, each plot's data area at least
LEAST_DATA px high."""

from __future__ import annotations

import pyqtgraph as pg
import pytest

from tests.ui.layout_check import dock_scroll_area, settle, shown_window, visible_rect

#: the least height of a plot's data area (its view box) as seen: the gradient norm's
#: legend row (86 px for cliff) leaves its two plots ~45 px each
LEAST_DATA = 40
PANELS = ["gradients_time", "gradient_norm", "recurrent_matrix"]


@pytest.mark.parametrize("preset", ["lecture_lstm", "cliff", "clockwork_sines"])
@pytest.mark.parametrize("key", PANELS)
def test_the_plots_fit_the_projector_dock(qtbot, tmp_path, preset, key):
    window = shown_window(qtbot, tmp_path / "fits.ini", preset, (1280, 720), 1.5)
    window.run_steps(5)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 5, timeout=60_000)
    window.show_panel(key)
    panel = window.panels[key]
    qtbot.waitUntil(lambda: panel.plots.isVisible())
    settle(panel)
    assert not dock_scroll_area(panel).verticalScrollBar().isVisible()
    seen = visible_rect(panel.plots, window)
    assert seen == panel.plots.rect()  # whole inside the dock's visible area
    boxes = [item.vb for item in panel.plots.ci.items if isinstance(item, pg.PlotItem)]
    heights = [box.height() for box in boxes]
    assert boxes and min(heights) >= LEAST_DATA, heights
