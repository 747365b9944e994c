"""Issue 16: the memory-cells panel (char_lstm) whole and readable in the real window at
1280x720 and 1600x1000, text sizes 1.0 and 1.5.

Checked on the window after a few training steps (so the heatmaps, the readout and the
coloured text are drawn): no essential widget clipped or cut (layout_check.py); each heatmap's
data area at least two lines of the plot font tall (they were 5 px strips, their rotated
"unit" / "value" titles on top of each other); every plot and colour bar inside the stack's
view (a one-line readout title pushed them past the panel's right edge); the readout wrapped
whole; the coloured text broken only after a space or newline, never inside a word ("ver" /
"y"). At 1280x720 with text 1.5 it is checked in presentation mode (as test_layout_fits.py
does) and docked, where the dock is too short for two-line heatmaps and the trace plot: there
the heatmaps keep a data area of a few pixels under their titles and the dock does not
scroll (test_heatmap_short_dock.py).
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics, QTextDocument

from rnnviz.ui.panels.heatmap_labels import plot_font
from tests.ui.layout_check import panel_defects, trained_panel_at
from tests.ui.test_heatmap_short_dock import (
    dock_scroll_area,
    docked_panel,
    plots_outside_dock,
    rows_unreadable,
)

CASES = (((1280, 720), 1.0), ((1280, 720), 1.5), ((1600, 1000), 1.5), ((1600, 1000), 1.0))


@pytest.fixture
def memory_at(qtbot, tmp_path):
    def make(size, text_size):
        return trained_panel_at(
            qtbot,
            tmp_path / "memory.ini",
            "char_lstm",
            "memory",
            size,
            text_size,
            3,
            lambda panel: bool(panel.text_html),
        )

    return make  # (text size 1.0 comes back after the windows are deleted: conftest.py)


def outside_view(stack) -> list[str]:
    """The stack's plots and colour bars that do not lie whole inside its view."""
    view = stack.mapToScene(stack.viewport().rect()).boundingRect().adjusted(-1, -1, 1, 1)
    items = [*stack.plots.items(), *stack.bars.items(), ("trace", stack.trace_plot)]
    return [
        f"{name} {item.sceneBoundingRect()}"
        for name, item in items
        if not view.contains(item.sceneBoundingRect())
    ]


def breaks_inside_words(label) -> list[str]:
    """The places where the label's rich text breaks a line between two letters."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    doc.setHtml(label.text())
    doc.setTextWidth(label.contentsRect().width())
    bad = []
    block = doc.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        for i in range(layout.lineCount() - 1):
            line = layout.lineAt(i)
            end = line.textStart() + line.textLength()
            before = text[:end].rstrip("\u200b")[-1:]
            after = text[end:].lstrip("\u200b")[:1]
            if before.strip("\u00a0 ↵") and after.strip("\u00a0 ↵"):
                bad.append(f"{text[max(0, end - 6) : end]!r} / {text[end : end + 6]!r}")
        block = block.next()
    return bad


@pytest.mark.parametrize("size, text_size", CASES, ids=lambda v: str(v))
def test_memory_panel_whole_and_readable(qtbot, memory_at, size, text_size):
    window, panel = memory_at(size, text_size)
    assert (window.width(), window.height()) == size
    assert panel_defects("memory", panel, window) == []
    stack = panel.stack
    line = QFontMetrics(plot_font()).lineSpacing()
    heights = {key: plot.vb.height() for key, plot in stack.plots.items()}
    heights["trace"] = stack.trace_plot.vb.height()
    assert all(h >= 2 * line for h in heights.values()), (heights, line)
    assert outside_view(stack) == []
    readout = panel.readout
    assert "c = " in readout.text() and "h = " in readout.text()
    assert readout.height() >= readout.heightForWidth(readout.width()) - 1
    assert breaks_inside_words(panel.text) == []


def test_memory_panel_whole_in_a_projector_dock(qtbot, tmp_path):
    """Docked at 1280x720, text 1.5: whole, no dock scroll, every row readable."""
    window, panel = docked_panel(qtbot, tmp_path, "char_lstm", "memory")
    qtbot.waitUntil(lambda: bool(panel.text_html))
    assert panel_defects("memory", panel, window) == []
    assert not dock_scroll_area(panel).verticalScrollBar().isVisible()
    assert plots_outside_dock(panel.stack, window) == []
    assert rows_unreadable(panel.stack) == []
    readout = panel.readout
    assert "c = " in readout.text() and "h = " in readout.text()
    assert readout.height() >= readout.heightForWidth(readout.width()) - 1
    assert breaks_inside_words(panel.text) == []
