"""The encoder-decoder's panels in the real window. Attention: token labels, rows that sum to
1, the greedy decoding's rows, the training-step cursor, models it does not apply to.
Sequence codes: the PCA of the encoder's last state, against numpy's SVD."""

from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import Qt

from rnnviz.engine.seq2seq_codes import sequence_codes

TIMEOUT = 60_000


def train(qtbot, window, steps: int) -> None:
    target = window.trainer.step_count + steps
    window.transport.set_speed(None)
    window.run_steps(steps)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == target, timeout=TIMEOUT)


def trained_panel(qtbot, make_window, preset: str, key: str, steps: int):
    """A window on ``preset`` with panel ``key`` raised, after ``steps`` training steps:
    (window, panel, the newest kept record's sample)."""
    window = make_window(preset)
    window.show_panel(key)
    panel = window.panels[key]
    train(qtbot, window, steps)
    assert window.last_error is None, window.last_error
    history = window.trainer.history
    return window, panel, history.record_at(history.kept_steps[-1]).sample


def shown_alpha(panel) -> np.ndarray:
    return np.asarray(panel.image.image)


def test_the_attention_panel_draws_the_shown_steps_weights_with_token_labels(qtbot, make_window):
    window, panel, sample = trained_panel(qtbot, make_window, "reverse_attention", "attention", 12)
    alpha = shown_alpha(panel)
    assert alpha.shape == sample.attention["teacher"].shape == (len(sample.y), len(sample.x))
    assert np.allclose(alpha.sum(1), 1.0, atol=1e-5)
    assert panel.plot.getAxis("bottom").labels == list(sample.input_tokens)
    rows = panel.plot.getAxis("left").labels
    assert rows == list(sample.target_tokens) and rows[-1] == "<eos>"
    assert not panel.note.isVisible() and panel.view.isVisible()
    table = panel.export_tables()["attention"]
    assert len(table.rows) == alpha.shape[0]
    window.show_panel("seq2seq_graph")  # every output's strongest link is drawn
    qtbot.waitUntil(lambda: window.panels["seq2seq_graph"].export_tables() != {}, timeout=TIMEOUT)
    links = window.panels["seq2seq_graph"].export_tables()["links"].rows
    for j, row in enumerate(alpha):
        assert ["attention", int(row.argmax()), j, float(row.max())] in links

    panel.mode_box.setCurrentIndex(panel.mode_box.findData("greedy"))
    decoded = sample.predicted_tokens
    assert shown_alpha(panel).shape == (len(decoded), len(sample.x))
    assert panel.plot.getAxis("left").labels == decoded


def test_the_attention_panel_follows_the_training_step_cursor(qtbot, make_window):
    window = make_window("reverse_attention")
    window.show_panel("attention")  # hidden panels are not drawn
    panel = window.panels["attention"]
    train(qtbot, window, 30)
    history = window.trainer.history
    first, last = history.kept_steps[0], history.kept_steps[-1]
    assert first < last
    window.cursor.set_step(first)
    qtbot.waitUntil(lambda: panel.step_tag.step == first, timeout=TIMEOUT)
    assert np.array_equal(shown_alpha(panel), history.record_at(first).sample.attention["teacher"])
    window.cursor.set_step(None)  # back to live
    qtbot.waitUntil(lambda: panel.step_tag.step == last, timeout=TIMEOUT)
    assert np.array_equal(shown_alpha(panel), history.record_at(last).sample.attention["teacher"])


def test_models_without_attention_say_why_the_panel_is_empty(qtbot, make_window):
    window = make_window("reverse_no_attention")
    panel = window.panels["attention"]
    assert "no attention" in panel.note.text() and not panel.view.isVisible()
    window.show_panel("seq2seq_graph")
    train(qtbot, window, 2)
    assert window.last_error is None, window.last_error
    # the unrolled encoder-decoder: one bottleneck from the last encoder state to s_0
    sample = window.trainer.history.record_at(window.trainer.history.kept_steps[-1]).sample
    links = window.panels["seq2seq_graph"].export_tables()["links"].rows
    assert links == [["bottleneck", len(sample.x) - 1, 0, 1.0]]
    window = make_window("adding_lstm")
    assert "encoder-decoder" in window.panels["attention"].note.text()


def test_sequence_codes_are_the_principal_components_of_the_encoders_last_state(qtbot, make_window):
    window = make_window("seq2seq_autoencoder")
    window.show_panel("codes")
    panel = window.panels["codes"]
    train(qtbot, window, 3)
    panel.codes = None
    panel.recompute()
    qtbot.waitUntil(lambda: panel.codes is not None, timeout=TIMEOUT)
    codes = panel.codes
    task = window.trainer.task
    assert codes.colour_name == "length"
    assert sorted(set(codes.colour)) == list(range(task.min_len, task.max_len + 1))
    # the same sources encoded here, projected with numpy's SVD (up to each axis' sign)
    again = sequence_codes(window.trainer)
    assert again.sources == codes.sources
    states = []
    with torch.no_grad():
        for length in task.source_lengths():
            sources = [list(s) for s in codes.sources if len(s) == length]
            x = task.pairs_batch([(s, s) for s in sources]).x
            states.append(window.trainer.model.encode(x)[1][0].double().numpy())
    centred = np.concatenate(states) - np.concatenate(states).mean(0)
    _, sigma, vt = np.linalg.svd(centred)
    expected = centred @ vt[:2].T
    share = np.square(sigma) / np.square(sigma).sum()  # each component's share of the variance
    assert f"({share[0]:.0%} of the variance)" in panel.plot.getAxis("bottom").labelText
    assert f"({share[1]:.0%})" in panel.plot.getAxis("left").labelText
    signs = np.sign((expected * codes.points).sum(0))
    assert np.allclose(codes.points, expected * signs, atol=1e-6)
    assert len(panel.scatter.data) == len(codes.sources)
    assert set(panel.export_tables()["codes"].rows[0][2:]) == set(codes.points[0].tolist())


def test_a_typed_source_is_decoded_and_bad_ones_get_a_sentence(qtbot, make_window):
    window = make_window("reverse_attention")
    panel = window.panels["seq2seq_graph"]
    train(qtbot, window, 2)
    task = window.trainer.task
    for text, expected in (
        ("abc", "→ "),
        ("", "at least one token"),
        ("abz", "unknown token 'z'"),
        ("a" * (task.seq_len + 1), f"takes at most {task.seq_len}"),
    ):
        panel.decoded.setText("")
        panel.source.setText(text)
        qtbot.keyClick(panel.source, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.decoded.text() != "", timeout=TIMEOUT)
        assert expected in panel.decoded.text()
    panel.source.setText("abc")
    panel.decode_source()
    qtbot.waitUntil(lambda: panel.decoded.text().startswith("→"), timeout=TIMEOUT)
    decoded = panel.decoded.text().removeprefix("→ ").split()
    assert 1 <= len(decoded) <= task.max_output_len
