"""File ▸ Open model… through the real menu: a torch nn.RNN saved by the test, the dialog's
choices (relu, a task), and the run that starts from the file's weights."""

from __future__ import annotations

import torch
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox
from torch import nn

from rnnviz.ui.model_dialog import OpenModelDialog


def file_action(window, text: str):
    file_menu = window.menuBar().actions()[0].menu()
    return next(a for a in file_menu.actions() if a.text().replace("&", "") == text)


def drive_dialog(qtbot, act) -> None:
    """Run ``act(dialog)`` on the modal dialog once it is up."""

    def later():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, later)
            return
        act(dialog)

    QTimer.singleShot(0, later)


def test_open_model_through_the_menu_runs_the_files_weights(
    make_window, qtbot, tmp_path, monkeypatch
):
    window = make_window("sine_gru")
    torch.manual_seed(0)
    module = nn.RNN(1, 5, nonlinearity="relu")  # no head: 5 outputs, sine needs 1
    path = tmp_path / "relu_rnn.pt"
    torch.save(module.state_dict(), path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen = {}

    def choose(dialog: OpenModelDialog):
        seen["inferred"] = dialog.findChild(type(dialog.reason), "inferred").text()
        seen["fits"] = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        seen["reason"] = dialog.reason.text()
        dialog.activation.setCurrentText("relu")
        dialog.reject()

    drive_dialog(qtbot, choose)
    file_action(window, "Open model…").trigger()
    assert "nn.RNN (tanh or relu?): input size 1, hidden size 5, 1 layer(s)" in seen["inferred"]
    assert not seen["fits"]  # no built-in task reads 1 value and wants 5
    assert "No built-in task has 1 input(s) and 5 output(s) like this model." in seen["reason"]
    assert "The model reads 1 input value(s) per step but the task 'lecture'" in seen["reason"]
    assert window.run_settings.task_kind == "sine"  # cancelled: the run is as it was

    # now with a head that fits the sine task
    head = nn.Linear(5, 1)
    state = {
        **{f"rnn.{k}": v for k, v in module.state_dict().items()},
        "fc.weight": head.weight,
        "fc.bias": head.bias,
    }
    torch.save(state, path)

    def accept(dialog: OpenModelDialog):
        dialog.activation.setCurrentText("relu")
        dialog.task.setCurrentIndex(dialog.task.findData("sine"))
        seen["reason"] = dialog.reason.text()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    drive_dialog(qtbot, accept)
    file_action(window, "Open model…").trigger()
    assert seen["reason"] == ""
    settings = window.run_settings
    assert settings.spec.kind == "elman" and settings.spec.activation == "relu"
    assert settings.task_kind == "sine"
    weights = window.trainer.model.get_weights()
    assert torch.equal(torch.from_numpy(weights["rnn.weight_hh_l0"]), module.weight_hh_l0.detach())
    # the trainer computes what torch computes on the displayed sample
    x = window.trainer.display_batch.x
    with torch.no_grad():
        expected = head(module(x)[0])
        assert (window.trainer.model(x).y - expected).abs().max().item() < 1e-5
    # and training continues from those weights
    window.run_steps(3)
    qtbot.waitUntil(lambda: not window.running and window.trainer.step_count == 3, timeout=20000)
    assert window.last_error is None


def test_a_pickled_class_is_refused_with_a_message(make_window, qtbot, tmp_path, monkeypatch):
    window = make_window("sine_gru")
    path = tmp_path / "pickled.pt"
    torch.save({"model": nn.GRU(1, 2)}, path)  # a whole module: classes, not tensors
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    told = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text, *a: told.append(text))
    file_action(window, "Open model…").trigger()
    assert len(told) == 1 and "pickled.pt is refused" in told[0] and "torch.nn" in told[0]
    assert window.run_settings.spec.kind == "gru" and window.run_settings.task_kind == "sine"
