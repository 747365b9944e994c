"""Presets as files: save -> open gives the same preset; the user's folder (``user:NAME``,
never replacing a shipped preset; a broken one listed with its reason); ``--preset`` takes
names only, ``--preset-file`` a file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnnviz.cli import main
from rnnviz.engine.presets import list_presets, load_preset, load_preset_file, scan_presets
from rnnviz.engine.spec import SpecError
from rnnviz.session.preset_files import save_preset_file
from rnnviz.session.settings import RunSettings


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    """The user's config folder is a private temporary one."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "config" / "rnnviz" / "presets"
    folder.mkdir(parents=True)
    return folder


def assert_same_preset(a, b) -> None:
    assert a.model == b.model and a.task == b.task and a.train == b.train
    assert a.compare == b.compare and a.show == b.show and a.tour == b.tour
    assert a.description == b.description
    assert (a.weights is None) == (b.weights is None)
    for name, value in (a.weights or {}).items():
        np.testing.assert_array_equal(value, b.weights[name])  # every bit of every weight


@pytest.mark.parametrize(
    "name", ["lecture_lstm", "reverse_attention", "adding_lstm", "clockwork_sines"]
)
def test_save_then_open_gives_the_same_preset(tmp_path, name):
    shipped = load_preset(name)
    written = save_preset_file(tmp_path / "copy", RunSettings.from_preset(shipped), title="x")
    assert written.name == "copy.json"
    reopened = load_preset_file(written)
    assert reopened.name == "copy" and reopened.title == "x"
    assert_same_preset(shipped, reopened)
    assert not list(tmp_path.glob("*.part"))  # the temporary file was renamed, not left


def test_a_preset_file_that_cannot_be_written_or_read_says_why(tmp_path):
    settings = RunSettings.from_preset(load_preset("sine_gru"))
    with pytest.raises(SpecError, match="the folder .*missing does not exist"):
        save_preset_file(tmp_path / "missing" / "p.json", settings)
    with pytest.raises(SpecError, match="does not exist or is not a file"):
        load_preset_file(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(SpecError, match="preset 'bad' could not be read"):
        load_preset_file(tmp_path / "bad.json")


def test_user_presets_are_marked_and_never_replace_shipped_ones(own_config, capsys):
    clash = dict(json.loads(json.dumps({"title": "My lecture", "task": {"kind": "sine"}})))
    (own_config / "lecture_lstm.json").write_text(json.dumps(clash))
    (own_config / "broken.json").write_text('{"task": {"kind": "sine"}, "model": {"kind": 3}}')
    (own_config / "zz_mine.json").write_text(
        json.dumps({"title": "Mine", "task": {"kind": "adding"}})
    )

    names = list_presets()
    assert "lecture_lstm" in names and "user:lecture_lstm" in names and "user:zz_mine" in names
    assert load_preset("lecture_lstm").task_kind == "lecture"  # the shipped one
    assert load_preset("user:lecture_lstm").title == "My lecture"
    entries = {e.name: e for e in scan_presets()}
    assert entries["user:broken"].preset is None and "model.kind" in entries["user:broken"].reason
    assert entries["user:zz_mine"].preset.task_kind == "adding"  # the broken one stops nothing

    assert main(["presets"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["user:lecture_lstm"].endswith("My lecture (yours)")
    assert "(broken: model.kind must be one of" in lines["user:broken"]
    assert "(yours)" not in lines["lecture_lstm"]


def test_preset_takes_names_and_preset_file_takes_files(tmp_path, capsys):
    path = tmp_path / "mine.json"
    save_preset_file(path, RunSettings.from_preset(load_preset("sine_gru")))
    assert main(["train", "--preset", str(path), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "--preset takes a preset's name" in err and f"--preset-file {path}" in err
    out = tmp_path / "run"
    args = ["train", "--preset-file", str(path), "--steps", "2", "--out", str(out)]
    assert main(args) == 0
    from rnnviz.session.files import read_session

    loaded = read_session(tmp_path / "run.rnnviz")
    assert loaded.settings.spec == load_preset("sine_gru").model
    assert main(["train", "--preset", "sine_gru", "--preset-file", str(path)]) == 2
    assert "cannot be combined" in capsys.readouterr().err


def test_a_new_task_kind_drops_the_old_tasks_options_only():
    sine = load_preset("sine_gru")  # seq_len and n_waves
    majority = sine.with_settings({"task.kind": "majority"})
    assert majority.task == {"kind": "majority", "seq_len": sine.task["seq_len"]}
    csv = sine.with_settings({"task.kind": "csv", "task.window": "12"})
    assert csv.task == {"kind": "csv", "window": "12"}
    with pytest.raises(SpecError, match="unknown option 'n_waves' for task 'csv'"):
        from rnnviz.engine.tasks import make_task

        bad = sine.with_settings({"task.kind": "csv", "task.n_waves": "3"})
        make_task(bad.task_kind, **bad.task_options)
