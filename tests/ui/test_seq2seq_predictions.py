"""The Predictions panel of an encoder-decoder in the real window: the greedy decoding (its own
length, up to its <eos>) under the target with its <eos>, token by token, green where they
agree and red where not; it follows the training-step cursor."""

from __future__ import annotations

import pytest

from tests.ui.test_seq2seq_panels import TIMEOUT, trained_panel


def table_row(panel, row: int) -> list[str]:
    table = panel.table
    return [table.item(row, t).text() for t in range(table.columnCount())]


def check_table(panel, sample) -> None:
    """Row 1 the target, row 2 the decoding, padded with '' to the longer of the two; a
    cell coloured only where both have a token, by whether they are equal."""
    T = panel.table.columnCount()
    assert T == max(
        len(sample.input_tokens), len(sample.target_tokens), len(sample.predicted_tokens)
    )
    pad = [""] * T
    assert table_row(panel, 0) == (list(sample.input_tokens) + pad)[:T]
    assert table_row(panel, 1) == (list(sample.target_tokens) + pad)[:T]
    assert table_row(panel, 2) == (list(sample.predicted_tokens) + pad)[:T]
    exported = panel.export_tables()["tokens"].rows  # the CSV keeps every decoded token
    assert [row[3] for row in exported] == (list(sample.predicted_tokens) + pad)[:T]
    for t in range(T):
        target = (list(sample.target_tokens) + pad)[t]
        decoded = (list(sample.predicted_tokens) + pad)[t]
        brush = panel.table.item(2, t).background()
        if target and decoded:
            expected = "#2e7d32" if target == decoded else "#b71c1c"
            assert brush.color().name() == expected, (t, target, decoded)
        else:
            assert brush.style().name == "NoBrush", (t, target, decoded)


@pytest.mark.parametrize("preset", ["date_attention", "seq2seq_autoencoder"])
def test_predictions_show_the_greedy_decoding_against_the_target(qtbot, make_window, preset):
    window, panel, last = trained_panel(qtbot, make_window, preset, "predictions", 25)
    history = window.trainer.history
    assert last.target_tokens[-1] == "<eos>"
    assert 1 <= len(last.predicted_tokens) <= window.trainer.task.max_output_len
    qtbot.waitUntil(lambda: panel.sample is last, timeout=TIMEOUT)
    check_table(panel, last)
    first_step = history.kept_steps[0]
    window.cursor.set_step(first_step)  # an earlier step's decoding
    qtbot.waitUntil(lambda: panel.sample is not last, timeout=TIMEOUT)
    check_table(panel, history.record_at(first_step).sample)
