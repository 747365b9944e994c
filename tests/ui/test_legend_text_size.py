"""Issue 16: "a text-size change mid-session only half applies (legends ...)": the legends
inside the plots kept their names at text size 1.0 ("loss (each step)" at 12 pt beside
18-pt axes). Every legend of the window now follows window.set_text_size, and a plot's
legend is placed again at its new size where it covers the fewest points (or is hidden)."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style
from rnnviz.ui.legend_place import legend_hidden, place_counts
from tests.ui.layout_check import shown_window

PANELS = ("loss", "predictions", "gradients_time", "gradient_norm", "recurrent_matrix")
STEPS = 12


def legends(window) -> list[tuple[pg.LegendItem, pg.PlotItem | None]]:
    """Every legend with entries in the window's plots, with its plot when it sits inside one."""
    found = []
    for view in window.findChildren(pg.GraphicsView):
        items = view.scene().items()
        plots = {id(i.legend): i for i in items if isinstance(i, pg.PlotItem) and i.legend}
        found += [(i, plots.get(id(i))) for i in items if isinstance(i, pg.LegendItem) and i.items]
    return found


@pytest.mark.parametrize("preset", ["lecture_lstm", "adding_rnn"])
def test_legends_follow_a_text_size_change(qtbot, tmp_path, preset):
    window = shown_window(qtbot, tmp_path / "legend.ini", preset, (1920, 1080), 1.0)
    try:
        for key in PANELS:
            if key in window.docks:
                window.show_panel(key)
        window.run_steps(STEPS)
        qtbot.waitUntil(lambda: not window.running and window.shown_step == STEPS, timeout=60_000)
        before = legends(window)
        assert len(before) >= 3  # loss, metric or predictions, gradients
        window.set_text_size(1.5)
        qtbot.waitUntil(lambda: window.shown_step == STEPS, timeout=60_000)
        for _ in range(3):
            QApplication.processEvents()
        size = f"{style.PLOT_FONT_PT}pt"
        assert size == "18pt"
        after = legends(window)
        assert len(after) >= len(before)
        for legend, plot in after:
            for _sample, label in legend.items:
                # drawn as a label made at 18 pt draws the same name
                reference = pg.LabelItem(label.text, size=size, justify="left")
                assert label.opts["size"] == size, label.text
                assert label.item.boundingRect() == reference.item.boundingRect(), label.text
                assert legend.boundingRect().height() >= label.item.boundingRect().height()
            if plot is None or legend.parentItem() is not plot.getViewBox():
                continue
            if legend_hidden(plot) or not legend.isVisible():
                continue
            # placed for its new size: where it covers the fewest points and lines
            counts = place_counts(plot)
            assert counts[legend._rnnviz_corner] == min(counts.values()), counts
    finally:
        style.set_scale(QApplication.instance(), 1.0)
