"""A zip of one JSON document and named ``.npy`` arrays, written atomically and read safely.

Writing: everything goes to a temporary file in the destination's folder, which is flushed,
fsynced and then renamed over the destination (``os.replace`` is atomic on one file
system), so an existing file is never left half-written: a crash before the rename leaves the
old file as it was.

Reading never executes anything (JSON, and ``.npy`` with ``allow_pickle=False``) and never
allocates more than the caps allow: the file's size, every member's declared size and their
sum are checked before any payload is decompressed, and a member is read with a limit, so a
zip bomb (a tiny member that claims, or inflates to, gigabytes) is refused, not inflated.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

import numpy as np

DOCUMENT = "session.json"
#: a file above this is refused before it is opened
MAX_FILE_BYTES = 2 * 1024**3
#: the sum of the members' uncompressed sizes may not exceed this
MAX_TOTAL_BYTES = 4 * 1024**3
#: the JSON document may not exceed this
MAX_DOCUMENT_BYTES = 64 * 1024**2
MAX_MEMBERS = 200_000


class ArchiveError(ValueError):
    """The file is not a readable archive; the message is one sentence for the user."""


def write_archive(path: str | Path, document: dict, arrays: dict[str, np.ndarray]) -> Path:
    """Write ``document`` (as ``session.json``) and ``arrays`` (``<name>.npy``) to ``path``
    atomically. Raises OSError (the destination untouched) when it cannot be written."""
    path = Path(path)
    text = json.dumps(document, allow_nan=False, separators=(",", ":")).encode("utf-8")
    with atomic_file(path) as raw:
        with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr(DOCUMENT, text)
            for name, array in arrays.items():
                with zf.open(f"{name}.npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
    return path


@contextmanager
def atomic_file(path: str | Path):
    """A binary file to write ``path``'s new content into: a temporary file in the same
    folder, flushed, fsynced and renamed over ``path`` when the block ends without an
    exception (removed otherwise, leaving ``path`` as it was)."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            yield raw
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


class Archive:
    """An open archive: ``document`` (the JSON, already read) and ``archive[name]``, an
    array read on demand within the caps. Use as a context manager."""

    def __init__(self, path: str | Path, what: str = "rnnviz session") -> None:
        self.path = Path(path)
        self.what = what
        self._zip = _open_zip(self.path, what)
        try:
            self._sizes = _member_sizes(self._zip, self.path, what)
            self.document = self._read_document()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        return [n.removesuffix(".npy") for n in self._sizes if n.endswith(".npy")]

    def __getitem__(self, name: str) -> np.ndarray:
        member = f"{name}.npy"
        if member not in self._sizes:
            raise ArchiveError(f"{self.path.name} is incomplete: it lacks the array {name!r}")
        return _load_npy(self._read(member), f"{self.path.name} is corrupt: the array {name!r}")

    def _read_document(self) -> dict:
        if DOCUMENT not in self._sizes:
            raise ArchiveError(f"{self.path.name} is not an {self.what} file (no {DOCUMENT})")
        if self._sizes[DOCUMENT] > MAX_DOCUMENT_BYTES:
            raise ArchiveError(f"{self.path.name}'s {DOCUMENT} is larger than this app reads")
        try:
            document = json.loads(self._read(DOCUMENT).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise ArchiveError(f"{self.path.name} is corrupt: {DOCUMENT} is not JSON") from exc
        if not isinstance(document, dict):
            raise ArchiveError(f"{self.path.name} is corrupt: {DOCUMENT} is not an object")
        return document

    def _read(self, member: str) -> bytes:
        """A member's bytes, reading at most its declared size (plus one byte, to notice a
        member that inflates beyond what it declared)."""
        limit = self._sizes[member]
        try:
            with self._zip.open(member) as stream:
                data = stream.read(limit + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,  # a damaged deflate stream
            NotImplementedError,  # a compression method zipfile does not know
            OSError,
            EOFError,
            RuntimeError,
            ValueError,
        ) as exc:
            raise ArchiveError(f"{self.path.name} is corrupt or truncated ({exc})") from exc
        if len(data) > limit:
            raise ArchiveError(f"{self.path.name} is corrupt: {member} is larger than declared")
        return data


def _load_npy(data: bytes, where: str) -> np.ndarray:
    """An array from ``.npy`` bytes, checked before numpy allocates it: the magic (text is
    "not an array", not numpy's "pickled data") and a header whose shape fits in the bytes
    that follow (a lying header declaring 10^12 elements would otherwise allocate them)."""
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        else:
            shape, _fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise ArchiveError(f"{where} is not a .npy array ({exc})") from None
    if dtype.hasobject:
        raise ArchiveError(f"{where} holds Python objects, which this app never loads")
    declared = math.prod(shape) * dtype.itemsize
    if declared > len(data) - stream.tell():
        raise ArchiveError(f"{where} declares {declared} bytes but holds fewer")
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ArchiveError(f"{where} ({exc})") from exc


def _open_zip(path: Path, what: str) -> zipfile.ZipFile:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArchiveError(f"cannot open {path}: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise ArchiveError(f"{path} is not a file")
    if size > MAX_FILE_BYTES:
        raise ArchiveError(f"{path.name} is {size / 1024**3:.1f} GiB, larger than this app opens")
    try:
        return zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, ValueError, NotImplementedError) as exc:
        raise ArchiveError(f"{path.name} is not an {what} file, or it is truncated") from exc
    except OSError as exc:
        raise ArchiveError(f"cannot open {path}: {exc.strerror or exc}") from exc


def _member_sizes(zf: zipfile.ZipFile, path: Path, what: str) -> dict[str, int]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(f"{path.name} has {len(infos)} members, more than an {what} has")
    sizes = {info.filename: info.file_size for info in infos}
    total = sum(sizes.values())
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(
            f"{path.name} would unpack to {total / 1024**3:.1f} GiB, more than this app "
            f"reads ({MAX_TOTAL_BYTES / 1024**3:.0f} GiB)"
        )
    return sizes


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
