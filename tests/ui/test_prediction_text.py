"""The Predictions panel's text on the character language model (predictions_text.py): the
input over the predicted next characters, each green where it is the next input character
and red where not, in rows that fit the panel; and text the network generates itself."""

from __future__ import annotations

import html
import re

TIMEOUT = 60_000


def test_char_lm_predictions_are_coloured_text_and_generated_text(qtbot, make_window):
    window = make_window("char_lstm")
    window.show_panel("predictions")
    window.run_steps(3)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 3, timeout=TIMEOUT)
    panel = window.panels["predictions"]
    sample = panel.sample
    assert not panel.table.isVisible() and panel.text.isVisible()
    text = panel.text.text()
    assert text.startswith("<b>input / predicted next character</b>")
    spans = re.findall(r'<span style="color:(#[0-9a-f]{6})">(.*?)</span>', text)
    assert len(spans) == len(sample.predicted_tokens) == len(sample.input_tokens)
    for (colour, shown), predicted, target in zip(
        spans, sample.predicted_tokens, sample.target_tokens, strict=True
    ):
        assert html.unescape(shown) == (predicted or " ")
        assert colour == ("#66bb6a" if predicted == target else "#ef5350")
    # the character language model's targets are its inputs one step on
    assert list(sample.target_tokens[:-1]) == list(sample.input_tokens[1:])
    # rows as wide as the panel holds: no row of characters longer than that
    per_row = panel._characters_per_row()
    rows = re.findall(r'<span style="white-space:pre">(.*?)<br>', text)
    assert rows and all(len(html.unescape(row)) <= per_row for row in rows)

    qtbot.waitUntil(
        lambda: "Generated (temperature 0.8)" in panel.generated.text(), timeout=TIMEOUT
    )
    assert panel.generated.isVisible()


def test_a_single_target_is_not_shown_as_next_characters(qtbot, make_window):
    """The one-neuron linear RNN (100 steps, one target at the last) was drawn as "input /
    predicted next character": 100 inputs over an empty row and its one number. Its
    summary says what the task is (the target at t = 100 and the output), the plot shows
    them."""
    window = make_window("exploding_linear_clipped")
    window.show_panel("predictions")
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=TIMEOUT)
    panel = window.panels["predictions"]
    sample = panel.sample
    targets = [t for t in sample.target_tokens if t]
    assert len(sample.input_tokens) == 100 and len(targets) == 1  # the task as the preset says
    assert "next character" not in panel.text.text()
    assert "t = 100" in panel.text.text() and panel.plot.isVisible()
