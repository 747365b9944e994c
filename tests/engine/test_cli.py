"""The headless command line: presets, train with a progress bar, one-line errors."""

import subprocess
import sys

import numpy as np
import pytest

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
