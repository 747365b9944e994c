"""The headless command line: presets, train with a progress bar, one-line errors."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from rnnviz.cli import main
from rnnviz.session.files import read_session


def test_presets_lists_names(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert "lecture_lstm" in out and "adding_rnn" in out


def test_train_writes_a_session_that_reads_back(tmp_path, capsys):
    out_file = tmp_path / "run"
    code = main(
        [
            "train",
            "--preset",
            "sine_gru",
            "--steps",
            "12",
            "--record-every",
            "4",
            "--set",
            "train.batch_size=8",
            "--set",
            "model.hidden_size=4",
            "--out",
            str(out_file),
        ]
    )
    assert code == 0
    summary = capsys.readouterr().out
    assert "12 steps" in summary and "loss" in summary
    loaded = read_session(tmp_path / "run.rnnviz")  # the extension added
    assert loaded.settings.preset_name == "sine_gru"
    assert loaded.trainer.spec.hidden_size == 4 and loaded.trainer.step_count == 12
    history = loaded.trainer.history
    np.testing.assert_array_equal(history.series("step"), np.arange(1, 13))
    assert history.kept_steps == [1, 5, 9, 12]


def test_train_uses_the_windows_thread_count_and_records_the_last_step(tmp_path, capsys):
    """The window's thread count (one core fewer than the machine; so a run continues bit for
    bit in the window), printed; by default records by time share, always the last step."""
    threads = torch.get_num_threads()
    try:
        args = ["train", "--preset", "sine_gru", "--steps", "6", "--out", str(tmp_path / "r")]
        assert main(args) == 0
        assert torch.get_num_threads() == max(1, (os.cpu_count() or 2) - 1)
    finally:
        torch.set_num_threads(threads)
    assert f"training on {max(1, (os.cpu_count() or 2) - 1)} torch thread(s)" in (
        capsys.readouterr().err
    )
    history = read_session(tmp_path / "r.rnnviz").trainer.history
    assert history.kept_steps[0] == 1 and history.kept_steps[-1] == 6


@pytest.mark.parametrize("flag", [["--threads", "0"], ["--record-every", "0"]])
def test_bad_counts_are_refused(flag, capsys):
    assert main(["train", "--preset", "sine_gru", "--steps", "2", *flag]) == 2
    assert "must be" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, reason",
    [
        (["train", "--preset", "nope"], "unknown preset"),
        (["train", "--preset", "sine_gru", "--set", "train.lr=-0.1"], "learning rate"),
        (["train", "--preset", "sine_gru", "--set", "model.hidden_size=0"], "hidden_size"),
        (["train", "--preset", "sine_gru", "--set", "model.wings=2"], "unknown"),
        (["train", "--preset", "sine_gru", "--set", "lr"], "KEY=VALUE"),
    ],
)
def test_invalid_settings_exit_with_one_line(args, reason, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert reason in err and "\n" not in err and "Traceback" not in err


def test_no_traceback_from_the_installed_command():
    result = subprocess.run(
        [sys.executable, "-m", "rnnviz", "train", "--preset", "nope"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("rnnviz: error: unknown preset")
    assert "Traceback" not in result.stderr


def test_hand_set_weights_go_with_another_task_or_model_and_say_so(tmp_path, capsys):
    """Issue 17, defect 9: the lecture's hand-wired weights on another task (or another
    model) are dropped, as the window's Apply does, and the command line says so."""
    from rnnviz.engine.presets import load_preset
    from rnnviz.engine.tasks import make_task

    lecture = load_preset("lecture_lstm")
    same = lecture.with_settings({"task.seq_len": "12"})
    assert same.weights is not None and lecture.dropped_by(same) == ""
    for change in ({"task.kind": "adding"}, {"model.kind": "gru"}):
        edited = lecture.with_settings(change)
        assert edited.weights is None, change
        assert "hand-set weights are dropped" in lecture.dropped_by(edited)
    cliff = load_preset("cliff")
    other = cliff.with_settings({"model.kind": "gru"})
    assert other.weights is None and other.train.freeze == ()
    assert "hand-set weights and frozen parameters" in cliff.dropped_by(other)
    kept = cliff.with_settings({"model.kind": "gru", "train.freeze": "rnn.bias_ih_l0"})
    assert kept.train.freeze == ("rnn.bias_ih_l0",)

    out = tmp_path / "adding.rnnviz"
    args = ["train", "--preset", "lecture_lstm", "--steps", "2", "--out", str(out)]
    assert main([*args, "--set", "task.kind=adding"]) == 0
    assert "rnnviz: the preset's hand-set weights are dropped" in capsys.readouterr().err
    saved = read_session(out)
    assert saved.settings.weights is None and saved.settings.task_kind == "adding"
    assert make_task("adding", seed=0).input_size == saved.trainer.spec.input_size
