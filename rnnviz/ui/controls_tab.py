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
