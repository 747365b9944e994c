"""The Encoder-decoder panel in the real window: the encoder over the source, the decoder fed
<bos> and the target and ending at the <eos> step, its outputs coloured against the target,
and attention links whose arches stay apart (nested links of reversal are told apart)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from tests.ui.test_seq2seq_panels import TIMEOUT, trained_panel


def texts_by_row(panel) -> list[list[tuple[float, str, str]]]:
    """The plot's text items grouped by their y, lowest row first: [(x, token, colour)]
    sorted by x; the token is a label's tooltip (its whole token, drawn short where its
    column is narrow), else its text."""
    rows: dict[float, list] = {}
    for item in panel.plot.getPlotItem().items:
        if isinstance(item, pg.TextItem):
            pos = item.pos()
            colour = item.textItem.defaultTextColor().name()
            token = item.toolTip() or item.toPlainText()
            rows.setdefault(round(pos.y(), 2), []).append((pos.x(), token, colour))
    return [sorted(rows[y]) for y in sorted(rows)]


def lowest_output(panel) -> float:
    """The y (view units) of the output labels' lowest edge: the row above the arches."""
    vb = panel.plot.getPlotItem().getViewBox()
    ys = sorted({round(item.pos().y(), 2) for item in panel.token_items})
    return min(
        vb.mapSceneToView(item.sceneBoundingRect().bottomLeft()).y()
        for item in panel.token_items
        if round(item.pos().y(), 2) == ys[-1]
    )


def arches(panel) -> list[tuple[float, float]]:
    """(span in x, top in y) of every link drawn as an arch (24 points)."""
    found = []
    for item in panel.plot.getPlotItem().listDataItems():
        x, y = item.getData()
        if x is not None and len(x) == 24:
            found.append((abs(float(x[-1] - x[0])), float(y.max())))
    return found


def test_the_graph_draws_both_halves_with_bos_and_eos_and_apart_arches(qtbot, make_window):
    window, panel, sample = trained_panel(
        qtbot, make_window, "reverse_attention", "seq2seq_graph", 6
    )
    qtbot.waitUntil(
        lambda: panel.record is not None and panel.record.sample is sample, timeout=TIMEOUT
    )
    inputs_row, outputs, titles = texts_by_row(panel)  # the rows from the bottom up
    T_in, T_out = len(sample.input_tokens), len(sample.target_tokens)
    assert sample.target_tokens[-1] == "<eos>"
    inputs = [text for _, text, _ in inputs_row]  # encoder inputs, then the decoder's fed tokens
    assert inputs == [*sample.input_tokens, "<bos>", *sample.target_tokens[:-1]]
    # one output per target token, the last at the <eos> step
    assert len(outputs) == T_out
    labels = window.trainer.task.output_labels
    best = np.argmax(sample.y_hat[:T_out], -1)
    for (_, text, colour), k, target in zip(outputs, best, sample.target_tokens, strict=True):
        assert text == labels[int(k)]
        assert colour == ("#43a047" if labels[int(k)] == target else "#e53935")
    assert [text for _, text, _ in titles] == ["encoder", "decoder"]
    drawn = arches(panel)
    links = panel.export_tables()["links"].rows
    assert len(drawn) == len(links) >= T_out
    # a wider link arches higher, so links of one centre (i + j constant) do not meet
    by_span = sorted(drawn)
    for (span_a, top_a), (span_b, top_b) in zip(by_span, by_span[1:], strict=False):
        assert top_a <= top_b
        if span_b > span_a:
            assert top_b > top_a
    assert max(top for _, top in drawn) < lowest_output(panel)  # below the output row
    assert T_in == len(sample.x)


def test_an_encoder_decoder_has_no_unrolled_graph_tab(make_window):
    """Its unrolled graph is this panel's: the Unrolled graph tab only said so, and pushed
    the model group's other tabs behind scroll arrows at 1280x720 (issue 16)."""
    window = make_window("date_attention")
    assert window.docks["unrolled"].isHidden()
    assert not window.docks["seq2seq_graph"].isHidden()
    window = make_window("lecture_lstm")  # and it is back for a plain recurrent network
    assert not window.docks["unrolled"].isHidden()
