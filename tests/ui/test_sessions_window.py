"""Sessions in the real window: Save / Open through the File menu, the title's modified
mark, the question before unsaved training is lost, drag and drop, Continue from here, and
the training process handing back its exact state."""

import os

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from rnnviz.session.files import read_session
from rnnviz.ui import file_actions

TIMEOUT = 60_000


def _menu_action(window, text: str):
    file_menu = window.menuBar().actions()[0].menu()
    for action in file_menu.actions():
        if action.text().replace("&", "").rstrip("…") == text:
            return action
    raise AssertionError(f"no File menu entry {text!r}")


def _train(qtbot, window, steps: int) -> None:
    target = window.trainer.step_count + steps
    window.run_steps(steps)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == target, timeout=TIMEOUT)


def test_save_and_open_through_the_file_menu(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window("adding_gru")
    _train(qtbot, window, 12)
    assert "*" in window.windowTitle()
    target = tmp_path / "saved"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    _menu_action(window, "Save").trigger()
    saved = tmp_path / "saved.rnnviz"
    assert saved.is_file()
    assert window.windowTitle() == "saved.rnnviz — rnnviz"
    weights = window.trainer.weights()

    other = make_window("lecture_lstm")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    _menu_action(other, "Open").trigger()
    assert other.trainer.step_count == 12
    assert other.run_settings.preset_name == "adding_gru"
    assert all(np.array_equal(weights[k], v) for k, v in other.trainer.weights().items())
    assert other.windowTitle() == "saved.rnnviz — rnnviz"
    loss = other.panels["loss"]
    other.show_panel("loss")
    qtbot.waitUntil(lambda: bool(loss.export_tables()), timeout=TIMEOUT)
    table = loss.export_tables()["loss"]
    assert [float(r[1]) for r in table.rows] == list(other.trainer.history.series("loss"))
    _train(qtbot, other, 3)  # training continues from the opened state
    assert other.trainer.step_count == 15 and "*" in other.windowTitle()
    assert str(saved.resolve()) in other.files.recent()


def test_a_bad_file_is_one_sentence_and_the_run_stays(qtbot, make_window, tmp_path):
    window = make_window("adding_gru")
    _train(qtbot, window, 3)
    bad = tmp_path / "bad.rnnviz"
    bad.write_bytes(b"not a session")
    assert not window.open_session(bad)
    assert "Could not open" in window.banner_text and "\n" not in window.banner_text
    assert window.trainer.step_count == 3


def test_unsaved_training_is_asked_about_before_closing(qtbot, make_window, monkeypatch):
    window = make_window("adding_gru")
    monkeypatch.setattr(type(window), "confirm_discard", True)
    _train(qtbot, window, 2)
    asked = []

    def answer(choice):
        def question(parent, title, text, *args):
            asked.append(text)
            return choice

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    window.close()
    assert window.isVisible() and "2 trained step(s)" in asked[-1]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    window.close()
    assert not window.isVisible()


def test_dropping_a_session_file_opens_it(qtbot, make_window, tmp_path):
    source = make_window("adding_gru")
    _train(qtbot, source, 4)
    assert source.save_session(tmp_path / "dropped.rnnviz")
    window = make_window("lecture_lstm")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "dropped.rnnviz"))])
    assert file_actions.dropped_session(mime) is not None
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert window.trainer.step_count == 4 and window.run_settings.preset_name == "adding_gru"


def test_continue_from_a_checkpoint_in_the_timeline(qtbot, make_window):
    window = make_window("adding_gru")
    window.transport.set_speed(None)
    _train(qtbot, window, 60)
    assert window.timeline.checkpoint_for(55) == 50
    # which steps are kept depends on the record cadence (time based): view one past 50
    kept = window.trainer.history.kept_steps
    past = [s for s in kept if 50 <= s < 60] or [kept[-1]]
    with qtbot.waitSignal(window.timeline.continue_requested) as signal:
        window.cursor.set_step(past[0])
        window.timeline._continue_clicked()
    assert signal.args == [50]
    assert window.trainer.step_count == 50 and len(window.trainer.history) == 50
    assert window.trainer.history.events[-1].text == "continued from step 50"
    _train(qtbot, window, 2)
    assert window.trainer.step_count == 52


@pytest.mark.parametrize("worker", ["process"])
def test_the_training_process_hands_back_its_exact_state(
    qtbot, make_window, tmp_path, monkeypatch, worker
):
    """The child trains; the saved session holds the child's optimiser state, so a run
    continued from the file equals the child continuing on its own."""
    monkeypatch.setenv("RNNVIZ_WORKER", worker)
    window = make_window("adding_gru")
    window.transport.set_speed(None)
    _train(qtbot, window, 10)
    assert window.save_session(tmp_path / "p.rnnviz")
    _train(qtbot, window, 5)  # the child continues from where it was saved
    loaded = read_session(tmp_path / "p.rnnviz")
    assert loaded.trainer.step_count == 10
    assert loaded.trainer.state().optimizer  # Adam's moments came back from the child
    window.pause()
    monkeypatch.setenv("RNNVIZ_WORKER", "thread")
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))  # the training process's count
    try:
        for _ in range(5):
            loaded.trainer.step(record=False)
    finally:
        torch.set_num_threads(threads)
    for name, value in window.trainer.weights().items():
        assert np.array_equal(value, loaded.trainer.weights()[name]), name
