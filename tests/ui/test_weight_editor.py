"""Training ▸ Edit weights… on the lecture's hand-wired LSTM: a table per weight matrix; an
edit applied resets training and the model computes what the edited weights say."""

from __future__ import annotations

import numpy as np
import torch
from PySide6.QtWidgets import QApplication, QMessageBox

from rnnviz.engine.models import LECTURE_X, LECTURE_Y, lecture_lstm_weights
from rnnviz.ui.weight_editor import WeightEditorDialog
from tests.ui.test_own_model import drive_dialog


def edit_action(window):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Training")
    return next(a for a in menu.actions() if a.text() == "Edit &weights…")


def test_editing_the_lecture_lstm_doubles_its_memory(make_window, qtbot):
    window = make_window("lecture_lstm")  # at step 0: the lecture's hand-wired weights
    trained = window.trainer.model.get_weights()
    for name, value in lecture_lstm_weights().items():
        np.testing.assert_array_equal(trained[name], value)
    seen = {}

    def edit(dialog: WeightEditorDialog):
        table = dialog.tables["rnn.weight_ih_l0"]
        seen["tabs"] = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        seen["rows"] = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
        seen["shown"] = float(table.item(2, 0).text())
        table.item(1, 1).setText("abc")  # refused: Apply waits, the message names the cell
        seen["refused"] = dialog.message.text()
        seen["apply_after_bad"] = dialog.apply_button.isEnabled()
        table.item(1, 1).setText(repr(float(trained["rnn.weight_ih_l0"][1, 1])))
        table.item(2, 0).setText("2")  # the cell input z = 2 x1
        seen["apply"] = dialog.apply_button.isEnabled()
        dialog.apply_button.click()

    drive_dialog(qtbot, edit)
    edit_action(window).trigger()
    assert (
        seen["tabs"][:2] == ["weight_ih_l0", "weight_hh_l0"] and "head.weight" not in seen["tabs"]
    )
    assert seen["rows"] == ["i 0", "f 0", "g 0", "o 0"]
    assert abs(seen["shown"] - trained["rnn.weight_ih_l0"][2, 0]) < 1e-5
    assert "rnn.weight_ih_l0 [f 0, x1]: 'abc' is not a number" in seen["refused"]
    assert not seen["apply_after_bad"] and seen["apply"]

    assert window.trainer.step_count == 0  # applying reset training
    weights = window.run_settings.weights
    assert weights["rnn.weight_ih_l0"][2, 0] == 2.0
    for name, value in trained.items():  # untouched cells keep every bit
        mask = np.ones(value.shape, bool)
        if name == "rnn.weight_ih_l0":
            mask[2, 0] = False
        np.testing.assert_array_equal(weights[name][mask], value[mask])
    # the new run computes what the edit says: doubling z doubles what the memory outputs
    # (the lecture's 0 0 0 0 0 7 0 0 6 becomes 0 0 0 0 0 14 0 0 12)
    x = torch.from_numpy(LECTURE_X)[:, None, :]
    with torch.no_grad():
        y = window.trainer.model(x).y[:, 0, 0].numpy()
    np.testing.assert_allclose(y, 2 * LECTURE_Y, atol=1e-3)


def test_a_wide_model_is_not_edited_by_table(make_window, qtbot, monkeypatch):
    window = make_window("sine_gru")  # 16 units
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _w, _t, text: told.append(text))
    edit_action(window).trigger()
    assert told and "at most 8 units per layer); this one has 16" in told[0]
    assert QApplication.activeModalWidget() is None
