"""The File menu's session actions: Open, Save, Save As, Open Recent, and the questions a
desktop tool asks before work is lost (closing or opening with unsaved training).

They act on the window's ``RunController`` (which pauses training before a save and opens a
file aside before replacing the run) and keep the window title in step with the session:
"name.rnnviz* — rnnviz", the ``*`` while trained since the last save.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

if TYPE_CHECKING:
    from rnnviz.ui.window import MainWindow

FILE_FILTER = "rnnviz sessions (*.rnnviz)"
RECENT_KEY = "files/recent"
MAX_RECENT = 8


def build_file_menu(window: MainWindow) -> FileActions:
    """Add New from preset, Open, Save, Save As, Open Recent and Export panel to the File
    menu (before its first entry, the screenshot)."""
    from rnnviz.ui.export_menu import export_panel_dialog

    file_menu = window.menuBar().actions()[0].menu()
    first = file_menu.actions()[0]
    new_menu = QMenu("&New from preset", window)
    new_menu.setToolTipsVisible(True)
    # the Presets menu's own actions (filled by build_menus): each preset file read once
    new_menu.addActions(window.presets_menu.actions())
    file_menu.insertMenu(first, new_menu)
    actions = FileActions(window, file_menu, first)
    from rnnviz.ui.own_files_menu import install_own_files

    actions.own = install_own_files(window, file_menu, first)
    export = QAction("&Export panel…", window)
    export.setShortcut(QKeySequence("Ctrl+E"))
    export.setToolTip("A panel as PNG (1x/2x/4x for slides), SVG, or its numbers as CSV")
    export.triggered.connect(
        lambda: export_panel_dialog(window, window.panels, _front_panel(window))
    )
    file_menu.insertAction(first, export)
    actions.update_title()
    return actions


def _front_panel(window: MainWindow) -> str:
    """The key of a panel on screen (the dialog's first choice)."""
    for key, dock in window.docks.items():
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            return key
    return next(iter(window.docks))


def dropped_session(mime) -> Path | None:
    """The local ``.rnnviz`` file dragged onto the window, if that is what it is."""
    urls = mime.urls() if mime.hasUrls() else []
    if len(urls) == 1 and urls[0].isLocalFile():
        path = Path(urls[0].toLocalFile())
        if path.suffix == ".rnnviz":
            return path
    return None


def ask_yes(parent, title: str, text: str) -> bool:
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    answer = QMessageBox.question(parent, title, text, buttons, QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


class FileActions:
    """Builds the session entries of ``file_menu`` and carries them out for ``window``."""

    def __init__(self, window: MainWindow, file_menu: QMenu, before: QAction) -> None:
        self.window = window
        self.session = window.run_control.session
        entries = [
            ("&Open…", QKeySequence.StandardKey.Open, self.open_dialog),
            ("&Save", QKeySequence.StandardKey.Save, self.save),
            ("Save &As…", QKeySequence("Ctrl+Alt+S"), self.save_as),
        ]
        self.actions: dict[str, QAction] = {}
        for text, keys, slot in entries:
            action = QAction(text, window)
            action.setShortcut(keys)
            action.triggered.connect(lambda _=False, f=slot: f())
            file_menu.insertAction(before, action)
            self.actions[text.replace("&", "").rstrip("…")] = action
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.insertMenu(before, self.recent_menu)
        file_menu.insertSeparator(before)
        self.session.modified_changed.connect(lambda _m: self.update_title())
        self.session.path_changed.connect(lambda _p: self.update_title())
        self.session.run_changed.connect(self.update_title)

    # -- title -----------------------------------------------------------------------------
    def update_title(self) -> None:
        mark = "*" if self.session.modified else ""
        self.window.setWindowTitle(f"{self.session.title}{mark} — rnnviz")

    # -- actions ---------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open session", "", FILE_FILTER)
        if path:
            self.open(path)

    def open(self, path: str | Path) -> bool:
        """Open a session file (asking first if the current run has unsaved training)."""
        if not self.window.may_discard("opening another session"):
            return False
        if not self.window.run_control.open(path):
            return False
        self._remember(Path(path))
        return True

    def save(self) -> bool:
        if self.session.path is None:
            return self.save_as()
        return self._save_to(self.session.path)

    def save_as(self) -> bool:
        suggested = str(self.session.path or f"{self.session.title}.rnnviz")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session", suggested, FILE_FILTER)
        return bool(path) and self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        if not self.window.run_control.save(path):
            return False
        self._remember(self.session.path)
        return True

    def may_discard(self, doing: str) -> bool:
        """True when nothing unsaved would be lost, or the user says go ahead (saving
        first if they choose Save)."""
        if not self.session.modified or self.session.trained_steps == 0:
            return True
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = QMessageBox.question(
            self.window,
            "Unsaved training",
            f"{self.session.title} has {self.session.trained_steps} trained step(s) that are "
            f"not saved. Save them before {doing}?",
            buttons,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # -- recent files ----------------------------------------------------------------------
    def recent(self) -> list[str]:
        value = self.window.settings.value(RECENT_KEY) or []
        return [value] if isinstance(value, str) else [str(v) for v in value]

    def _remember(self, path: Path | None) -> None:
        if path is None:
            return
        entry = str(Path(path).resolve())
        items = [entry, *(p for p in self.recent() if p != entry)][:MAX_RECENT]
        self.window.settings.setValue(RECENT_KEY, items)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        items = self.recent()
        if not items:
            self.recent_menu.addAction("(none yet)").setEnabled(False)
        for path in items:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open(p))
