"""The status bar's suggestion of presentation mode, for as long as the docked layout's tab
groups are crowded (tabs behind scroll arrows, groups stacked).

It stays: a timed message had shown it only after a layout built from scratch, and a later
message ("Ready: ...") replaced it; a status bar widget is only covered while a message
shows. It is hidden while presentation mode shows one panel at a time.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from rnnviz.ui.elided_label import ElidedLabel

F11_HINT = "Small window for this text size: F11 shows one panel at a time"
#: the hint's object name in the status bar
HINT_NAME = "f11Hint"


def show_f11_hint(window: QMainWindow, crowded: bool) -> None:
    """``F11_HINT`` in the status bar while the window's docked layout is ``crowded``."""
    hint = window.statusBar().findChild(ElidedLabel, HINT_NAME)
    if hint is None:
        if not crowded:
            return
        hint = ElidedLabel(F11_HINT)  # elided beside the run's state at 1.5x text
        hint.setObjectName(HINT_NAME)
        hint.setToolTip(F11_HINT)
        window.statusBar().addWidget(hint, 1)
    hint.setVisible(crowded)
