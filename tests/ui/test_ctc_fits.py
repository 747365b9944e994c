"""Issue 16: the CTC lattice panel (ctc_speech, ctc_repeats) whole and readable in the real
window at projector sizes.

Checked after a few training steps (so the lattice of a real sample is drawn): no essential
widget clipped or cut (layout_check.py) and no scroll bar on the panel's dock (the frames'
argmax line was one unbreakable word, wider than a 1280x720 dock at text 1.5); both plots and
both colour bars inside the view; each colour bar's title clear of every tick label and the
two bars' tick labels clear of each other (the lattice bar's "0" ran into the outputs bar's
"1.0"); every row of both heatmaps named by a tick label, the labels clear of each other, in
a font no smaller than the panel's row font (the state axis dropped every blank φ, the output
axis every other class: no label for c and e). At 1280x720 with text 1.5 the layout tests
present the panel alone (trained_panel_at), and the docked panel is checked there too: it
scrolled down in its ~400 x 360 px dock until issue 16's second pass.
"""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QScrollArea

from rnnviz.ui.panels.heatmap_labels import plot_font
from tests.ui.layout_check import (
    panel_defects,
    settle,
    shown_window,
    trained_panel_at,
)

CASES = (
    ("ctc_speech", (1280, 720), 1.5),  # presented
    ("ctc_repeats", (1280, 720), 1.5),  # presented
    ("ctc_speech", (1600, 1000), 1.0),
    ("ctc_speech", (1600, 1000), 1.5),
    ("ctc_repeats", (1920, 1080), 1.0),
    ("ctc_speech", (1920, 1080), 1.5),
)


def ready(panel) -> bool:
    return panel.view is not None and bool(panel.collapse.text())


def tick_texts(axis) -> list[tuple[QRectF, str]]:
    """The tick labels ``axis`` draws, as scene rectangles (pyqtgraph's own layout of them)."""
    if not axis.isVisible() or not axis.style["showValues"]:
        return []
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    if specs is None:
        return []
    return [(axis.mapRectToScene(rect), text) for rect, _flags, text in specs[2] if text]


def overlaps(rects: list[QRectF]) -> list[str]:
    return [
        f"{a} / {b}"
        for i, a in enumerate(rects)
        for b in rects[i + 1 :]
        if a.intersected(b).width() > 1 and a.intersected(b).height() > 1
    ]


def colour_bar_clashes(panel) -> list[str]:
    bars = (panel.lattice_bar, panel.outputs_bar)
    ticks = [rect for bar in bars for rect, _ in tick_texts(bar.axis)]
    clashes = overlaps(ticks)
    for bar in bars:
        title = bar.getAxis("left").label
        if title.isVisible():
            area = title.sceneBoundingRect()
            clashes += [f"title {area} / tick {t}" for t in ticks if area.intersects(t)]
    return clashes


def unlabelled_rows(plot, names: list[str]) -> list[str]:
    """The rows of a heatmap that no tick label names, and the labels that collide."""
    found, problems = {}, []
    for side in ("left", "right"):
        texts = tick_texts(plot.getAxis(side))
        problems += overlaps([rect for rect, _ in texts])
        for rect, text in texts:
            row = math.floor(plot.vb.mapSceneToView(rect.center()).y())
            found[row] = text
    problems += [f"row {i} {name!r}" for i, name in enumerate(names) if found.get(i) != name]
    return problems


def outside_view(view) -> list[str]:
    shown = view.mapToScene(view.viewport().rect()).boundingRect().adjusted(-1, -1, 1, 1)
    return [
        f"{type(item).__name__} {item.sceneBoundingRect()}"
        for item in view.ci.items
        if not shown.contains(item.sceneBoundingRect())
    ]


def scroll_bars(panel) -> list[str]:
    area = panel.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if area is None:
        return []
    bars = {"vertical": area.verticalScrollBar(), "horizontal": area.horizontalScrollBar()}
    return [name for name, bar in bars.items() if bar.isVisible()]


def check_readable(panel) -> None:
    assert outside_view(panel.graphics) == []
    assert colour_bar_clashes(panel) == []
    view = panel.view
    assert unlabelled_rows(panel.lattice_plot, view.state_names) == []
    assert unlabelled_rows(panel.outputs_plot, view.class_names) == []
    least = QFontMetrics(plot_font(-2)).height()
    for plot in (panel.lattice_plot, panel.outputs_plot):
        for side in ("left", "right"):
            assert QFontMetrics(plot.getAxis(side).style["tickFont"]).height() >= least


@pytest.mark.parametrize("preset, size, text_size", CASES, ids=lambda v: str(v))
def test_ctc_panel_whole_and_readable(qtbot, tmp_path, preset, size, text_size):
    window, panel = trained_panel_at(
        qtbot, tmp_path / "ctc.ini", preset, "ctc_lattice", size, text_size, 3, ready
    )
    assert (window.width(), window.height()) == size
    assert panel_defects("ctc_lattice", panel, window) == []
    assert scroll_bars(panel) == []
    check_readable(panel)


@pytest.mark.parametrize(
    "preset, size, text_size",
    (
        ("ctc_speech", (1280, 720), 1.5),
        ("ctc_repeats", (1280, 720), 1.5),
        ("ctc_speech", (1280, 720), 1.0),
    ),
    ids=lambda v: str(v),
)
def test_docked_at_1280x720_without_a_scroll_bar(qtbot, tmp_path, preset, size, text_size):
    """The panel in its dock (not presented) at the projector size: at text 1.5 a dock about
    400 x 360 px, which the frame line, both heatmaps with a label per row and the decodings
    needed ~520 px of (it scrolled down): the frame line is one line now, the decodings a
    short paragraph, the heatmaps only as tall as their rows' labels need. Nothing
    scrolls, nothing is clipped, and what it shows is readable: every row named, the colour
    bars clear."""
    window = shown_window(qtbot, tmp_path / "ctc.ini", preset, size, text_size)
    window.run_steps(3)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 3, timeout=60_000)
    window.show_panel("ctc_lattice")
    panel = window.panels["ctc_lattice"]
    qtbot.waitUntil(lambda: ready(panel), timeout=60_000)
    settle(panel)
    assert not window.presentation.active  # docked
    assert scroll_bars(panel) == []
    assert panel_defects("ctc_lattice", panel, window) == []
    check_readable(panel)
