"""A session trained on the user's own file remembers the file's path and SHA-256: reopened,
it says when the file changed, and a missing file is named."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from rnnviz.cli import main
from rnnviz.session.data_sources import data_note
from rnnviz.session.files import SessionFileError, read_session


def test_csv_session_says_when_its_file_changed_or_is_missing(tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text("x,y\n" + "".join(f"{i % 7},{(i * 3) % 5}\n" for i in range(60)))
    out = tmp_path / "run.rnnviz"
    args = ["train", "--preset", "sine_gru", "--set", "task.kind=csv"]
    args += ["--set", f"task.path={data}", "--set", "task.window=8", "--steps", "3"]
    assert main([*args, "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        task = json.loads(zf.read("session.json"))["settings"]["$d"]["task"]["$d"]
    assert task["path"] == str(data)
    assert task["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()

    loaded = read_session(out)
    assert loaded.trainer.step_count == 3 and data_note(loaded.trainer) == ""

    data.write_text(data.read_text() + "1,1\n")
    assert "data.csv has changed since this run was saved" in data_note(read_session(out).trainer)
    assert main(["train", "--resume", str(out), "--steps", "1", "--out", str(tmp_path / "b")]) == 0
    assert "data.csv has changed since this run was saved" in capsys.readouterr().err

    data.unlink()
    with pytest.raises(
        SessionFileError, match=r"run.rnnviz cannot be opened: the data file .*data.csv is missing"
    ):
        read_session(out)
