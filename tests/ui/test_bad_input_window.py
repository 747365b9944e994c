"""Bad input in the window (issue 17): a NaN text size in the settings file, a broken preset
file, settings beyond the budget -- the window starts, lists, and says why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from rnnviz.engine.presets import PRESET_DIR
from rnnviz.ui import style


@pytest.mark.parametrize("stored", ["nan", "inf", "abc"])
def test_a_nan_text_size_in_the_settings_file_is_ignored(
    qtbot, make_window, settings_file, capfd, stored
):
    Path(settings_file).write_text(f"[view]\ntext_scale={stored}\n")
    window = make_window("lecture_lstm")
    assert window.isVisible() and style.SCALE == 1.0
    if stored != "abc":  # a value that is not a number at all is simply not read
        assert f"rnnviz: ignoring the text size {float(stored)!r}: not a number" in (
            capfd.readouterr().err
        )
    window.step_once()
    qtbot.waitUntil(lambda: window.shown_step == 1, timeout=10_000)


def test_a_broken_preset_is_listed_and_another_opens(qtbot, make_window, monkeypatch, tmp_path):
    shipped = tmp_path / "presets"
    shutil.copytree(PRESET_DIR, shipped)
    (shipped / "aaa_broken.json").write_text('{"task": {"kind": []}}')
    monkeypatch.setenv("RNNVIZ_PRESET_DIR", str(shipped))
    window = make_window("lecture_lstm")
    actions = window.presets_menu.actions()
    broken = next(a for a in actions if a.text().startswith("aaa_broken"))
    assert not broken.isEnabled()
    assert "(broken: preset 'aaa_broken': task.kind must be a task name" in broken.text()
    good = [a for a in actions if a.data()]
    assert len(good) == len(list(PRESET_DIR.glob("*.json")))
    next(a for a in good if a.data() == "adding_rnn").trigger()
    assert window.run_settings.preset_name == "adding_rnn"


def test_settings_beyond_the_budget_are_not_applied(qtbot, make_window, monkeypatch):
    monkeypatch.setenv("RNNVIZ_MEMORY_BUDGET", "40M")
    window = make_window("adding_rnn")
    seq_len = window.sidebar.task.options.editor("seq_len")
    seq_len.setValue(20_000)
    text = window.sidebar.message.text()
    assert text.startswith("Not applied: these settings need about "), text
    assert "above the budget of 40.0 MB" in text
    assert not window.sidebar.apply_button.isEnabled()


def test_a_slow_step_is_warned_before_apply(qtbot, make_window, monkeypatch):
    monkeypatch.setenv("RNNVIZ_MEMORY_BUDGET", "64G")
    window = make_window("adding_lstm")
    window.sidebar.training.batch_size.setValue(1024)
    window.sidebar.task.options.editor("seq_len").setValue(5000)
    text = window.sidebar.message.text()
    assert "Apply resets training" in text and "Slow: one training step will take about" in text


def _type_into(qtbot, box, text: str) -> None:
    """Select the box's text and type ``text`` then Enter, as a user does."""
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


LR_RANGE = "the allowed range 1e-06 to 10000"


@pytest.mark.parametrize(
    ("box_name", "typed", "said"),
    [
        ("lr", "-0.5", f"learning rate: -0.5 is outside {LR_RANGE} (kept 0.003)."),
        ("lr", "0", f"learning rate: 0 is outside {LR_RANGE} (kept 0.003)."),
        ("lr", "abc", "learning rate: 'c' is not a number."),  # each key is refused
        ("batch_size", "0", "batch size: 0 is outside the allowed range 1 to 4096 (kept 32)."),
    ],
)
def test_typed_input_a_box_refuses_is_explained(qtbot, make_window, box_name, typed, said):
    """Defect 10 of issue 16: refused input no longer snaps back in silence."""
    window = make_window("adding_rnn")
    box = getattr(window.sidebar.training, box_name)
    before = box.value()
    _type_into(qtbot, box, typed)
    assert window.sidebar.message.isVisible()
    assert window.sidebar.message.text() == f"Not applied: {said}"
    assert box.value() == before


def test_too_many_hidden_units_are_refused_with_the_range(qtbot, make_window):
    window = make_window("adding_rnn")
    box = window.sidebar.model.hidden_size
    _type_into(qtbot, box, "100000")
    # the digits the box took are pending, and the refused one is still named
    assert box.value() == 1000
    assert window.sidebar.message.text().startswith(
        "Not applied: hidden units: 10000 is outside the allowed range 1 to 1024. "
        "These changes need a new model"
    )
    assert window.sidebar.apply_button.isEnabled()  # what the box took can be applied


def test_a_task_option_box_explains_its_range(qtbot, make_window):
    window = make_window("adding_rnn")
    seq_len = window.sidebar.task.options.editor("seq_len")
    _type_into(qtbot, seq_len, "0")
    assert window.sidebar.message.text().startswith("Not applied: seq len: 0 is outside")


def test_a_seed_beyond_32_bits_is_kept_exactly(qtbot, make_window):
    """Issue 17: the engine takes seeds up to 2^63 - 1; the sidebar's box held 2^31 - 1 at
    most, so a larger seed was shown (and applied) as another run's."""
    import torch

    from rnnviz.engine.presets import load_preset
    from rnnviz.engine.trainer import Trainer

    window = make_window("adding_rnn")
    box = window.sidebar.training.seed
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(2**40))
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.mouseClick(window.sidebar.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.trainer.config.seed == 2**40, timeout=10_000)
    reference = Trainer.from_preset(load_preset("adding_rnn"), seed=2**40)
    for (name, mine), (_, theirs) in zip(
        window.trainer.model.named_parameters(), reference.model.named_parameters(), strict=True
    ):
        torch.testing.assert_close(mine, theirs, rtol=0, atol=0, msg=name)
    box.selectAll()
    qtbot.keyClicks(box, "99999999999999999999")  # 2^63 < this < 10^20
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.sidebar.message.text() == (
        f"Not applied: seed: 99999999999999999999 is not a seed from 0 to 2^63 - 1 (kept {2**40})."
    )
    assert box.value() == 2**40 and box.text() == str(2**40)
