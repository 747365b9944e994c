"""The Controls as a tab among the panels, where the row of tab groups does not fit beside
them (the compact layout, ``docks.compact_docks``).

At 1280x720, text size 1.5, the Controls need ~430 px: the ~850 px left beside them held
the training and gradients panels' six tabs (~500 px) and a model group no narrower than
its panels read (~410 px) only with the tabs behind scroll arrows ("Surface" on
lecture_lstm and clockwork_sines), and the crowded presets' groups were stacked two in a
column, each ~190 px high: ctc_speech's Loss panel showed its header above a plot it had to
scroll to (issue 16). Tabbed with the group that needs the least, the Controls leave the
whole width to the groups: two groups of ~640 px, every tab in sight, every panel the full
height. Their tab is the last of that group (the panels stay in front); presentation mode
(F11) remains the layout for such a window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QStyle

from rnnviz.ui.dock_tabs import row_needs
from rnnviz.ui.elided_label import ElidedLabel

#: the status bar's hint where the docked layout is not whole (tabs scroll, groups stacked)
F11_HINT = "Small window for this text size: F11 shows one panel at a time"
#: the hint's object name in the status bar
HINT_NAME = "f11Hint"


def tabbed_row(
    window: QMainWindow,
    sidebar: QDockWidget,
    row: list[list[QDockWidget]],
    need: Callable[[list[QDockWidget]], int],
) -> tuple[int, list[list[QDockWidget]]] | None:
    """The room and the row of tab groups with the Controls tabbed into the group that
    needs the least, if the row's tabs then fit side by side (else None)."""
    if sidebar.isHidden() or sidebar.isFloating() or not row:
        return None
    separator = window.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent)
    room = max(1, window.width() - separator * (len(row) - 1))
    at = min(range(len(row)), key=lambda i: need(row[i]))
    tabbed = [group + [sidebar] if i == at else group for i, group in enumerate(row)]
    needs = [need(group) for group in tabbed]
    needs[at] = max(needs[at], sidebar.minimumSizeHint().width())
    return (room, tabbed) if sum(row_needs(window, needs)) <= room else None


def sidebar_docked_left(window: QMainWindow, sidebar: QDockWidget) -> None:
    """The Controls back in their own column on the left (from a tab group of a layout
    made for a smaller window or larger text)."""
    left = Qt.DockWidgetArea.LeftDockWidgetArea
    if not sidebar.isFloating() and window.dockWidgetArea(sidebar) != left:
        hidden = sidebar.isHidden()
        window.addDockWidget(left, sidebar)
        sidebar.setHidden(hidden)


def show_f11_hint(window: QMainWindow, crowded: bool) -> None:
    """``F11_HINT`` in the status bar while the window's docked layout is ``crowded`` (tabs
    behind scroll arrows or groups stacked), hidden once a layout is whole or presentation
    mode starts. It stays: a timed message had shown it only after a layout built from
    scratch, and a later message ("Ready: ...") replaced it; a status bar widget is only
    covered while a message shows."""
    hint = window.statusBar().findChild(ElidedLabel, HINT_NAME)
    if hint is None:
        if not crowded:
            return
        hint = ElidedLabel(F11_HINT)  # elided beside the run's state at 1.5x text
        hint.setObjectName(HINT_NAME)
        hint.setToolTip(F11_HINT)
        window.statusBar().addWidget(hint, 1)
    hint.setVisible(crowded)
