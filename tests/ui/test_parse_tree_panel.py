"""The parse-tree panel in the real window: parse_seq2seq opens and trains, the panel draws
the shown sample's target tree and its greedy decoding (a tree, or marked where it breaks),
follows the output-step cursor, and says what it is for on other tasks."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from rnnviz.engine.parse_tree import layout, parse_brackets, problem
from tests.ui.test_export import check_png, trained_window

TIMEOUT = 30_000


def test_parse_seq2seq_draws_the_decoded_and_the_target_tree(qtbot, make_window, tmp_path):
    window = trained_window(qtbot, make_window, "parse_seq2seq", steps=3)
    window.show_panel("parse_tree")
    QApplication.processEvents()
    panel = window.panels["parse_tree"]
    qtbot.waitUntil(lambda: bool(panel.target), timeout=TIMEOUT)
    sample = window.trainer.history.record_at(panel.step_tag.step).sample
    target = [t for t in sample.target_tokens if t and t != "<eos>"]
    assert panel.target == target
    decoded = list(sample.predicted_tokens)
    decoded = decoded[:-1] if decoded[-1:] == ["<eos>"] else decoded
    assert panel.decoded == decoded
    texts = [item.toPlainText() for item in panel.target_plot.items if hasattr(item, "toPlainText")]
    labels = [n.label for n in layout(parse_brackets(target))]
    assert sorted(labels + list(sample.input_tokens)) == sorted(texts)
    if problem(decoded) is None and sample.predicted_tokens[-1] == "<eos>":
        assert panel.nodes and "not well formed" not in panel.summary.text()
    else:  # an untrained decoder: marked, and why
        assert "not well formed" in panel.summary.text() and not panel.nodes
    window.cursor.set_t(1)
    assert "text-decoration:underline" in panel.tokens_label.text()
    check_png(panel, tmp_path, "parse_tree")
    assert set(panel.export_tables()) == {"sequences"}


def test_a_well_formed_decoding_is_drawn_as_a_tree(qtbot, make_window):
    """The panel's drawing of a given record whose decoding is a tree (not the target)."""
    from dataclasses import replace

    window = trained_window(qtbot, make_window, "parse_seq2seq", steps=1)
    panel = window.panels["parse_tree"]
    record = window.trainer.history.record_at(1)
    tree = "(S (NP Det N )NP (VP V )VP )S".split()
    sample = replace(record.sample, predicted_tokens=[*tree, "<eos>"])
    panel.show_record(replace(record, sample=sample), window.trainer.history)
    assert [n.label for n in panel.nodes] == ["S", "NP", "Det", "N", "VP", "V"]
    assert "a tree, not the target" in panel.summary.text()
    window.cursor.set_t(6)  # the token V (after "(VP"): its node is ringed
    x, y = panel.ring.getData()
    v = panel.nodes[5]
    assert (x[0], y[0]) == (v.x, -v.depth)


def test_other_tasks_get_a_note_instead_of_a_tree(qtbot, make_window):
    window = make_window("reverse_attention")
    window.show_panel("parse_tree")
    panel = window.panels["parse_tree"]
    assert panel.note.isVisible() and not panel.graphics.isVisible()
    assert "parse_seq2seq" in panel.note.text()
