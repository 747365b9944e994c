"""Issue 16: the cell drawing readable at projector sizes, in the real window.

Scaled down as a whole to fit its dock, the drawing's captions were 7-9 px high at 1280x720
(GRU, SCRN, LSTM presets). For every cell kind the drawing supports (LSTM, peephole LSTM,
GRU, SCRN, Clockwork RNN) at 1280x720, 1600x1000 and 1920x1080, text size 1.0 and 1.5,
docked and in presentation mode, every caption and number is drawn at least as high as a
line of the plot font, whole inside the view, off the other texts and inside its box
(cell_text_check.py), and the panel's widgets are whole (layout_check.py).

One exception: docked at 1280x720 x 1.5 the dock (~350 px high) is too short for the
smallest drawing with the plot font's text (the lecture's: 443 x 313) under the header, and
the panel scrolled. There the drawing's text may be smaller than the plot font, down to the
plot font at text size 1.0 (as readable as at the default text size), and the floor checked
in that case is a line of that font (``SHRINKS``); the panel must not scroll
(test_cell_fits_short_dock.py)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style
from tests.ui.cell_text_check import text_defects
from tests.ui.layout_check import panel_defects, settle, shown_window

PRESETS = ("lecture_lstm", "copy_peephole_lstm", "sine_gru", "scrn_memory", "clockwork_sines")
SIZES = ((1280, 720), (1600, 1000), (1920, 1080))
CASES = [(size, text, False) for size in SIZES for text in (1.0, 1.5)]
CASES += [((1280, 720), 1.0, True), ((1920, 1080), 1.0, True)]
#: the drawing's text shrinks towards the plot font at text size 1.0 (see the docstring)
SHRINKS = ((1280, 720), 1.5, False)
NAMES = [f"{w}x{h}-{text}-{'presented' if shown else 'docked'}" for (w, h), text, shown in CASES]


def least_font(size, text_size: float, presented: bool) -> QFont | None:
    """The font whose line is the least height of a text (None: the plot font's)."""
    if (size, text_size, presented) != SHRINKS:
        return None
    font = QFont()
    font.setPointSize(style.normal_plot_pt())  # the plot font at text size 1.0
    return font


def drawn(qtbot, window, preset: str, presented: bool):
    if preset != PRESETS[0]:
        window.load_preset(preset)
    if presented:
        window.presentation.enter("cell_diagram")
    else:
        window.show_panel("cell_diagram")
    panel = window.panels["cell_diagram"]
    qtbot.waitUntil(lambda: bool(panel.values), timeout=60_000)  # step 0's numbers
    settle(panel)
    QApplication.processEvents()
    return panel


@pytest.mark.parametrize(("size", "text_size", "presented"), CASES, ids=NAMES)
def test_every_text_of_the_cell_drawing_is_readable(qtbot, tmp_path, size, text_size, presented):
    window = shown_window(qtbot, tmp_path / "cell.ini", PRESETS[0], size, text_size)
    found = {}
    for preset in PRESETS:
        panel = drawn(qtbot, window, preset, presented)
        assert panel.view.isVisible() and style.SCALE >= text_size
        defects = text_defects(panel.view, least_font(size, text_size, presented))
        defects += map(str, panel_defects("cell_diagram", panel, window))
        if defects:
            found[preset] = defects
        if presented:
            window.presentation.leave()
    report = "\n".join(f"{name}: {d}" for name, defects in found.items() for d in defects)
    assert not found, report
