"""Export a panel: its picture (PNG at 1x / 2x / 4x, SVG where it is 2D) and its data (CSV).

A panel says what it draws with ``Panel.export_tables()``: named ``Table``s holding exactly
the numbers it got in its last ``show_record`` / ``show_compare``. ``export_png`` renders the
panel widget at ``scale`` times its resolution (the 3D loss surface from its OpenGL
read-back), ``export_svg`` paints it into an SVG (refused for the 3D view), ``export_csv``
writes one CSV file per table. Every file is written atomically (a temporary file in the same
folder, flushed and fsynced, then renamed over the target).

The rendering is in ``export_render.py``; the menus and the window's dialog that call these
are in ``export_menu.py``.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect
from PySide6.QtGui import QPainter, QRegion
from PySide6.QtWidgets import (
    QApplication,
    QWidget,
)

from rnnviz.session.export import atomic_write
from rnnviz.ui.export_render import (
    ExportError,
    check_size,
    gl_widget,
    image_bytes,
    is_blank,
    render_image,
    title_of,
)

if TYPE_CHECKING:  # the panels import this module (Table): no import of them at run time
    from rnnviz.ui.panels.base import Panel


# -- tables -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """Numbers a panel draws: a header row and data rows (a list of lists or a 2-D array).
    ``name`` says what they are (for people; the dict key in ``export_tables`` names the file).
    Cells are numbers (written with every digit), strings, or None (an empty cell)."""

    header: list[str]
    rows: list[list] | np.ndarray = field(default_factory=list)
    name: str = ""

    def __len__(self) -> int:
        return len(self.rows)


def cell(value) -> str:
    """One CSV cell: floats with every digit (``repr(float(v))``), ints as ints, None empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | np.integer):
        return str(int(value))
    return repr(float(value))


def columns_table(columns: Mapping[str, Sequence], name: str = "") -> Table:
    """A table from named columns (shorter columns padded with empty cells)."""
    cols = [
        list(np.asarray(c).tolist()) if isinstance(c, np.ndarray) else list(c)
        for c in columns.values()
    ]
    n = max((len(c) for c in cols), default=0)
    rows = [[c[i] if i < len(c) else None for c in cols] for i in range(n)]
    return Table(list(columns), rows, name)


def merged_table(x_name: str, series: Mapping[str, tuple], name: str = "") -> Table:
    """Curves over a shared x (e.g. training steps), one column each, on the union of their
    x values (empty cells where a curve has no point there)."""
    lookups = []
    xs: set = set()
    for x, y in series.values():
        x = np.asarray(x).tolist()
        y = np.asarray(y).tolist()
        lookups.append(dict(zip(x, y, strict=False)))
        xs.update(x[: len(y)])
    rows = [[x, *(lookup.get(x) for lookup in lookups)] for x in sorted(xs)]
    return Table([x_name, *series], rows, name)


def grid_table(
    labels: Mapping[str, Sequence],
    column_names: Sequence[str],
    values: np.ndarray,
    name: str = "",
) -> Table:
    """A labelled 2-D array: ``labels`` are the leading columns (e.g. t, token), one row per
    row of ``values``; ``column_names`` name its columns (e.g. unit 0 .. unit H-1)."""
    values = np.asarray(values)
    label_cols = [list(c) for c in labels.values()]
    rows = [[*(c[i] for c in label_cols), *values[i].tolist()] for i in range(values.shape[0])]
    return Table([*labels, *column_names], rows, name)


def table_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([str(h) for h in table.header])
    rows = table.rows.tolist() if isinstance(table.rows, np.ndarray) else table.rows
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


# -- atomic files -----------------------------------------------------------------------------
def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, flushed
    and fsynced, then renamed over ``path``. Errors become an ExportError sentence."""
    path = Path(path).expanduser()
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"The folder {folder} does not exist.")
    try:
        return atomic_write(path, data)
    except OSError as exc:
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}.") from exc


def _with_suffix(path: str | os.PathLike, suffix: str) -> Path:
    path = Path(path).expanduser()
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "table"


def export_png(panel: Panel, path: str | os.PathLike, scale: int = 1) -> Path:
    """Write the panel as a PNG at ``scale`` (1, 2 or 4) times its on-screen resolution."""
    image = render_image(panel, scale)
    if is_blank(image):
        raise ExportError(f"The {title_of(panel)} panel rendered blank; nothing was written.")
    return write_atomic(_with_suffix(path, ".png"), image_bytes(image))


def svg_refusal(panel) -> str | None:
    """Why the panel cannot be an SVG now (None: it can)."""
    if gl_widget(panel) is not None:
        return (
            f"The {title_of(panel)} panel shows a 3D view, which has no SVG form: export it "
            "as PNG, or switch to its Map tab for an SVG."
        )
    return None


def svg_bytes(panel: Panel) -> bytes:
    """The panel painted into an SVG document (vector lines and text, images embedded)."""
    from PySide6.QtSvg import QSvgGenerator

    refusal = svg_refusal(panel)
    if refusal:
        raise ExportError(refusal)
    check_size(panel)
    QApplication.processEvents()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # SVG 1.1 (not Tiny 1.2): clip paths, so nothing shows beyond a plot as it does not on screen
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    generator.setOutputDevice(buffer)
    generator.setSize(panel.size())
    generator.setViewBox(QRect(0, 0, panel.width(), panel.height()))
    generator.setTitle(title_of(panel))
    generator.setDescription(f"rnnviz: the {title_of(panel)} panel")
    painter = QPainter(generator)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        painter.fillRect(QRect(QPoint(0, 0), panel.size()), panel.palette().window())
        panel.render(
            painter,
            QPoint(0, 0),
            QRegion(),
            QWidget.RenderFlag.DrawChildren | QWidget.RenderFlag.DrawWindowBackground,
        )
    finally:
        painter.end()
        buffer.close()
    return bytes(data.data())


def export_svg(panel: Panel, path: str | os.PathLike) -> Path:
    """Write the panel as an SVG (2-D panels; the 3D view is refused with a sentence)."""
    return write_atomic(_with_suffix(path, ".svg"), svg_bytes(panel))


def export_csv(panel: Panel, path: str | os.PathLike) -> list[Path]:
    """Write the numbers the panel draws: ``path`` itself when it has one table, else one
    file per table, ``<stem>_<table>.csv`` beside it. Returns the paths written."""
    tables = {k: t for k, t in panel.export_tables().items() if t is not None}
    if not tables:
        raise ExportError(f"The {title_of(panel)} panel has drawn nothing yet: train a step first.")
    path = _with_suffix(path, ".csv")
    if len(tables) == 1:
        (table,) = tables.values()
        return [write_atomic(path, table_text(table).encode("utf-8"))]
    written = []
    for key, table in tables.items():
        target = path.with_name(f"{path.stem}_{_safe(key)}.csv")
        written.append(write_atomic(target, table_text(table).encode("utf-8")))
    return written


def export(panel: Panel, path: str | os.PathLike, fmt: str, scale: int = 1) -> list[Path]:
    """One export by format name ("png", "svg" or "csv"); returns the paths written."""
    if fmt == "png":
        return [export_png(panel, path, scale)]
    if fmt == "svg":
        return [export_svg(panel, path)]
    if fmt == "csv":
        return export_csv(panel, path)
    raise ExportError(f"Unknown export format {fmt!r}; choose PNG, SVG or CSV.")


def error_sentence(exc: BaseException) -> str:
    """What went wrong, as one sentence (never a traceback)."""
    if isinstance(exc, ExportError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"Could not write the file: {exc.strerror or exc}."
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return f"The export failed: {text}."
