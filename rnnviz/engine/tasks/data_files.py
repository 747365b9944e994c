"""Reading the user's own data files: size-capped, UTF-8, hashed; CSV tables with line numbers
so that every refusal names the line and column.

A data task records the file's SHA-256 (its ``sha256`` option, which a saved session fills
in): a task made again from a changed file says so in ``data_note`` and a missing file is
refused, so a reopened session tells when its data are not the ones it was trained on.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import numpy as np

from rnnviz.engine.spec import SpecError

#: own data are for watching a small model learn: a file far bigger is refused unread
MAX_DATA_BYTES = 20 * 2**20
#: the rows of a CSV (a window is drawn from them; more rows only make the file slower)
MAX_ROWS = 1_000_000
HEADER_CHOICES = ("auto", "yes", "no")
#: options every file task has
FILE_OPTIONS = {"path": "", "sha256": ""}
FILE_HELP = {
    "path": "the data file (File > Open data... chooses one)",
    "sha256": "SHA-256 of the file the run was trained on (filled in when a session is saved; "
    "empty: the file as it is now)",
}


def read_data_file(path: str, task: str) -> tuple[bytes, str, Path]:
    """(the file's bytes, their SHA-256, its path); SpecError when it is not set, missing,
    not a file, empty or larger than MAX_DATA_BYTES."""
    if not path:
        raise SpecError(f"task {task!r} needs a data file: set task.path (or File > Open data...)")
    file = Path(path).expanduser()
    try:
        size = file.stat().st_size
    except OSError:
        raise SpecError(f"the data file {file} is missing (task {task!r})") from None
    if not file.is_file():
        raise SpecError(f"the data file {file} is not a file")
    if size > MAX_DATA_BYTES:
        raise SpecError(
            f"the data file {file.name} is {size / 2**20:.1f} MB; rnnviz reads data files of up "
            f"to {MAX_DATA_BYTES / 2**20:g} MB"
        )
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read the data file {file}: {exc.strerror or exc}") from None
    if not raw.strip():
        raise SpecError(f"the data file {file.name} is empty")
    return raw, hashlib.sha256(raw).hexdigest(), file


def decode_text(raw: bytes, file: Path) -> str:
    """UTF-8 text (a byte-order mark dropped, Windows newlines made plain); SpecError naming
    the line of the first byte that is not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError(
            f"the data file {file.name} is not UTF-8 text (byte {exc.start} on line {line}); "
            "save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def changed_note(file: Path, recorded: str, actual: str) -> str:
    """A sentence when the file's hash differs from the one recorded with the run."""
    if not recorded or recorded == actual:
        return ""
    return (
        f"the data file {file.name} has changed since this run was saved (SHA-256 "
        f"{recorded[:12]}... then, {actual[:12]}... now): its batches are not the ones it "
        "was trained on"
    )


def read_table(text: str, file: Path, header: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(column names, [(line number, cells)]) of a CSV text; the delimiter is the one of
    ',', ';' or tab the first line has most of. ``header``: auto (a first row with a cell
    that is not a number is a header), yes or no. Blank lines are skipped."""
    if header not in HEADER_CHOICES:
        raise SpecError(f"task option 'header' must be one of {', '.join(HEADER_CHOICES)}")
    first = text.lstrip("\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, [c.strip() for c in cells]))
            if len(rows) > MAX_ROWS + 1:
                raise SpecError(f"{file.name} has more than {MAX_ROWS} rows")
    except csv.Error as exc:
        raise SpecError(f"{file.name} line {reader.line_num}: not CSV ({exc})") from None
    if not rows:
        raise SpecError(f"the data file {file.name} has no rows")
    has_header = header == "yes" or (
        header == "auto" and not all(_is_number(c) for c in rows[0][1])
    )
    width = len(rows[0][1])
    names = rows[0][1] if has_header else [str(i + 1) for i in range(width)]
    body = rows[1:] if has_header else rows
    for line, cells in body:
        if len(cells) != width:
            raise SpecError(
                f"{file.name} line {line} has {len(cells)} cell(s), but the "
                f"{'header' if has_header else 'first row'} has {width}"
            )
    return names, body


def numeric_rows(body: list[tuple[int, list[str]]], names: list[str], file: Path) -> np.ndarray:
    """The cells as float64 [N, C]; SpecError naming the line and column of the first empty
    (missing) or non-numeric cell."""
    out = np.empty((len(body), len(names)), dtype=np.float64)
    for i, (line, cells) in enumerate(body):
        for j, cell in enumerate(cells):
            if cell == "" or cell.lower() in ("na", "nan", "null", "none"):
                raise SpecError(
                    f"{file.name} line {line}, column {names[j]!r}: a missing value; every "
                    "cell of the series needs a number (fill or drop that row)"
                )
            if not _is_number(cell):
                raise SpecError(
                    f"{file.name} line {line}, column {names[j]!r}: {cell[:30]!r} is not a number"
                )
            out[i, j] = float(cell)
        if not np.isfinite(out[i]).all():
            raise SpecError(f"{file.name} line {line}: a value is infinite")
    return out


def column_index(names: list[str], chosen: str, option: str, default: int) -> int:
    """The column ``chosen`` by name or 1-based number ("" -> ``default``, e.g. -1 = last)."""
    if chosen == "":
        return default % len(names)
    if chosen in names:
        return names.index(chosen)
    if chosen.isdigit() and 1 <= int(chosen) <= len(names):
        return int(chosen) - 1
    raise SpecError(
        f"task option {option!r}: no column {chosen!r}; the columns are {', '.join(names)} "
        f"(or their numbers 1 to {len(names)})"
    )


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
