"""The File menu's entries for the user's own files: Open model… (a torch state_dict), and
the preset and data files (``preset_files_menu``, ``data_dialog``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from rnnviz.ui.window import MainWindow


def install_own_files(window: MainWindow, file_menu: QMenu, before: QAction) -> dict:
    """Add the entries before ``before``; returns them by name (tests trigger them)."""
    from rnnviz.ui.model_dialog import open_model_dialog

    entries = [
        (
            "Open &model…",
            "A torch nn.RNN / LSTM / GRU state_dict (.pt), to look inside and train further",
            lambda: open_model_dialog(window),
        ),
    ]
    actions = {}
    for text, tip, slot in entries:
        action = QAction(text, window)
        action.setToolTip(tip)
        action.triggered.connect(lambda _=False, f=slot: f())
        file_menu.insertAction(before, action)
        actions[text.replace("&", "").rstrip("…")] = action
    file_menu.insertSeparator(before)
    return actions
