"""Issue 16 (seen at 1920x1080 x 1.5): the unrolled graph's input words ran into each other
("arriveTaipeiNovember2nd"). Each word is elided to its column; the drawn labels' scene
rectangles (pyqtgraph's own) must not overlap, and the whole word stays in the tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style


def test_input_words_never_overlap(qtbot, make_window):
    window = make_window("slot_filling_bilstm")
    try:
        window.set_text_size(1.5)
        window.step_once()
        qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=30_000)
        window.show_panel("unrolled")
        QApplication.processEvents()
        panel = window.panels["unrolled"]
        words = list(window.trainer.history.record_at(1).sample.input_tokens)
        items = panel._token_items
        assert items and [item.toolTip() for item in items][:5] == words[:5]
        rects = []
        for item in items:  # the text's extent: the label's rectangle less its margins
            if item.textItem.toPlainText():
                m = item.textItem.document().documentMargin()
                rects.append(item.sceneBoundingRect().adjusted(m, 0, -m, 0))
        # whole words or four letters and "…" (test_unrolled_bilstm_fits.py): at 1200x800
        # the view shows a window of two or three of them, not a letter of each
        assert len(rects) >= 2
        for left, right in zip(rects, rects[1:], strict=False):
            assert left.right() <= right.left(), (left, right)
    finally:
        style.set_scale(QApplication.instance(), 1.0)


def test_vector_inputs_drop_their_spaces_and_brackets_before_they_elide(qtbot, make_window):
    """The lecture's inputs "(1, 0, 0)" read "(…" under their columns at 1600x1000."""
    from PySide6.QtGui import QFont, QFontMetrics

    from rnnviz.ui.panels.unrolled_style import fit_token

    font = QFont()
    width = QFontMetrics(font).horizontalAdvance
    assert fit_token("(3, -1, 0)", font, width("(3, -1, 0)")) == "(3, -1, 0)"
    assert fit_token("(3, -1, 0)", font, width("(3,-1,0)")) == "(3,-1,0)"
    assert fit_token("(3, -1, 0)", font, width("3,-1,0")) == "3,-1,0"
    assert fit_token("(3, -1, 0)", font, width("3,-1,0") - 1) == "3\n-1\n0"
    # a row is written one way: "3,-1,0" too wide on one line stacks its neighbours too
    from rnnviz.ui.panels.unrolled_style import row_level

    row, narrow = ["(1, 0, 0)", "(3, -1, 0)"], width("1,0,0")
    three_lines = 3 * QFontMetrics(font).lineSpacing()
    level = row_level(row, font, narrow, three_lines)
    assert [fit_token(t, font, narrow, three_lines, level) for t in row] == ["1\n0\n0", "3\n-1\n0"]
    assert row_level(row, font, width("3,-1,0"), three_lines) == 2  # "1,0,0", "3,-1,0"
    window = make_window("lecture_lstm")
    window.resize(1600, 1000)
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=30_000)
    window.show_panel("unrolled")
    QApplication.processEvents()
    labels = [item.textItem.toPlainText() for item in window.panels["unrolled"]._token_items]
    tokens = window.trainer.history.record_at(1).sample.input_tokens

    def plain(text: str) -> str:
        return text.replace(" ", "").replace("\n", ",").strip("()")

    assert [plain(label) for label in labels] == [plain(token) for token in tokens]


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_vector_inputs_whole_in_the_room_of_their_line(qtbot, make_window, scale):
    """At 1280x720 and text size 1.5 the lecture's inputs had one line of room, were stacked
    one number per line, and only the first number of each was on screen. In the real window
    at three sizes: every input's numbers are drawn in full, each label's text lies inside
    the view (its last line included), no two overlap, all are written the same way (on one
    line or one number a line), and the font is at least that of text size 1.0."""
    from tests.ui.test_unrolled_bilstm_fits import SIZES, set_text_size_by_menu

    window = make_window("lecture_lstm")
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=30_000)
    set_text_size_by_menu(window, scale)
    panel = window.panels["unrolled"]
    tokens = window.trainer.history.record_at(1).sample.input_tokens
    for size in SIZES:
        window.resize(*size)
        window.show_panel("unrolled")
        qtbot.waitUntil(lambda: panel.record is not None and panel.isVisible())
        QApplication.processEvents()
        view = panel.vb.sceneBoundingRect()
        rects = []
        for item, token in zip(panel._token_items, tokens, strict=True):
            document = item.textItem.document()
            numbers = item.textItem.toPlainText().replace("\n", ",").replace(" ", "")
            assert numbers.strip("()") == token.replace(" ", "").strip("()"), (size, token)
            assert item.textItem.font().pointSize() >= style.normal_plot_pt(), size
            m = document.documentMargin()
            label = item.textItem
            text = label.mapRectToScene(label.boundingRect()).adjusted(m, m, -m, -m)
            assert view.contains(text), (size, scale, token, text, view)
            rects.append(text)
        for left, right in zip(rects, rects[1:], strict=False):
            assert left.right() <= right.left(), (size, scale, left, right)
        # one way of writing them for the row: all on one line, or all one number a line
        lines = {item.textItem.toPlainText().count("\n") for item in panel._token_items}
        assert len(lines) == 1, (size, scale, lines)
