"""Every preset loads, validates and trains; the lecture preset gives the notes' numbers."""

import json

import numpy as np
import pytest

from rnnviz.engine.presets import list_presets, load_preset, preset_from_dict
from rnnviz.engine.spec import SpecError
from rnnviz.engine.trainer import Trainer

REQUIRED = {
    "lecture_lstm",
    "slot_filling_lstm",
    "slot_filling_bilstm",
    "adding_rnn",
    "adding_lstm",
    "adding_gru",
    "adding_irnn",
    "exploding_linear",
    "cliff",
    "cliff_clipped",
    "char_lstm",
    "sine_gru",
    "reverse_attention",
    "reverse_no_attention",
    "date_attention",
    "seq2seq_autoencoder",
    "ntm_copy",
    "ntm_copy_long",
}


def test_required_presets_exist():
    assert REQUIRED <= set(list_presets())


@pytest.mark.parametrize("name", list_presets())
def test_preset_trains(name):
    preset = load_preset(name)
    assert preset.title and len(preset.description) > 80
    trainer = Trainer.from_preset(preset)
    rec = None
    for i in range(3):
        rec = trainer.step(record=i != 1)
        if rec.diverged:
            break
    assert rec.step >= 1 and (rec.full or rec.diverged)
    second = preset.comparison()
    if second is not None:
        Trainer.from_preset(second).step()


def test_lecture_preset_reproduces_the_notes():
    trainer = Trainer.from_preset(load_preset("lecture_lstm"))
    rec = trainer.step(record=True)
    trace = rec.sample.trace["L0.fwd"]
    np.testing.assert_allclose(trace["c"][:, 0], [0, 3, 3, 7, 7, 7, 0, 6, 6], atol=1e-3)
    np.testing.assert_allclose(rec.sample.y_hat[:, 0], [0, 0, 0, 0, 0, 7, 0, 0, 6], atol=1e-3)


def test_settings_override_and_validation():
    preset = load_preset("adding_lstm")
    changed = preset.with_settings({"train.lr": 0.1, "hidden_size": 4, "task.seq_len": 20})
    assert changed.train.lr == 0.1 and changed.model.hidden_size == 4
    assert changed.task["seq_len"] == 20
    with pytest.raises(SpecError, match="learning rate"):
        preset.with_settings({"train.lr": -1})
    with pytest.raises(SpecError, match="hidden_size"):
        preset.with_settings({"model.hidden_size": 0})
    with pytest.raises(SpecError, match="unknown"):
        preset.with_settings({"model.colour": 1})
    with pytest.raises(SpecError, match="unknown preset"):
        load_preset("no_such_preset")


def test_bad_preset_files_are_refused(tmp_path):
    with pytest.raises(SpecError, match="unknown key"):
        preset_from_dict("x", {"task": {"kind": "adding"}, "evil": 1})
    with pytest.raises(SpecError, match="task"):
        preset_from_dict("x", {"model": {}})
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(SpecError, match="could not be read"):
        load_preset("broken", directory=tmp_path)
    (tmp_path / "ok.json").write_text(json.dumps({"task": {"kind": "sine"}}))
    assert load_preset("ok", directory=tmp_path).task_kind == "sine"
