"""Every preset trains in the window; invalid settings are refused with a reason; live
learning-rate / clipping changes are marked; divergence pauses with the message."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from rnnviz.engine.presets import list_presets

TIMEOUT = 20_000


@pytest.mark.parametrize("name", list_presets())
def test_every_preset_opens_and_trains(qtbot, make_window, name):
    window = make_window(name)
    assert window.run_settings.preset_name == name
    window.run_steps(3)
    qtbot.waitUntil(lambda: not window.running and window.shown_step >= 1, timeout=TIMEOUT)
    assert window.last_error is None, window.last_error
    if window.trainer.diverged:  # the exploding demo is meant to blow up, visibly
        assert window.banner_text
    else:
        assert window.shown_step == 3
        assert not window.banner_text


def test_presets_menu_opens_a_preset(qtbot, make_window):
    window = make_window("lecture_lstm")
    action = next(a for a in window.presets_menu.actions() if a.data() == "adding_rnn")
    action.trigger()
    assert window.run_settings.preset_name == "adding_rnn"
    assert window.trainer.task.name == "adding"
    assert window.sidebar.title.text() == window.run_settings.title


def test_invalid_model_settings_are_refused_with_a_reason(qtbot, make_window):
    window = make_window("adding_rnn")
    model = window.sidebar.model
    model.kind.setCurrentIndex(model.kind.findData("jordan"))
    model.num_layers.setValue(2)
    message = window.sidebar.message
    assert message.isVisible()
    assert "Jordan" in message.text() and message.text().startswith("Not applied")
    assert not window.sidebar.apply_button.isEnabled()
    model.num_layers.setValue(1)
    assert not window.sidebar.message.text().startswith("Not applied")
    assert window.sidebar.apply_button.isEnabled()


def test_out_of_range_values_cannot_be_entered(qtbot, make_window):
    window = make_window("adding_rnn")
    training = window.sidebar.training
    training.batch_size.lineEdit().selectAll()
    qtbot.keyClicks(training.batch_size.lineEdit(), "0")
    qtbot.keyClick(training.batch_size.lineEdit(), Qt.Key.Key_Return)
    assert training.batch_size.value() >= 1
    training.lr.setValue(-5.0)
    assert training.lr.value() > 0


def test_structural_change_asks_for_apply_and_resets(qtbot, make_window):
    window = make_window("adding_rnn")
    window.run_steps(3)
    qtbot.waitUntil(lambda: window.shown_step == 3 and not window.running, timeout=TIMEOUT)
    sidebar = window.sidebar
    sidebar.model.hidden_size.setValue(window.trainer.spec.hidden_size + 3)
    assert "reset" in sidebar.message.text().lower()
    assert window.trainer.step_count == 3  # nothing happens until Apply
    qtbot.mouseClick(sidebar.apply_button, Qt.MouseButton.LeftButton)
    assert window.trainer.step_count == 0
    assert window.trainer.spec.hidden_size == window.run_settings.spec.hidden_size
    assert window.run_settings.title.endswith("(modified)")
    assert not sidebar.pending and not sidebar.apply_button.isEnabled()


def test_trainer_refusal_is_shown(qtbot, make_window):
    window = make_window("adding_rnn")
    task = window.sidebar.task
    seq_len = task.options.editor("seq_len")
    assert seq_len is not None
    seq_len.setValue(seq_len.minimum())  # within the editor's bounds: accepted
    assert not window.sidebar.message.text().startswith("Not applied")


def test_lr_and_clipping_apply_mid_run_and_are_marked(qtbot, make_window):
    window = make_window("adding_rnn")
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= 3, timeout=TIMEOUT)
    training = window.sidebar.training
    training.lr.setValue(window.trainer.config.lr / 2)
    training.clip_mode.setCurrentIndex(training.clip_mode.findData("value"))
    qtbot.waitUntil(lambda: len(window.trainer.history.events) >= 2, timeout=TIMEOUT)
    window.pause()
    texts = [e.text for e in window.trainer.history.events]
    assert any(t.startswith("lr ") for t in texts) and any("clip" in t for t in texts)
    assert window.trainer.config.clip_mode == "value"
    assert window.trainer.step_count >= 3  # no reset
    assert not window.sidebar.pending
    qtbot.waitUntil(lambda: len(window.panels["loss"]._event_lines) >= 2, timeout=TIMEOUT)


def test_what_the_gradients_are_of_switches_mid_run(qtbot, make_window):
    window = make_window("adding_lstm")
    window.show_panel("gradients_time")  # a panel draws only while on screen
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= 3, timeout=TIMEOUT)
    history = window.trainer.history

    def newest():
        return history.record_at(history.last.step)

    first = newest()
    assert first.gradients_of == "sequence"  # the default
    combo = window.sidebar.training.gradients_of
    assert "shown sequence" in combo.currentText() and combo.toolTip()
    combo.setCurrentIndex(combo.findData("batch"))
    qtbot.waitUntil(lambda: newest().gradients_of == "batch", timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: "batch loss" in window.panels["gradients_time"].summary.text(), timeout=TIMEOUT
    )
    window.pause()
    assert any(e.text == "dL/dh_t of the batch" for e in history.events)
    assert window.trainer.step_count > first.step  # no reset
    assert not window.sidebar.pending


def test_divergence_pauses_with_the_message(qtbot, make_window):
    window = make_window("exploding_linear_clipped")
    training = window.sidebar.training
    training.clip_mode.setCurrentIndex(training.clip_mode.findData("none"))
    training.lr.setValue(10.0)  # huge, and no clipping
    window.run()
    qtbot.waitUntil(lambda: not window.running, timeout=TIMEOUT)
    assert window.trainer.diverged
    assert "exploded" in window.banner_text and "clipping" in window.banner_text
    assert window.status_state.text() == "diverged"
    window.run()  # refuses to continue a diverged run, says so, starts no thread
    assert not window.running and "Reset" in window.banner_text
    window.reset()
    assert not window.banner_text and window.trainer.step_count == 0


def test_worker_errors_are_shown(qtbot, make_window, monkeypatch, capsys):
    window = make_window("lecture_lstm")

    def broken_step(record=True):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(window.trainer, "step", broken_step)
    window.run()
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=TIMEOUT)
    assert "the engine broke" in window.banner_text
    assert not window.running
    assert "the engine broke" in capsys.readouterr().err
