"""Issue 16, defect 8 and the screenshot pass: the unrolled graph's edges in the real window.

Padded steps' edges are drawn faint like their nodes (the backward chain's ran bright through
the padding of slot_filling_bilstm); edge widths follow the gradient over the span the drawn
gradients cover, stay below a cap set by the column spacing (a fixed 6-decade scale and 6 px
pens merged the edges of sine_gru and jordan_sine into solid bars, hiding Jordan's y -> h
edges); the header names "nodes:" once. References are computed here from the record.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.ui.panels import unrolled_colours as colours
from rnnviz.ui.panels.unrolled_style import DIM_EDGE


def shown_unrolled(qtbot, make_window, preset: str, size=(1600, 1000)):
    window = make_window(preset)
    window.resize(*size)
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=30000)
    window.show_panel("unrolled")
    panel = window.panels["unrolled"]
    qtbot.waitUntil(lambda: panel.record is not None)
    return window, panel, window.trainer.history.record_at(1)


def test_padded_steps_edges_are_faint_like_their_nodes(qtbot, make_window):
    window, panel, record = shown_unrolled(qtbot, make_window, "slot_filling_bilstm")
    mask = np.asarray(record.sample.mask)
    real = int(np.flatnonzero(mask.reshape(len(mask), -1).any(axis=1))[-1]) + 1
    assert real < len(mask), "the shown sentence has padding"
    nodes, pens = panel.graph.nodes, panel.edges_item.pen
    rgba = np.stack([pens["red"], pens["green"], pens["blue"], pens["alpha"]], axis=1)
    touches = np.array([max(nodes[a].t, nodes[b].t) >= real for a, b in panel.edges_item.adjacency])
    assert touches.any() and (~touches).any()
    # every edge into or out of a padded step: the dim colour and the thinnest pen
    assert (rgba[touches] == DIM_EDGE).all()
    assert pens["width"][touches] == pytest.approx(colours.EDGE_MIN_WIDTH)
    # the backward chain's recurrent edges among the real words are lit
    bwd = [
        i
        for i, (a, b) in enumerate(panel.edges_item.adjacency)
        if nodes[a].chain == nodes[b].chain == "L0.bwd"
        and nodes[a].t != nodes[b].t
        and not touches[i]
    ]
    assert bwd and (rgba[bwd, 3] > DIM_EDGE[3]).all()
    assert "faint: padding" in panel.legend.text()


def test_jordan_edges_do_not_saturate_and_show_the_feedback(qtbot, make_window):
    window, panel, record = shown_unrolled(qtbot, make_window, "jordan_sine")
    nodes, pens = panel.graph.nodes, panel.edges_item.pen
    widths = np.asarray(pens["width"], dtype=float)
    # the cap: an eighth of a column at most, so neighbouring edges never touch
    column_px = 1.0 / panel.vb.viewPixelSize()[0]
    assert widths.max() <= min(colours.EDGE_MAX_WIDTH, max(1.5, 0.125 * column_px)) + 1e-9
    # the y_{t-1} -> h_t feedback edges are drawn, one per shown step after the first
    feedback = [
        i
        for i, (a, b) in enumerate(panel.edges_item.adjacency)
        if nodes[a].kind == "y" and nodes[b].kind == "h"
    ]
    shown_t = sorted({n.t for n in nodes})
    assert len(feedback) == len([t for t in shown_t if t - 1 in shown_t])
    assert (pens["alpha"][feedback] > DIM_EDGE[3]).all()
    # their widths follow dL/dh_t: the reference scale from the record's own gradients
    dh = np.asarray(record.dh_norm["L0.fwd"], dtype=float)
    carried = np.array(
        [dh[nodes[b].t] for a, b in panel.edges_item.adjacency if nodes[b].kind == "h"]
    )
    g_max = carried.max()
    decades = np.clip(np.log10(g_max / np.percentile(carried, 5)), 1.0, 6.0)
    cap = widths.max()
    for i in feedback:
        g = dh[nodes[panel.edges_item.adjacency[i][1]].t]
        strength = np.clip(1 + np.log10(g / g_max) / decades, 0, 1)
        expected = colours.EDGE_MIN_WIDTH + (cap - colours.EDGE_MIN_WIDTH) * strength
        assert widths[i] == pytest.approx(expected)
    # different gradients, different widths: not one solid bar of equal pens
    fb = widths[feedback]
    assert fb.max() - fb.min() > 0.3 * (cap - colours.EDGE_MIN_WIDTH)
    assert np.mean(fb >= cap - 1e-6) < 0.5


def test_the_header_names_nodes_once(qtbot, make_window):
    window, panel, _ = shown_unrolled(qtbot, make_window, "lecture_lstm")
    text = panel.summary.text()
    assert "nodes:" not in text and text.startswith(f"t = {window.cursor.t + 1}")
    assert f"unit {window.cursor.unit}" in text
    panel.mode_box.setCurrentIndex(panel.mode_box.findData("norm"))
    assert "unit" not in panel.summary.text()


def test_the_legend_is_whole_at_1280x720_text_1_5(qtbot, tmp_path):
    """The full legend ran below the fold there: a short panel shows its one-line form."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from rnnviz.ui import style
    from rnnviz.ui.screenshot_size import fit_screenshot_window
    from rnnviz.ui.window import MainWindow
    from tests.ui.layout_check import visible_rect

    settings = QSettings(str(tmp_path / "legend.ini"), QSettings.Format.IniFormat)
    settings.setValue("view/text_scale", 1.5)
    try:
        window = MainWindow("lecture_lstm", settings=settings)
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        qtbot.waitExposed(window)
        # the window the screenshot shows (the sidebar hidden: the panels need ~1316 px)
        fit_screenshot_window(window, (1280, 720))
        assert (window.width(), window.height()) == (1280, 720)
        window.step_once()
        qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=30000)
        window.show_panel("unrolled")
        QApplication.processEvents()
        legend = window.panels["unrolled"].legend
        assert legend.isVisible() and legend.text()
        shown = visible_rect(legend, window)
        assert shown.size() == legend.rect().size(), (shown, legend.rect())
        assert "gone at" in legend.toolTip()  # the full text stays a hover away
    finally:
        style.set_scale(QApplication.instance(), 1.0)
