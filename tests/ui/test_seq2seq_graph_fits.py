"""Issue 16: the Encoder-decoder panel at projector sizes. Its decoder's outputs ran together
at the right end ("1<eos>" with a second "<eos>" drawn on it, the last one cut by the view's
edge), "<bos>" crowded the "1" after it, the stems to the input labels grew long in a tall
view, and the decode field's placeholder was cut to "a source of…".

In the real window at 1280x720, 1600x1000 and 1920x1080, text size 1.0 and 1.5 (the View
menu's action), docked and in presentation mode, checked from the scene: every input and
output label lies inside the view, clear of its neighbours in its row and of the nodes; it
shows its whole token (blanks as "␣") or, for a special token, one mark, with the whole token
in its tooltip; the input labels sit within two lines of the nodes; the placeholder is whole.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style
from tests.ui.test_seq2seq_panels import TIMEOUT, train
from tests.ui.test_unrolled_bilstm_fits import SIZES, set_text_size_by_menu

SPECIALS = ("<bos>", "<eos>")
TITLES = ("encoder", "decoder")


def node_band(panel) -> tuple[float, float, float]:
    """The node row in scene pixels: (top, bottom, the nodes' diameter)."""
    vb = panel.plot.getPlotItem().getViewBox()
    spots = [
        spot
        for item in panel.plot.getPlotItem().items
        if isinstance(item, pg.ScatterPlotItem)
        for spot in item.points()
    ]
    ys = [vb.mapViewToScene(spot.pos()).y() for spot in spots]
    size = max(spot.size() for spot in spots)
    return min(ys) - size / 2, max(ys) + size / 2, size


def label_rows(panel):
    """The token labels (not the titles) split by the node row: (above, below), by x."""
    top, bottom, _ = node_band(panel)
    above, below = [], []
    for item in panel.plot.getPlotItem().items:
        if isinstance(item, pg.TextItem) and item.toPlainText() not in TITLES:
            rect = item.sceneBoundingRect()
            (above if rect.center().y() < top else below).append(item)
    return sorted(above, key=lambda i: i.pos().x()), sorted(below, key=lambda i: i.pos().x())


def shows(text: str, token: str) -> bool:
    """``text`` is ``token`` whole (a blank as "␣"), or one mark for a special token."""
    whole = token.replace(" ", "\u2423")
    return text == whole or (token in SPECIALS and len(text) == 1)


def check_row(panel, items, tokens: list[str], where: str) -> None:
    view = panel.plot.getPlotItem().getViewBox().sceneBoundingRect()
    assert len(items) == len(tokens), where
    rects = [item.sceneBoundingRect() for item in items]
    for item, rect, token in zip(items, rects, tokens, strict=True):
        assert view.contains(rect), f"{where}: {item.toPlainText()!r} {rect} outside {view}"
        assert shows(item.toPlainText(), token), f"{where}: {item.toPlainText()!r} for {token!r}"
        assert item.toolTip() == token, where
    for left, right in zip(range(len(items)), range(1, len(items)), strict=False):
        a, b = items[left].toPlainText(), items[right].toPlainText()
        assert not rects[left].intersects(rects[right]), (
            f"{where}: {a!r} on {b!r} {rects[left]} {rects[right]}"
        )


def check_graph(panel, sample, labels, where: str) -> None:
    QApplication.processEvents()
    T_out = len(sample.target_tokens)
    best = np.argmax(sample.y_hat[:T_out], -1)
    outputs = [labels[int(k)] for k in best]
    inputs = [*sample.input_tokens, "<bos>", *sample.target_tokens[:-1]]
    above, below = label_rows(panel)
    check_row(panel, above, outputs, f"{where}, outputs")
    check_row(panel, below, inputs, f"{where}, inputs")
    top, bottom, _ = node_band(panel)
    assert max(item.sceneBoundingRect().bottom() for item in above) < top, where
    highest_input = min(item.sceneBoundingRect().top() for item in below)
    assert highest_input > bottom, where
    # the inputs hang just under their nodes, however tall the view: not a long stem's way off
    line = QFontMetricsF(style.plot_font()).height()
    assert highest_input - bottom <= 2 * line, f"{where}: inputs {highest_input - bottom} px off"
    # the decode field's placeholder whole
    source = panel.source
    room = source.width() - 16  # the frame and the text margins
    need = QFontMetricsF(source.font()).horizontalAdvance(source.placeholderText())
    assert need <= room, f"{where}: placeholder needs {need} px of {room}"


@pytest.mark.parametrize(
    ("preset", "scale"),
    [("date_attention", 1.0), ("date_attention", 1.5), ("parse_seq2seq", 1.5)],
)
def test_encoder_decoder_labels_fit_at_projector_sizes(qtbot, make_window, preset, scale):
    window = make_window(preset)
    train(qtbot, window, 4)
    set_text_size_by_menu(window, scale)
    panel = window.panels["seq2seq_graph"]
    history = window.trainer.history
    sample = history.record_at(history.kept_steps[-1]).sample
    labels = window.trainer.task.output_labels
    for size in SIZES:
        window.resize(*size)
        window.show_panel("seq2seq_graph")
        qtbot.waitUntil(lambda: panel.record is not None and panel.isVisible(), timeout=TIMEOUT)
        assert panel.record.sample is sample
        check_graph(panel, sample, labels, f"docked {size} x {scale}")
    window.presentation.enter("seq2seq_graph")
    for size in (SIZES[0], SIZES[-1]):
        window.resize(*size)
        qtbot.waitUntil(lambda: panel.isVisible())
        check_graph(panel, sample, labels, f"presenting {size} x {scale}")
    window.presentation.leave()


def test_unrolled_controls_hide_for_an_encoder_decoder(make_window):
    """Its Unrolled graph page (from the View menu) only points to this panel: the nodes
    combo, "all steps" and "Animate step" would act on nothing there."""
    window = make_window("date_attention")
    panel = window.panels["unrolled"]
    controls = (panel.mode_box, panel.all_steps, panel.animate_button)
    assert all(control.isHidden() for control in controls)
    window.load_preset("lecture_lstm")  # back for a plain recurrent network
    assert not any(control.isHidden() for control in controls)
    window.load_preset("parse_seq2seq")
    assert all(control.isHidden() for control in controls)
