"""Export a panel: its picture (PNG at 1x / 2x / 4x, SVG where it is 2D) and its data (CSV).

A panel says what it draws with ``Panel.export_tables()``: named ``Table``s holding exactly
the numbers it got in its last ``show_record`` / ``show_compare``. ``export_png`` renders the
panel widget at ``scale`` times its resolution (the 3D loss surface from its OpenGL
read-back), ``export_svg`` paints it into an SVG (refused for the 3D view), ``export_csv``
writes one CSV file per table. Every file is written atomically (a temporary file in the same
folder, flushed and fsynced, then renamed over the target).

The menus and the window's dialog that call these are in ``export_menu.py``.
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
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QRegion, QVector3D
from PySide6.QtWidgets import (
    QApplication,
    QWidget,
)

from rnnviz.session.export import atomic_write

if TYPE_CHECKING:  # the panels import this module (Table): no import of them at run time
    from rnnviz.ui.panels.base import Panel

SCALES = (1, 2, 4)


class ExportError(Exception):
    """An export that cannot be done; its text is one sentence for the user."""


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


# -- pictures ---------------------------------------------------------------------------------
def _check_size(panel: QWidget) -> None:
    if panel.width() < 8 or panel.height() < 8:
        raise ExportError(f"The {_title(panel)} panel has not been laid out yet: show it first.")


def _title(panel) -> str:
    return getattr(panel, "title", type(panel).__name__)


def _gl_widget(panel) -> QWidget | None:
    """The 3D view the panel shows now (the loss surface's 3D tab), else None."""
    shown = getattr(panel, "shown_gl_widget", None)
    return shown() if callable(shown) else None


def is_blank(image: QImage) -> bool:
    """True when every pixel of ``image`` has the same colour."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    if image.width() == 0 or image.height() == 0:
        return True
    bits = image.constBits()
    data = np.frombuffer(bits, dtype=np.uint32, count=image.height() * image.bytesPerLine() // 4)
    data = data.reshape(image.height(), -1)[:, : image.width()]
    return bool((data == data[0, 0]).all())


def render_image(panel: QWidget, scale: int = 1) -> QImage:
    """The panel as it is on screen, at ``scale`` times its resolution (text and lines drawn
    at that resolution, not magnified)."""
    if scale not in SCALES:
        raise ExportError(f"Scale {scale} is not offered; choose 1, 2 or 4.")
    _check_size(panel)
    QApplication.processEvents()  # pending layout and repaints first
    size = panel.size()
    image = QImage(size.width() * scale, size.height() * scale, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(panel.palette().color(QPalette.ColorRole.Window))
    painter = QPainter(image)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        panel.render(
            painter,
            QPoint(0, 0),
            QRegion(),
            QWidget.RenderFlag.DrawChildren | QWidget.RenderFlag.DrawWindowBackground,
        )
        gl = _gl_widget(panel)
        if gl is not None:
            frame = gl_frame(gl, scale)
            origin = gl.mapTo(panel, QPoint(0, 0))
            painter.drawImage(QRectF(origin.x(), origin.y(), gl.width(), gl.height()), frame)
    finally:
        painter.end()
    return image


def gl_frame(view, scale: int = 1) -> QImage:
    """A pyqtgraph GLViewWidget's picture read back from OpenGL at ``scale`` times its size:
    ``renderToArray`` into a framebuffer object (its text labels, which pyqtgraph paints
    with a QPainter on the widget, drawn over it here); the widget's own framebuffer
    (``grabFramebuffer``), magnified, where that fails. Refuses a blank picture."""
    frame = view.grabFramebuffer()  # also lays out the projection the labels use
    if frame.isNull() or is_blank(frame):
        raise ExportError(
            "The 3D view read back blank from OpenGL; export the Map tab or the data as CSV."
        )
    frame.setDevicePixelRatio(max(1.0, frame.width() / max(view.width(), 1)))
    if scale == 1:
        return frame
    try:
        image = _render_gl_scaled(view, scale)
    except Exception:  # a driver without framebuffer objects: the screen picture, magnified
        image = None
    if image is None or is_blank(image):
        image = frame.scaled(
            view.width() * scale,
            view.height() * scale,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    image.setDevicePixelRatio(scale)
    return image


def _render_gl_scaled(view, scale: int) -> QImage | None:
    import pyqtgraph.opengl as gl

    texts = [
        item
        for item in view.items
        if isinstance(item, gl.GLTextItem) and item.visible() and item.text
    ]
    placed = []
    for item in texts:  # where the last on-screen paint put each label (widget pixels)
        point = item.compute_projection().map(QVector3D(*item.pos)).toPointF()
        placed.append((item.align_text(point), item.text, item.font, item.color))
    # lines and points are sized in pixels: as thick, relative to the picture, as on screen
    lines = [i for i in view.items if isinstance(i, gl.GLLinePlotItem)]
    points = [i for i in view.items if isinstance(i, gl.GLScatterPlotItem) and np.isscalar(i.size)]
    widths = [item.width for item in lines]
    sizes = [item.size for item in points]
    for item in texts:
        item.setVisible(False)
    try:
        for item, width in zip(lines, widths, strict=True):
            item.width = width * scale
        for item, size in zip(points, sizes, strict=True):
            item.size = size * scale
        pixels = view.renderToArray((view.width() * scale, view.height() * scale))
    finally:
        for item, width in zip(lines, widths, strict=True):
            item.width = width
        for item, size in zip(points, sizes, strict=True):
            item.size = size
        for item in texts:
            item.setVisible(True)
        view.update()
    pixels = np.ascontiguousarray(pixels)
    h, w = pixels.shape[:2]
    image = QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_ARGB32).copy()
    image.setDevicePixelRatio(scale)
    painter = QPainter(image)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        for point, text, font, colour in placed:
            painter.setPen(QColor(colour))
            painter.setFont(font)
            painter.drawText(point, text)
    finally:
        painter.end()
    return image


def _image_bytes(image: QImage, fmt: str = "PNG") -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, fmt)
    buffer.close()
    if not ok:
        raise ExportError(f"Qt could not encode the picture as {fmt}.")
    return bytes(data.data())


def export_png(panel: Panel, path: str | os.PathLike, scale: int = 1) -> Path:
    """Write the panel as a PNG at ``scale`` (1, 2 or 4) times its on-screen resolution."""
    image = render_image(panel, scale)
    if is_blank(image):
        raise ExportError(f"The {_title(panel)} panel rendered blank; nothing was written.")
    return write_atomic(_with_suffix(path, ".png"), _image_bytes(image))


def svg_refusal(panel) -> str | None:
    """Why the panel cannot be an SVG now (None: it can)."""
    if _gl_widget(panel) is not None:
        return (
            f"The {_title(panel)} panel shows a 3D view, which has no SVG form: export it "
            "as PNG, or switch to its Map tab for an SVG."
        )
    return None


def svg_bytes(panel: Panel) -> bytes:
    """The panel painted into an SVG document (vector lines and text, images embedded)."""
    from PySide6.QtSvg import QSvgGenerator

    refusal = svg_refusal(panel)
    if refusal:
        raise ExportError(refusal)
    _check_size(panel)
    QApplication.processEvents()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # SVG 1.1 (not Tiny 1.2): clip paths, so nothing shows beyond a plot as it does not on screen
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    generator.setOutputDevice(buffer)
    generator.setSize(panel.size())
    generator.setViewBox(QRect(0, 0, panel.width(), panel.height()))
    generator.setTitle(_title(panel))
    generator.setDescription(f"rnnviz: the {_title(panel)} panel")
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
        raise ExportError(f"The {_title(panel)} panel has drawn nothing yet: train a step first.")
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
