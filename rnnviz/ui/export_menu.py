"""The export menus: "Export PNG 1x/2x/4x…, SVG…, data as CSV…" in a panel's context menu
and in its plots' own right-click menus (``install_export_menu``), and the window's "File >
Export panel…" dialog (``export_panel_dialog``). They ask for a path, call ``export.py`` and
turn a failure into one sentence in a message box.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from rnnviz.ui.export import error_sentence, export, svg_refusal
from rnnviz.ui.export_render import SCALES, title_of

if TYPE_CHECKING:
    from rnnviz.ui.panels.base import Panel

_last_folder: list[str] = []  # where the last export went (the next dialog starts there)

#: the formats the window's export dialog offers: (label, format, scale)
FORMATS = (
    ("PNG 1x", "png", 1),
    ("PNG 2x (slides)", "png", 2),
    ("PNG 4x (print)", "png", 4),
    ("SVG (2D panels)", "svg", 1),
    ("data as CSV", "csv", 1),
)


EXTENSIONS = {
    "png": ("PNG image (*.png)", ".png"),
    "svg": ("SVG drawing (*.svg)", ".svg"),
    "csv": ("CSV data (*.csv)", ".csv"),
}


def default_path(panel, fmt: str, scale: int = 1) -> str:
    folder = _last_folder[-1] if _last_folder else os.getcwd()
    key = getattr(panel, "key", "panel")
    suffix = f"@{scale}x" if fmt == "png" and scale != 1 else ""
    return str(Path(folder) / f"rnnviz_{key}{suffix}{EXTENSIONS[fmt][1]}")


def ask_path(parent: QWidget | None, panel, fmt: str, scale: int = 1) -> str:
    """A save-file dialog for one export ("" when cancelled)."""
    what = {"png": f"PNG {scale}x", "svg": "SVG", "csv": "data as CSV"}[fmt]
    path, _ = QFileDialog.getSaveFileName(
        parent,
        f"Export {title_of(panel)} as {what}",
        default_path(panel, fmt, scale),
        EXTENSIONS[fmt][0],
    )
    return path


def run_export(
    parent: QWidget | None,
    panel,
    fmt: str,
    scale: int = 1,
    path: str | None = None,
    report: Callable[[str], None] | None = None,
) -> list[Path]:
    """Ask for a path (unless given), export, and report: success to ``report`` (e.g. a
    status bar), failure as one sentence in a message box. Returns the paths written."""
    if path is None:
        path = ask_path(parent, panel, fmt, scale)
    if not path:
        return []
    try:
        written = export(panel, path, fmt, scale)
    except Exception as exc:
        QMessageBox.warning(parent, "Export failed", error_sentence(exc))
        return []
    _last_folder[:] = [str(Path(path).expanduser().parent)]
    if report is not None:
        names = ", ".join(p.name for p in written)
        report(f"Exported {title_of(panel)}: {names}")
    return written


def _fill(menu: QMenu, panel, report: Callable[[str], None] | None) -> None:
    for scale in SCALES:
        action = menu.addAction(f"Export PNG {scale}x…")
        action.triggered.connect(
            lambda _c=False, s=scale: run_export(panel, panel, "png", s, report=report)
        )
    svg = menu.addAction("Export SVG…")
    svg.triggered.connect(lambda _c=False: run_export(panel, panel, "svg", report=report))
    menu.aboutToShow.connect(lambda: svg.setEnabled(svg_refusal(panel) is None))
    data = menu.addAction("Export data as CSV…")
    data.triggered.connect(lambda _c=False: run_export(panel, panel, "csv", report=report))


def add_export_actions(menu: QMenu, panel, report: Callable[[str], None] | None = None) -> QMenu:
    """Add an "Export panel" submenu (PNG 1x/2x/4x…, SVG…, data as CSV…) to ``menu``."""
    sub = menu.addMenu("Export panel")
    sub.setObjectName("exportMenu")
    _fill(sub, panel, report)
    return sub


def export_menu(panel, report: Callable[[str], None] | None = None) -> QMenu:
    """The panel's own right-click menu: the export actions."""
    menu = QMenu(panel)
    menu.setObjectName("exportMenu")
    _fill(menu, panel, report)
    return menu


def _view_boxes(panel: QWidget) -> Iterable:
    import pyqtgraph as pg

    for view in panel.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.ViewBox) and getattr(item, "menu", None) is not None:
                yield item


def install_export_menu(panel, report: Callable[[str], None] | None = None) -> QMenu:
    """Offer the exports on ``panel``: a right-click menu on the panel (its summary line and
    background) and an "Export panel" submenu in each of its plots' right-click menus.
    ``report(text)`` receives a line after each export (e.g. the status bar). Once only."""
    existing = getattr(panel, "_export_menu", None)
    if existing is not None:
        return existing
    menu = export_menu(panel, report)
    panel.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    panel.customContextMenuRequested.connect(lambda pos: menu.popup(panel.mapToGlobal(pos)))
    for box in _view_boxes(panel):
        # pyqtgraph makes each plot's menu without a parent, owned by Python: with our
        # actions' slots (held by Qt, out of reach of Python's gc) pointing back at the
        # panel, the menu and the whole window were never freed (~30 MB a closed window).
        # Parented to the panel, the menu goes with it.
        box.menu.setParent(panel, box.menu.windowFlags())
        box.menu.addSeparator()
        add_export_actions(box.menu, panel, report)
    panel._export_menu = menu
    return menu


class ExportDialog(QDialog):
    """File > Export panel…: which panel, which format, where."""

    def __init__(self, parent: QWidget | None, panels: Mapping[str, Panel], current_key: str):
        super().__init__(parent)
        self.setWindowTitle("Export panel")
        self.panels = dict(panels)
        form = QFormLayout(self)
        self.panel_box = QComboBox()
        for key, panel in self.panels.items():
            self.panel_box.addItem(title_of(panel), key)
        self.panel_box.setCurrentIndex(max(0, self.panel_box.findData(current_key)))
        self.format_box = QComboBox()
        for label, fmt, scale in FORMATS:
            self.format_box.addItem(label, (fmt, scale))
        self.format_box.setCurrentIndex(1)  # 2x: slides
        self.path_edit = QLineEdit()
        self.path_edit.setMinimumWidth(380)
        browse = QPushButton("Browse…")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("Panel", self.panel_box)
        form.addRow("Format", self.format_box)
        form.addRow("File", row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        form.addRow(self.buttons)
        self.written: list[Path] = []
        self._suggested = ""  # the file name last suggested (not typed by the user)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        browse.clicked.connect(self._browse)
        self.panel_box.currentIndexChanged.connect(self._suggest)
        self.format_box.currentIndexChanged.connect(self._suggest)
        self._suggest()

    def panel(self):
        return self.panels[self.panel_box.currentData()]

    def choice(self) -> tuple[str, int]:
        return self.format_box.currentData()

    def _suggest(self) -> None:
        """A file name for the chosen panel and format, in the folder of the one shown; a
        name the user typed keeps its stem and only takes the format's extension."""
        fmt, scale = self.choice()
        current = Path(self.path_edit.text().strip()) if self.path_edit.text().strip() else None
        suggestion = Path(default_path(self.panel(), fmt, scale))
        if current is not None and current.name != self._suggested:
            suggestion = current.with_suffix(EXTENSIONS[fmt][1])
        elif current is not None:
            suggestion = current.parent / suggestion.name
        self._suggested = suggestion.name
        self.path_edit.setText(str(suggestion))

    def _browse(self) -> None:
        fmt, scale = self.choice()
        path, _ = QFileDialog.getSaveFileName(
            self, "Export panel", self.path_edit.text(), EXTENSIONS[fmt][0]
        )
        if path:
            self.path_edit.setText(path)

    def _save(self) -> None:
        """Export; on failure say why (one sentence) and stay open to choose again."""
        path = self.path_edit.text().strip()
        if not path:
            QMessageBox.warning(self, "Export failed", "Choose a file to export to.")
            return
        fmt, scale = self.choice()
        key = self.panel_box.currentData()
        show = getattr(self.parent(), "show_panel", None)
        if callable(show):  # a panel behind a tab draws when raised
            show(key)
            QApplication.processEvents()
        self.written = run_export(self, self.panels[key], fmt, scale, path)
        if self.written:
            self.accept()


def export_panel_dialog(
    parent: QWidget | None, panels: Mapping[str, Panel], current_key: str
) -> list[Path]:
    """The window's "File > Export panel…": choose a panel, a format (PNG 1x/2x/4x, SVG,
    CSV) and a file, and export. Returns the paths written (empty when cancelled)."""
    dialog = ExportDialog(parent, panels, current_key)
    dialog.exec()
    written = dialog.written
    if written and parent is not None and hasattr(parent, "statusBar"):
        parent.statusBar().showMessage(f"Exported {', '.join(p.name for p in written)}", 5000)
    return written
