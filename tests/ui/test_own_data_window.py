"""File ▸ Open data… through the real menu: a CSV series, a text file, and an opened torch
model run on the user's data (its weights kept when the sizes fit)."""

from __future__ import annotations

import numpy as np
import torch
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog
from torch import nn

from tests.ui.test_own_model import drive_dialog, file_action


def write_series(tmp_path, columns: int = 2):
    rng = np.random.default_rng(1)
    table = np.round(rng.normal(size=(80, columns)), 3)
    names = ",".join("abcdefg"[:columns])
    text = names + "\n" + "".join(",".join(map(str, row)) + "\n" for row in table)
    path = tmp_path / "series.csv"
    path.write_text(text)
    return path


def open_data(window, qtbot, monkeypatch, path, act):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen = {}

    def run(dialog):
        seen["kind"] = dialog.kind.currentData()
        act(dialog, seen)
        seen["preview"] = dialog.preview.text()
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen["ok"] = ok.isEnabled()
        ok.click() if ok.isEnabled() else dialog.reject()

    drive_dialog(qtbot, run)
    file_action(window, "Open data…").trigger()
    return seen


def test_open_a_csv_series_and_train_on_it(make_window, qtbot, tmp_path, monkeypatch):
    window = make_window("sine_gru")
    path = write_series(tmp_path)

    def too_long(dialog, seen):
        dialog.options.editor("window").setValue(500)
        dialog.options.changed.emit()

    seen = open_data(window, qtbot, monkeypatch, path, too_long)
    assert seen["kind"] == "csv" and not seen["ok"]
    assert "series.csv has 80 row(s) of data, 64 of them for training" in seen["preview"]
    assert window.run_settings.task_kind == "sine"

    def choose(dialog, seen):
        dialog.options.editor("window").setValue(10)
        dialog.options.editor("target").setText("a")
        dialog.options.changed.emit()

    seen = open_data(window, qtbot, monkeypatch, path, choose)
    assert (
        seen["ok"] and "Columns: a, b." in seen["preview"] and "predicts a 1 row" in seen["preview"]
    )
    settings = window.run_settings
    assert settings.task_kind == "csv" and settings.task_options["path"] == str(path)
    assert settings.title == "series.csv"  # the lesson strip tells of the data, not the sines
    assert settings.description.startswith("Your time series series.csv: 80 rows of 2 column")
    assert window.trainer.task.input_size == 2 and window.trainer.spec.input_size == 2
    window.run_steps(2)
    qtbot.waitUntil(lambda: not window.running and window.trainer.step_count == 2, timeout=20000)
    assert window.last_error is None


def test_open_a_text_file(make_window, qtbot, tmp_path, monkeypatch):
    window = make_window("sine_gru")
    path = tmp_path / "poem.txt"
    path.write_text("the owl and the pussy-cat went to sea\nin a beautiful pea-green boat\n" * 3)
    seen = open_data(window, qtbot, monkeypatch, path, lambda d, s: None)
    assert seen["kind"] == "text" and seen["ok"]
    task = window.trainer.task
    assert window.run_settings.task_kind == "text" and task.input_vocab == sorted(
        set(path.read_text())
    )


def short_windows(dialog, seen):
    dialog.options.editor("window").setValue(10)
    dialog.options.changed.emit()


def test_an_opened_model_keeps_its_weights_on_data_that_fit(
    make_window, qtbot, tmp_path, monkeypatch
):
    window = make_window("sine_gru")
    lstm = nn.LSTM(2, 3)
    model_path = tmp_path / "lstm.pt"
    torch.save(
        {"lstm." + k: v for k, v in lstm.state_dict().items()}
        | {"fc.weight": torch.ones(1, 3), "fc.bias": torch.zeros(1)},
        model_path,
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(model_path), ""))

    def accept(dialog):
        dialog.task.setCurrentIndex(dialog.task.findData("adding"))  # 2 inputs, 1 output
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    drive_dialog(qtbot, accept)
    file_action(window, "Open model…").trigger()
    assert window.run_settings.task_kind == "adding"

    seen = open_data(window, qtbot, monkeypatch, write_series(tmp_path), short_windows)
    assert "The model keeps its weights" in seen["preview"]
    weights = window.trainer.model.get_weights()
    np.testing.assert_array_equal(weights["rnn.weight_hh_l0"], lstm.weight_hh_l0.detach().numpy())
    assert window.run_settings.task_kind == "csv"

    seen = open_data(window, qtbot, monkeypatch, write_series(tmp_path, 3), short_windows)
    assert "hand-set weights are dropped: the data give 3 input(s)" in seen["preview"]
    assert window.run_settings.weights is None and window.trainer.spec.input_size == 3


def test_a_reopened_session_says_its_data_changed(make_window, qtbot, tmp_path, monkeypatch):
    window = make_window("sine_gru")
    path = write_series(tmp_path)
    open_data(window, qtbot, monkeypatch, path, short_windows)
    window.run_steps(2)
    qtbot.waitUntil(lambda: not window.running and window.trainer.step_count == 2, timeout=20000)
    assert window.save_session(tmp_path / "run.rnnviz")
    path.write_text(path.read_text() + "0.5,0.5\n")
    assert window.open_session(tmp_path / "run.rnnviz")
    assert "series.csv has changed since this run was saved" in window.banner_text
    assert window.trainer.step_count == 2
