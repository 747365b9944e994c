"""Session files: a round trip keeps everything; bad files get one sentence and bounded
memory; a failed save leaves the old file intact; the session layer needs no Qt."""

import dataclasses
import json
import os
import subprocess
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

from rnnviz.engine import archive
from rnnviz.session.files import SessionFileError, read_session
from rnnviz.session.session import Session


def _same(a, b, where="") -> None:
    """Deep equality of what a history holds: arrays exactly (NaN equal to NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, where
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), where
    elif dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    else:
        assert a == b, where


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A compare-mode session (two runs) trained 60 steps, saved, with the cursor moved."""
    session = Session()
    session.load_preset("adding_rnn")
    for trainer in session.trainers():
        for i in range(60):
            trainer.step(record=(i % 9 == 0))
        trainer.set_lr(0.004)
    session.cursor.restore({"step": 37, "t": 3, "unit": 2, "chain": "L0.fwd"})
    path = session.save(tmp_path_factory.mktemp("files") / "compare.rnnviz")
    return session, path


def test_round_trip_keeps_settings_history_cursor_and_weights(trained):
    session, path = trained
    opened = Session()
    opened.open(path)
    assert opened.settings == dataclasses.replace(session.settings)
    assert opened.cursor.to_dict() == {"step": 37, "t": 3, "unit": 2, "chain": "L0.fwd"}
    for a, b in zip(session.trainers(), opened.trainers(), strict=True):
        _same(a.weights(), b.weights(), "weights")
        _same(a.state(), b.state(), "state")
        ha, hb = a.history, b.history
        assert ha.names() == hb.names()
        for name in ha.names():
            _same(ha.series(name), hb.series(name), name)
        assert ha.sparse_names() == hb.sparse_names()
        for name in ha.sparse_names():
            _same(ha.sparse(name), hb.sparse(name), name)
        assert ha.kept_steps == hb.kept_steps
        for step in ha.kept_steps:
            _same(ha.record_at(step), hb.record_at(step), f"record {step}")
        _same(list(ha.checkpoints), list(hb.checkpoints), "checkpoints")
        _same(ha.trajectory_array(), hb.trajectory_array(), "trajectory")
        _same(ha.events, hb.events, "events")
        _same(ha.last, hb.last, "last")


def test_saving_adds_the_extension_and_marks_unmodified(tmp_path):
    session = Session()
    session.load_preset("lecture_lstm")
    session.trainer.step()
    session.set_modified()
    assert session.save(tmp_path / "demo").name == "demo.rnnviz"
    assert not session.modified and session.title == "demo.rnnviz"


def _rewrite(path, out, change):
    """Copy a session file, changing its document with ``change(doc)``."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "session.json":
                doc = json.loads(data)
                change(doc)
                data = json.dumps(doc).encode()
            dst.writestr(info.filename, data)
    return out


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p, d: d / "missing.rnnviz", "cannot open"),
        (lambda p, d: _write(d / "text.rnnviz", b"hello, not a zip"), "not an rnnviz session"),
        (
            lambda p, d: _write(d / "cut.rnnviz", p.read_bytes()[: p.stat().st_size // 2]),
            "truncated",
        ),
        (
            lambda p, d: _rewrite(p, d / "new.rnnviz", lambda doc: doc.update(version=99)),
            "newer rnnviz",
        ),
        (
            lambda p, d: _rewrite(p, d / "other.rnnviz", lambda doc: doc.update(format="x")),
            "not an rnnviz session",
        ),
        (
            lambda p, d: _rewrite(p, d / "bad.rnnviz", lambda doc: doc["runs"].pop("main")),
            "cannot be opened",
        ),
        (
            lambda p, d: _rewrite(p, d / "bad.rnnviz", lambda doc: doc["settings"].update(x=1)),
            "cannot be opened",
        ),
        (lambda p, d: _write(d / "old.npz", b"PK"), "older `rnnviz train --out`"),
        (lambda p, d: d, "not a file"),
    ],
)
def test_bad_files_get_one_sentence(trained, tmp_path, make, message):
    _, good = trained
    path = make(good, tmp_path)
    with pytest.raises(SessionFileError, match=message) as info:
        read_session(path)
    assert "\n" not in str(info.value)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_corrupt_member_is_refused(trained, tmp_path):
    _, good = trained
    out = tmp_path / "flipped.rnnviz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("runs/main/state/weights"):
                data = data[:-8]  # an array whose header promises more than it holds
            dst.writestr(info.filename, data)
    with pytest.raises(SessionFileError, match="corrupt"):
        read_session(out)


def test_zip_bomb_is_refused_without_inflating_it(tmp_path, monkeypatch):
    """Members that declare more than the cap in all are refused from the directory alone.

    The cap is lowered to 64 MiB so that the bomb (5 x 32 MiB of zeros, deflated to ~160 KiB)
    is quick to write; the check is the same arithmetic as at the real 4 GiB.
    """
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 64 * 2**20)
    bomb = tmp_path / "bomb.rnnviz"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("session.json", b'{"format": "rnnviz-session", "version": 1}')
        for i in range(5):
            with zf.open(f"big{i}.npy", "w", force_zip64=True) as member:
                for _ in range(32):
                    member.write(chunk)
    assert bomb.stat().st_size < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(SessionFileError, match="would unpack to"):
            read_session(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20  # inflating any one member would need 32 MiB


def test_member_inflating_beyond_its_declared_size_is_cut_off(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_DOCUMENT_BYTES", 1 << 20)
    path = tmp_path / "liar.rnnviz"
    doc = b'{"format": "rnnviz-session", "version": 1, "pad": "' + b"x" * (4 << 20) + b'"}'
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("session.json", doc)
    tracemalloc.start()
    try:
        with pytest.raises(SessionFileError, match="larger than this app reads"):
            read_session(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 << 20


def test_failed_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    session = Session()
    session.load_preset("lecture_lstm")
    path = session.save(tmp_path / "keep.rnnviz")
    before = path.read_bytes()
    for _ in range(5):
        session.trainer.step()
    session.set_modified()

    def crash(src, dst):  # the process dies between writing and renaming
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(SessionFileError, match="No space left"):
        session.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.rnnviz"]  # no temp left
    assert session.modified
    monkeypatch.undo()
    assert read_session(path).trainer.step_count == 0


def test_session_layer_works_with_qt_unimportable(tmp_path):
    code = f"""
import sys
for name in ("PySide6", "shiboken6", "pyqtgraph", "superqt", "OpenGL"):
    sys.modules[name] = None  # any import of them raises ImportError
from rnnviz.session.session import Session
s = Session(); s.load_preset("lecture_lstm"); s.trainer.step()
p = s.save({str(tmp_path / "noqt")!r})
t = Session(); t.open(p)
assert t.trainer.step_count == 1
assert not any(m.split(".")[0] in ("PySide6", "pyqtgraph") for m in sys.modules
               if sys.modules[m] is not None)
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
