"""Every unreadable session file gives one sentence (issue 17, defect 10): damaged deflate
streams, unknown compression, a JSON header of the wrong type or nesting, a plain .npy, a
lying array header (never allocated), text where an array should be."""

import io
import json
import tracemalloc
import zipfile

import numpy as np
import pytest

from rnnviz.session.files import SessionFileError, read_session
from rnnviz.session.session import Session


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    session = Session()
    session.load_preset("adding_rnn")
    session.trainer.step()
    return session.save(tmp_path_factory.mktemp("unreadable") / "good.rnnviz")


def _refused(path, *words: str) -> str:
    with pytest.raises(SessionFileError) as info:
        read_session(path)
    text = str(info.value)
    assert "\n" not in text
    for word in words:
        assert word in text, text
    return text


def _zip(path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _replaced(good, path, member: str, data: bytes):
    """A copy of ``good`` with one member's bytes replaced."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename == member else src.read(info))
    return path


@pytest.mark.parametrize("header", ["[]", '"text"', "null", "5", "[1, 2]"])
def test_a_json_header_that_is_not_an_object(header, tmp_path):
    path = _zip(tmp_path / "h.rnnviz", {"session.json": header.encode()})
    _refused(path, "h.rnnviz is corrupt: session.json is not an object")


def test_a_json_header_nested_thousands_deep(tmp_path):
    deep = b"[" * 100_000 + b"]" * 100_000
    _refused(_zip(tmp_path / "d.rnnviz", {"session.json": deep}), "session.json is not JSON")


def test_sections_of_the_wrong_type(good, tmp_path):
    with zipfile.ZipFile(good) as zf:
        doc = json.loads(zf.read("session.json"))
    doc["runs"]["main"]["history"]["caps"] = [1, 2]  # .items() of a list
    path = _replaced(good, tmp_path / "s.rnnviz", "session.json", json.dumps(doc).encode())
    _refused(path, "s.rnnviz cannot be opened")
    doc["runs"]["main"]["history"]["caps"] = {}
    doc["settings"]["$d"]["model"] = []  # plain.py's encoding: {"$d": {...}} is a dict
    path = _replaced(good, tmp_path / "t.rnnviz", "session.json", json.dumps(doc).encode())
    _refused(path, "t.rnnviz cannot be opened: the 'model' settings must be an object")
    doc["settings"]["$d"]["model"] = {"$d": {"peephole": "False"}}
    path = _replaced(good, tmp_path / "u.rnnviz", "session.json", json.dumps(doc).encode())
    _refused(path, "u.rnnviz cannot be opened: model.peephole must be true or false")


def test_a_damaged_deflate_stream(tmp_path):
    text = json.dumps({"format": "rnnviz-session", "pad": list(range(20000))}).encode()
    path = _zip(tmp_path / "z.rnnviz", {"session.json": text})
    raw = bytearray(path.read_bytes())
    start = 30 + len("session.json")  # the local header, then the compressed bytes
    raw[start + 10 : start + 400] = bytes(range(256)) + bytes(134)
    path.write_bytes(bytes(raw))
    _refused(path, "z.rnnviz is corrupt or truncated")


def test_an_unknown_compression_method(tmp_path):
    path = _zip(tmp_path / "m.rnnviz", {"session.json": b"{}"}, method=zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    local = raw.find(b"PK\x03\x04")
    central = raw.find(b"PK\x01\x02")
    raw[local + 8 : local + 10] = (99).to_bytes(2, "little")
    raw[central + 10 : central + 12] = (99).to_bytes(2, "little")
    path.write_bytes(bytes(raw))
    _refused(path, "m.rnnviz")


def test_a_plain_npy_file(tmp_path):
    path = tmp_path / "a.rnnviz"
    np.save(path.with_suffix(".npy"), np.arange(5))
    path.with_suffix(".npy").rename(path)
    _refused(path, "a.rnnviz is not an rnnviz session file")


def _lying_npy(elements: int) -> bytes:
    stream = io.BytesIO()
    header = {"descr": "<f8", "fortran_order": False, "shape": (elements,)}
    np.lib.format.write_array_header_1_0(stream, header)
    return stream.getvalue() + b"\0" * 64


def test_a_lying_array_header_is_refused_without_allocating(good, tmp_path):
    with zipfile.ZipFile(good) as zf:
        member = next(n for n in zf.namelist() if n.startswith("runs/main/state/weights"))
    path = _replaced(good, tmp_path / "l.rnnviz", member, _lying_npy(10**12))
    tracemalloc.start()
    try:
        _refused(path, "declares 8000000000000 bytes but holds fewer")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20


def test_text_where_an_array_should_be(good, tmp_path):
    with zipfile.ZipFile(good) as zf:
        member = next(n for n in zf.namelist() if n.startswith("runs/main/state/weights"))
    path = _replaced(good, tmp_path / "x.rnnviz", member, b"just some text\n")
    text = _refused(path, "is not a .npy array")
    assert "pickled" not in text


def test_cli_says_the_same_sentence(good, tmp_path, capsys):
    from rnnviz.cli import main

    path = _zip(tmp_path / "h.rnnviz", {"session.json": b"null"})
    assert main(["export", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == "rnnviz: error: h.rnnviz is corrupt: session.json is not an object\n"
