"""File ▸ Open preset file… and File ▸ Save settings as preset…: presets as files anywhere,
and the user's preset folder, whose presets the Presets menus list as "(yours)"."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from rnnviz.engine.presets import load_preset_file, user_preset_dir
from rnnviz.engine.spec import SpecError
from rnnviz.session.preset_files import save_preset_file, user_preset_path
from rnnviz.session.settings import RunSettings

if TYPE_CHECKING:
    from rnnviz.ui.window import MainWindow

PRESET_FILTER = "rnnviz presets (*.json)"


def open_preset_file_dialog(window: MainWindow) -> bool:
    """Ask for a preset file and start a new run of it (True when started)."""
    path, _ = QFileDialog.getOpenFileName(
        window, "Open preset file", str(user_preset_dir()), PRESET_FILTER
    )
    if not path:
        return False
    try:
        preset = load_preset_file(path)
    except SpecError as exc:
        QMessageBox.warning(window, "Open preset file", str(exc))
        return False
    if not window.may_discard("opening a preset"):
        return False
    if not window.apply_settings(RunSettings.from_preset(preset)):
        return False
    for key in preset.show:
        if key in window.docks:
            window.show_panel(key)
    return True


def save_preset_dialog(window: MainWindow) -> Path | None:
    """Ask where to write the run's settings as a preset (the user's preset folder first,
    where the Presets menu lists it) and write it atomically."""
    settings = window.run_settings
    if settings is None:
        return None
    suggested = user_preset_path(_stem(settings.title or settings.task_kind))
    path, _ = QFileDialog.getSaveFileName(
        window, "Save settings as preset", str(suggested), PRESET_FILTER
    )
    if not path:
        return None
    stem = Path(path).stem
    title = f"{stem} (from {settings.title})" if settings.title else stem
    try:
        written = save_preset_file(path, settings, title=title)
    except SpecError as exc:
        QMessageBox.warning(window, "Save settings as preset", str(exc))
        return None
    listed = written.parent.resolve() == user_preset_dir().resolve()
    where = f" (listed in the Presets menu as user:{written.stem})" if listed else ""
    window.statusBar().showMessage(f"Preset saved to {written}{where}", 8000)
    refresh_preset_menus(window)
    return written


def refresh_preset_menus(window: MainWindow) -> None:
    """Fill the Presets menu and File ▸ New from preset again (a preset was saved)."""
    from rnnviz.ui.menus import fill_presets_menu

    file_menu = window.menuBar().actions()[0].menu()
    new_menus = [
        a.menu() for a in file_menu.actions() if a.menu() and a.text() == "&New from preset"
    ]
    # the Presets menu's actions are shared with New from preset (file_actions.py): taken
    # out of that first, so that clearing the menu that owns them deletes them
    for menu in [*new_menus, window.presets_menu]:
        menu.clear()
    fill_presets_menu(window.presets_menu, window.new_from_preset)
    for menu in new_menus:
        menu.addActions(window.presets_menu.actions())


def _stem(title: str) -> str:
    """A file name from a title: letters, digits and '_' only, at most 60."""
    cleaned = "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_")
    return "_".join(part for part in cleaned.split("_") if part)[:60] or "my_preset"
