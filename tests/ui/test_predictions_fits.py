"""Issue 16: docked at 1280x720 with text 1.5 the lecture's Predictions panel showed its title
over two lines, its summary line over four and its table; the plot lay below the fold and
the dock scrolled. In the real window: no vertical scroll bar on the dock, the plot at
least LEAST_PLOT px high and whole inside what the dock shows; the summary, folded to one
line there, keeps its whole text in the tooltip and the button shows it whole; at 1600x1000,
text 1.0, it is shown whole as before ("output = 0 0 0 0 0 7 0 0 6")."""

from __future__ import annotations

import pytest

from tests.ui.layout_check import dock_scroll_area, settle, shown_window, visible_rect

#: the least height of the plot as seen (its axes included)
LEAST_PLOT = 120
#: the lecture's worked example: the output row of the summary line (lecture.py's rows)
OUTPUT_ROW = "output = 0 0 0 0 0 7 0 0 6"


def docked_predictions(qtbot, tmp_path, preset, size, scale):
    window = shown_window(qtbot, tmp_path / "fits.ini", preset, size, scale)
    window.run_steps(10)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 10, timeout=60_000)
    window.show_panel("predictions")
    panel = window.panels["predictions"]
    qtbot.waitUntil(lambda: panel.plot.isVisible())
    settle(panel)
    return window, panel


@pytest.mark.parametrize(
    "preset", ["lecture_lstm", "lecture_lstm_learn", "adding_lstm", "sine_gru"]
)
def test_the_plot_is_on_screen_in_a_projector_dock(qtbot, tmp_path, preset):
    window, panel = docked_predictions(qtbot, tmp_path, preset, (1280, 720), 1.5)
    assert not dock_scroll_area(panel).verticalScrollBar().isVisible()
    seen = visible_rect(panel.plot, window)
    assert seen.height() >= LEAST_PLOT, seen
    assert seen == panel.plot.rect()  # whole inside the dock's visible area


def test_the_folded_summary_keeps_the_worked_example_reachable(qtbot, tmp_path):
    window, panel = docked_predictions(qtbot, tmp_path, "lecture_lstm", (1280, 720), 1.5)
    line = panel.summary_line
    assert panel.summary_fold.folded and line.isVisible() and not panel.text.isVisible()
    assert OUTPUT_ROW in line.toolTip()  # the whole text, where the line is cut
    assert visible_rect(line, window) == line.rect()
    panel.summary_fold.button.click()  # shown whole, by hand
    assert panel.text.isVisible() and not line.isVisible()
    assert OUTPUT_ROW in panel.text.text()


def test_the_summary_is_whole_at_the_readme_size(qtbot, tmp_path):
    window, panel = docked_predictions(qtbot, tmp_path, "lecture_lstm", (1600, 1000), 1.0)
    assert panel.text.isVisible() and OUTPUT_ROW in panel.text.text()
    assert visible_rect(panel.text, window) == panel.text.rect()
    assert not panel.summary_fold.folded
    assert not dock_scroll_area(panel).verticalScrollBar().isVisible()


def test_generated_text_scrolls_in_its_own_box_not_the_dock(qtbot, tmp_path):
    """char_lstm at 1280x720, text 1.5: its coloured characters and the model's generated
    text below them made the whole dock scroll once the text arrived."""
    window = shown_window(qtbot, tmp_path / "fits.ini", "char_lstm", (1280, 720), 1.5)
    window.show_panel("predictions")
    panel = window.panels["predictions"]
    window.run_steps(10)
    qtbot.waitUntil(lambda: "Generated (temperature 0.8)" in panel.generated.text(), timeout=60_000)
    qtbot.waitUntil(lambda: not window.running, timeout=60_000)
    settle(panel)
    assert not dock_scroll_area(panel).verticalScrollBar().isVisible()
    assert visible_rect(panel.text, window) == panel.text.rect()  # the characters whole
    box = panel.generated_box
    assert visible_rect(box, window) == box.rect() and box.height() >= 60
