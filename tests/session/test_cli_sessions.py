"""The command line's sessions: train --out / --resume (exact), Ctrl-C keeps what was
trained, the output path is checked before training, export writes what the history holds."""

import csv
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from rnnviz.cli import main
from rnnviz.session.files import read_session

SMALL = ["--set", "train.batch_size=8", "--set", "model.hidden_size=5"]


def _train(*args) -> int:
    return main(["train", "--preset", "adding_lstm", "--record-every", "5", *SMALL, *args])


def test_resume_continues_exactly(tmp_path, capsys):
    assert _train("--steps", "30", "--out", str(tmp_path / "straight.rnnviz")) == 0
    assert _train("--steps", "18", "--out", str(tmp_path / "part.rnnviz")) == 0
    args = ["train", "--resume", str(tmp_path / "part.rnnviz"), "--steps", "12"]
    assert main([*args, "--record-every", "5"]) == 0
    assert "session written to" in capsys.readouterr().out
    straight = read_session(tmp_path / "straight.rnnviz").trainer
    resumed = read_session(tmp_path / "part.rnnviz").trainer  # written back in place
    assert resumed.step_count == 30
    for name, value in straight.weights().items():
        assert np.array_equal(value, resumed.weights()[name]), name
    assert np.array_equal(straight.history.series("loss"), resumed.history.series("loss"))


@pytest.mark.parametrize("make", [lambda d: d, lambda d: d / "no" / "such" / "folder" / "x"])
def test_unwritable_out_is_refused_before_training(tmp_path, capsys, make):
    started = time.perf_counter()
    assert _train("--steps", "100000", "--out", str(make(tmp_path))) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rnnviz: error:") and "\n" not in err
    assert "folder" in err  # "is a folder" or "the folder ... does not exist"
    assert time.perf_counter() - started < 60  # not after 100000 steps


def test_resume_refuses_settings_changes(tmp_path, capsys):
    assert _train("--steps", "2", "--out", str(tmp_path / "a.rnnviz")) == 0
    args = ["train", "--resume", str(tmp_path / "a.rnnviz"), "--set", "train.lr=0.1"]
    assert main(args) == 2
    assert "--set cannot change a resumed session" in capsys.readouterr().err


def test_ctrl_c_writes_the_steps_trained_so_far(tmp_path):
    out = tmp_path / "interrupted.rnnviz"
    command = [
        sys.executable,
        "-m",
        "rnnviz",
        "train",
        "--preset",
        "adding_lstm",
        *SMALL,
        "--steps",
        "1000000",
        "--out",
        str(out),
    ]
    child = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    progress = b""
    try:
        while not re.search(rb"\b([2-9]\d|\d{3,})/1000000", progress):  # >= 20 steps shown
            chunk = child.stderr.read1(4096)
            assert chunk, progress.decode(errors="replace")
            progress += chunk
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130
    trained = int(re.search(rb"stopped after (\d+) step", stderr).group(1))
    assert trained >= 20
    loaded = read_session(out)
    assert loaded.trainer.step_count == trained == len(loaded.trainer.history)
    assert b"session written to" in stdout


def test_export_writes_every_digit_of_the_history(tmp_path, capsys):
    session_file = tmp_path / "run.rnnviz"
    assert _train("--steps", "12", "--out", str(session_file)) == 0
    out = tmp_path / "out"
    assert (
        main(["export", str(session_file), "--what", "loss,dh_norm,events", "--to", str(out)]) == 0
    )
    history = read_session(session_file).trainer.history
    with open(out / "loss.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["step", "loss"]
    assert [int(r[0]) for r in rows[1:]] == list(range(1, 13))
    assert np.array_equal([float(r[1]) for r in rows[1:]], history.series("loss"))
    with open(out / "dh_norm.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["step", "t", "L0.fwd"]
    record = history.record_at(6)
    mine = [float(r[2]) for r in rows[1:] if r[0] == "6"]
    assert np.array_equal(mine, record.dh_norm["L0.fwd"])
    assert [int(r[1]) for r in rows[1:] if r[0] == "6"] == list(range(len(mine)))


def test_export_refuses_unknown_items_and_lists_them(tmp_path, capsys):
    assert _train("--steps", "2", "--out", str(tmp_path / "a.rnnviz")) == 0
    assert main(["export", str(tmp_path / "a.rnnviz"), "--what", "lossy"]) == 2
    err = capsys.readouterr().err
    assert "unknown export item(s) lossy" in err and "dh_norm" in err
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "dh_norm" in capsys.readouterr().out
