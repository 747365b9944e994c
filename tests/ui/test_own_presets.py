"""File ▸ Save settings as preset… and File ▸ Open preset file… through the real menus; the
user's presets in the Presets menu, a broken one listed and stopping nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from tests.ui.test_own_model import file_action


@pytest.fixture
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "rnnviz" / "presets"


def new_from_preset_menu(window):
    file_menu = window.menuBar().actions()[0].menu()
    return next(a.menu() for a in file_menu.actions() if a.text() == "&New from preset")


def test_new_from_preset_lists_every_preset_and_opens_it(make_window, own_config):
    from rnnviz.engine.presets import list_presets

    window = make_window("lecture_lstm")
    actions = new_from_preset_menu(window).actions()
    assert [a.data() for a in actions] == list_presets()
    next(a for a in actions if a.data() == "adding_rnn").trigger()
    assert window.run_settings.task_kind == "adding"


def test_save_settings_as_preset_then_open_it(make_window, qtbot, own_config, monkeypatch):
    own_config.mkdir(parents=True)
    (own_config / "broken.json").write_text('{"task": {"kind": "sine"}, "train": {"lr": -1}}')
    window = make_window("lecture_lstm")  # hand-set weights
    texts = [a.text() for a in window.presets_menu.actions()]
    broken = next(t for t in texts if t.startswith("user:broken"))
    assert "(broken: train.lr (learning rate) must be" in broken and broken.endswith("(yours)")

    asked = {}

    def save_name(_parent, _title, suggested, _filter):
        asked["suggested"] = suggested
        return str(own_config / "my_lecture.json"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    file_action(window, "Save settings as preset…").trigger()
    assert asked["suggested"].startswith(str(own_config))
    written = json.loads((own_config / "my_lecture.json").read_text())
    assert written["task"]["kind"] == "lecture" and "rnn.weight_ih_l0" in written["weights"]
    assert "user:my_lecture" in window.statusBar().currentMessage()
    listed = [a for a in window.presets_menu.actions() if a.data() == "user:my_lecture"]
    assert len(listed) == 1 and listed[0].text().endswith("(yours)")
    # File ▸ New from preset lists the same presets, the new one included, once each
    presets = [(a.text(), a.data()) for a in window.presets_menu.actions()]
    assert [(a.text(), a.data()) for a in new_from_preset_menu(window).actions()] == presets

    before = window.run_settings
    window.new_from_preset("adding_rnn")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a: (str(own_config / "my_lecture.json"), "")
    )
    file_action(window, "Open preset file…").trigger()
    after = window.run_settings
    assert after.spec == before.spec and after.task_kind == "lecture"
    assert after.config == before.config
    for name, value in before.weights.items():
        np.testing.assert_array_equal(after.weights[name], value)
    # the menu entry opens the same preset
    window.new_from_preset("adding_rnn")
    listed[0].trigger()
    assert window.run_settings.spec == before.spec
