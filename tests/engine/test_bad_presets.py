"""A broken preset is listed as broken with its reason and never stops the others (issue 17,
defect 2): wrong-typed sections, too-deep JSON, in the shipped folder or the user's."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rnnviz.engine.presets import PRESET_DIR, list_presets, load_preset, scan_presets
from rnnviz.engine.spec import SpecError

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"task": {"kind": "sine"}, "model": {"kind": "gru", "hidden_size": 4}}

#: each from the issue: (the preset's JSON text, words its refusal must contain)
BROKEN = {
    "model_list": ('{"task": {"kind": "sine"}, "model": []}', "'model' settings must be"),
    "train_null": ('{"task": {"kind": "sine"}, "train": null}', "'train' settings must be"),
    "model_number": ('{"task": {"kind": "sine"}, "model": 5}', "'model' settings must be"),
    "compare_text": ('{"task": {"kind": "sine"}, "compare": "x"}', "compare must be an object"),
    "compare_model_text": (
        '{"task": {"kind": "sine"}, "compare": {"model": "gru"}}',
        "'compare.model' settings must be",
    ),
    "weights_list": ('{"task": {"kind": "sine"}, "weights": [1, 2]}', "weights must be an object"),
    "freeze_number": ('{"task": {"kind": "sine"}, "train": {"freeze": 5}}', "train.freeze"),
    "h0_list": ('{"task": {"kind": "sine"}, "model": {"h0": [1]}}', "model.h0"),
    "kind_list": ('{"task": {"kind": []}}', "task.kind must be a task name"),
    "deep": ('{"task": ' + "[" * 200_000 + "]" * 200_000 + "}", "nested too deeply"),
    "ragged_weights": (
        '{"task": {"kind": "sine"}, "weights": {"rnn.weight_hh_l0": [[1], [1, 2]]}}',
        "rectangular array",
    ),
    "nan_weights": (
        '{"task": {"kind": "sine"}, "weights": {"rnn.weight_hh_l0": [[NaN]]}}',
        "not finite",
    ),
    "top_list": ("[1, 2, 3]", "must be a JSON object"),
    "not_json": ("{not json", "could not be read"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_preset_is_one_spec_error(name, tmp_path):
    text, reason = BROKEN[name]
    (tmp_path / f"{name}.json").write_text(text)
    with pytest.raises(SpecError) as info:
        load_preset(name, directory=tmp_path)
    assert reason in str(info.value) and "\n" not in str(info.value)


def test_wrong_weight_shape_is_refused_when_the_model_is_built(tmp_path):
    data = dict(GOOD, weights={"rnn.weight_hh_l0": [[1.0, 2.0]]})
    (tmp_path / "shape.json").write_text(json.dumps(data))
    preset = load_preset("shape", directory=tmp_path)
    from rnnviz.engine.trainer import Trainer

    with pytest.raises(SpecError, match=r"weight 'rnn.weight_hh_l0' must have shape \(12, 4\)"):
        Trainer.from_preset(preset)


def test_scan_lists_every_preset_with_the_broken_ones_named(tmp_path):
    for name, (text, _) in BROKEN.items():
        (tmp_path / f"{name}.json").write_text(text)
    (tmp_path / "good.json").write_text(json.dumps(GOOD))
    entries = {e.name: e for e in scan_presets(tmp_path)}
    assert set(entries) == set(BROKEN) | {"good"}
    assert entries["good"].preset is not None and entries["good"].reason == ""
    for name, (_, reason) in BROKEN.items():
        assert entries[name].preset is None and reason in entries[name].reason


def _presets_cli(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rnnviz", "presets"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


def test_rnnviz_presets_lists_good_ones_and_names_broken_ones(tmp_path):
    shipped = tmp_path / "presets"
    shutil.copytree(PRESET_DIR, shipped)
    good = sorted(p.stem for p in PRESET_DIR.glob("*.json"))
    (shipped / "aaa_broken.json").write_text('{"task": {"kind": "sine"}, "model": []}')
    (shipped / "zzz_deep.json").write_text("[" * 200_000 + "]" * 200_000)
    user = tmp_path / "config" / "rnnviz" / "presets"
    user.mkdir(parents=True)
    (user / "mine.json").write_text(json.dumps(dict(GOOD, title="My own preset")))
    (user / "mine_broken.json").write_text('{"task": {"kind": "sine"}, "compare": "x"}')

    done = _presets_cli(
        {"RNNVIZ_PRESET_DIR": str(shipped), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines()}
    for name in good:
        assert name in lines and "broken" not in lines[name]
    assert "My own preset (yours)" in lines["user:mine"]
    assert "(broken: the 'model' settings must be an object" in lines["aaa_broken"]
    assert "(broken: preset 'zzz_deep' could not be read: it is nested" in lines["zzz_deep"]
    assert (
        "(broken: preset 'user:mine_broken': compare must be an object"
        in (lines["user:mine_broken"])
    )
    assert lines["user:mine_broken"].endswith("(yours)")


def test_user_presets_are_found_and_trained(tmp_path, monkeypatch):
    user = tmp_path / "rnnviz" / "presets"
    user.mkdir(parents=True)
    (user / "mine.json").write_text(json.dumps(GOOD))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert "user:mine" in list_presets() and "lecture_lstm" in list_presets()
    assert load_preset("user:mine").model.kind == "gru"


def test_an_unknown_setting_named_with_a_newline_is_one_line():
    """Found by the settings fuzz: a model key "\\n" was echoed raw into the message."""
    from rnnviz.engine.spec import ModelSpec, SpecError
    from rnnviz.engine.train_config import TrainConfig

    for build in (ModelSpec.from_dict, TrainConfig.from_dict):
        with pytest.raises(SpecError) as refused:
            build({"\n": None})
        assert "\n" not in str(refused.value) and "'\\n'" in str(refused.value)
