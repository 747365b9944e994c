"""The File menu's entries for the user's own files: Open model… (a torch state_dict), Open
data…, the preset files (``preset_files_menu``), and Training ▸ Edit weights…
(``weight_editor``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from rnnviz.ui.window import MainWindow


def install_own_files(window: MainWindow, file_menu: QMenu, before: QAction) -> dict:
    """Add the entries before ``before``; returns them by name (tests trigger them)."""
    from rnnviz.ui.data_dialog import open_data_dialog
    from rnnviz.ui.model_dialog import open_model_dialog
    from rnnviz.ui.preset_files_menu import open_preset_file_dialog, save_preset_dialog

    entries = [
        (
            "Open &model…",
            "A torch nn.RNN / LSTM / GRU state_dict (.pt), to look inside and train further",
            lambda: open_model_dialog(window),
        ),
        (
            "Open &data…",
            "Your own CSV time series, labelled sequences or text file as the task",
            lambda: open_data_dialog(window),
        ),
        (
            "Open &preset file…",
            "A preset (.json) from anywhere, e.g. one a colleague sent",
            lambda: open_preset_file_dialog(window),
        ),
        (
            "Save settings as &preset…",
            "The run's model, task, training settings and hand-set weights as a preset file; "
            "in your preset folder it is listed in the Presets menu",
            lambda: save_preset_dialog(window),
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
    from rnnviz.ui.weight_editor import install_weight_editor

    actions["Edit weights"] = install_weight_editor(window)  # in the Training menu
    return actions
