"""Docks: building them, their default places and sizes, and the saved layout.

Each panel lives in a dock the user can move, tab, float or close; the window remembers the
layout between runs (``QSettings`` "window/geometry" and "window/state"). ``LAYOUT_VERSION``
is stored with the state: raising it makes older saved layouts be ignored.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QWidget,
)

from rnnviz.ui.controls_tab import tabbed_row
from rnnviz.ui.dock_tabs import (
    group_need,
    row_needs,
    row_room,
    split_row,
    stack_columns,
)
from rnnviz.ui.dock_title import DockTitle, terse_tabs
from rnnviz.ui.f11_hint import show_f11_hint
from rnnviz.ui.panel_help import PANEL_HELP
from rnnviz.ui.panels import Panel

LAYOUT_VERSION = 2
#: the sidebar's default width in pixels (wider where its controls need more: text size 1.5)
SIDEBAR_WIDTH = 360


def make_dock(window: QMainWindow, key: str, title: str, widget: QWidget) -> QDockWidget:
    dock = QDockWidget(title.replace("&", "&&"), window)
    dock.setObjectName(f"dock:{key}")
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    return dock


class PanelHolder(QWidget):
    """The scroll area's widget: the panel at the viewport's size, down to the panel's
    *minimum* height for that width.

    A QScrollArea whose widget has a height-for-width layout (any word-wrapped label) gives
    it at least its *preferred* height for the width: the sum of its plots' size hints
    (480 px each), so a panel that would fit scrolled its plot below the fold at any window
    size. This holder has no layout and reports the minimum instead."""

    def __init__(self, panel: Panel) -> None:
        super().__init__()
        self.panel = panel
        panel.setParent(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        least = self.panel.minimumSizeHint().expandedTo(self.panel.minimumSize())
        layout = self.panel.layout()
        if layout is not None and layout.hasHeightForWidth():
            # the width it is about to get (the scroll area's), not the one it had while its
            # tab was behind another: that stale width made a raised panel show scroll bars
            # for a frame (the unrolled graph at 1280x720, text 1.5)
            viewport = self.parentWidget()
            shown = (
                viewport.parentWidget().width()
                if viewport is not None and viewport.parentWidget()
                else 0
            )
            width = max(shown or self.width(), least.width())
            height = max(least.height(), layout.minimumHeightForWidth(width))
            return QSize(least.width(), height)
        return least

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self.minimumSizeHint()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # the panel's minimum changed
            self.updateGeometry()
        return super().event(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.panel.setGeometry(self.rect())
        super().resizeEvent(event)


def panel_dock(window: QMainWindow, panel: Panel) -> QDockWidget:
    """A dock for ``panel``, in a scroll area: a panel's minimum size (long labels, a full
    table) never forces the window larger than the screen; a squeezed panel scrolls instead."""
    holder = QScrollArea()
    holder.setWidgetResizable(True)
    holder.setFrameShape(QFrame.Shape.NoFrame)
    holder.setWidget(PanelHolder(panel))
    dock = make_dock(window, panel.key, panel.title, holder)
    dock.setTitleBarWidget(DockTitle(dock, PANEL_HELP.get(panel.key, "")))
    return dock


def join_area(
    window: QMainWindow,
    dock: QDockWidget,
    area: str,
    panels: dict[str, Panel],
    docks: dict[str, QDockWidget],
) -> None:
    """Place a dock added after start-up: among the tabs of the panels of its ``area``."""
    group = [docks[k] for k, p in panels.items() if p.area == area]
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    if group:
        window.tabifyDockWidget(group[0], dock)


def arrange_docks(
    window: QMainWindow, panels: dict[str, Panel], docks: dict[str, QDockWidget]
) -> None:
    """Default places: "training" panels side by side in the top row; below them the
    "model" panels as tabs on the left and the "gradients" panels as tabs on the right."""
    right = Qt.DockWidgetArea.RightDockWidgetArea
    groups: dict[str, list[QDockWidget]] = {}
    for key, panel in panels.items():
        groups.setdefault(panel.area, []).append(docks[key])
    training = groups.pop("training", [])
    lower = [group for group in groups.values() if group]
    firsts = [*(training[:1]), *(group[0] for group in lower[:1])]
    for dock in firsts:
        window.addDockWidget(right, dock, Qt.Orientation.Vertical)
    for before, dock in zip(training, training[1:], strict=False):
        window.splitDockWidget(before, dock, Qt.Orientation.Horizontal)
    for before, group in zip(lower, lower[1:], strict=False):
        window.splitDockWidget(before[0], group[0], Qt.Orientation.Horizontal)
    for group in lower:
        tabify(window, group)


#: below this window height (pixels) the panels are laid out in one row (tab groups side by
#: side) instead of two: two rows left the lower one ~150 px at 1280x720, and at 1600x1000
#: and 1920x1080 still cut the predictions' plot or the unrolled graph's legend (issue 16)
COMPACT_HEIGHT = 1200
#: below this window height (pixels) tab groups are not stacked one above the other: each
#: then has less than its panels' minimum (at 1024x600 the lecture's window grew to 607 px)
STACK_HEIGHT = 700
#: from this window width (pixels) the one row holds three tab groups instead of two
WIDE = 1800


def is_compact(height: int) -> bool:
    """Whether a window ``height`` pixels high gets the one-row (compact) dock layout."""
    return height < COMPACT_HEIGHT


def compact_docks(
    window: QMainWindow,
    sidebar: QDockWidget,
    panels: dict[str, Panel],
    docks: dict[str, QDockWidget],
    text_scale: float = 1.0,
) -> None:
    """The one-row layout for windows under ``COMPACT_HEIGHT``: tab groups side by side,
    each the full height under the toolbars. In a window ``WIDE`` or wider (times the text
    size above 1: at 1.5 three groups need ~2060 px) three groups:
    the "training" panels (loss first), the "model" panels (and any other area), the
    "gradients" panels; in a narrower one (a projector's 1280x720) two: the training then
    the gradients panels on the left, the model panels on the right. Where a group's tabs
    would not fit its bar (a preset with eleven panels or more), the tabs get terse titles
    ("Preds", "Cell": the title bar above keeps the whole one), which keeps every panel
    its full height; where even those do not fit beside the sidebar (1280x720 at text 1.5)
    the sidebar becomes the last tab of a group (``controls_tab.tabbed_row``); where that
    does not fit either, a group is split in two, one above the other
    (``dock_tabs.stack_columns``): a tab in sight beats a full-height panel whose neighbours
    hide behind scroll arrows, and the status bar suggests presentation mode. The first tab
    of each group is raised (the window then raises the preset's)."""
    side, room, columns = compact_plan(window, sidebar, panels, docks, text_scale)
    show_f11_hint(window, not whole_row(window, room, columns))
    for before, column in zip(columns, columns[1:], strict=False):
        window.splitDockWidget(before[0][0], column[0][0], Qt.Orientation.Horizontal)
    for column in columns:
        for upper, lower in zip(column, column[1:], strict=False):
            window.splitDockWidget(upper[0], lower[0], Qt.Orientation.Vertical)
        for group in column:
            tabify(window, group)
    split_row(window, sidebar, side, room, columns)


def compact_plan(
    window: QMainWindow,
    sidebar: QDockWidget,
    panels: dict[str, Panel],
    docks: dict[str, QDockWidget],
    text_scale: float = 1.0,
) -> tuple[int, int, list[list[list[QDockWidget]]]]:
    """The sidebar's width, the room beside it and the columns of tab groups of
    ``compact_docks`` (the tabs get the titles they need: terse or short)."""
    groups: dict[str, list[QDockWidget]] = {}
    for key, panel in panels.items():
        groups.setdefault(panel.area, []).append(docks[key])
    training, gradients = groups.pop("training", []), groups.pop("gradients", [])
    model = [dock for group in groups.values() for dock in group]
    if window.width() >= WIDE * max(1.0, text_scale):
        row = [group for group in (training, model, gradients) if group]
    else:
        row = [group for group in (training + gradients, model) if group]
    # the sidebar at its default width (it took what the groups left: 660 px at 1920x1080);
    # where the tabs do not fit beside it, they get their terse titles, and where even
    # those do not fit, a group is split in two, one above the other
    side, room = row_room(window, sidebar, SIDEBAR_WIDTH, len(row))
    need = lambda group: group_need(window, group)  # noqa: E731
    fits = lambda row, room: sum(row_needs(window, [need(g) for g in row])) <= room  # noqa: E731
    terse_tabs(docks.values(), not fits(row, room))
    tabbed = None if fits(row, room) else tabbed_row(window, sidebar, row, need)
    if tabbed is not None:  # the Controls a tab of a group (controls_tab.py)
        room, row = tabbed
        return 0, room, [[group] for group in row]
    area = {docks[key]: panel.area for key, panel in panels.items()}
    columns = (
        stack_columns(row, room, need, area.get)
        if window.height() >= STACK_HEIGHT
        else [[group] for group in row]
    )
    return side, room, columns


def whole_row(window: QMainWindow, room: int, columns: list[list[list[QDockWidget]]]) -> bool:
    """Whether ``columns`` of tab groups show every tab and panel whole: one group each,
    their tabs fitting the ``room`` side by side."""
    needs = [group_need(window, column[0]) for column in columns]
    return all(len(column) == 1 for column in columns) and sum(row_needs(window, needs)) <= room


def default_dock_sizes(
    window: QMainWindow,
    sidebar: QDockWidget,
    panels: dict[str, Panel],
    docks: dict[str, QDockWidget],
) -> None:
    """The default dock sizes (they only apply to a shown window)."""
    window.resizeDocks([sidebar], [SIDEBAR_WIDTH], Qt.Orientation.Horizontal)
    training = [docks[k] for k, p in panels.items() if p.area == "training"]
    lower = []  # the first dock of each lower tab group
    for key, panel in panels.items():
        if panel.area != "training" and all(
            panels[k].area != panel.area for k, d in docks.items() if d in lower
        ):
            lower.append(docks[key])
    if len(training) == 2:
        window.resizeDocks(training, [700, 540], Qt.Orientation.Horizontal)
    if training and lower:  # 45 : 55 of the height there is (fixed sizes squeezed the top
        # row's plots to a few pixels in a small window, once the lesson strip took its line;
        # at 38 : 62 the predictions' plot was below the fold at 1600x1000)
        height = training[0].height() + lower[0].height()
        top = max(260, int(0.45 * height))
        window.resizeDocks([training[0], lower[0]], [top, height - top], Qt.Orientation.Vertical)
    if len(lower) == 2:
        window.resizeDocks(lower, [600, 640], Qt.Orientation.Horizontal)


class SavedLayout:
    """The window's geometry and dock layout in ``settings``, and the default to go back to."""

    def __init__(self, window: QMainWindow, settings: QSettings) -> None:
        self.window = window
        self.settings = settings
        self._default_state: QByteArray | None = None

    @property
    def saved(self) -> bool:
        return isinstance(self.settings.value("window/state"), QByteArray)

    def restore(self) -> None:
        """Remember the layout as built (the default), then restore the saved one if any."""
        self._default_state = self.window.saveState(LAYOUT_VERSION)
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.window.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.window.restoreState(state, LAYOUT_VERSION)

    def keep_as_default(self) -> None:
        """The layout as it is now is the one View ▸ Reset layout goes back to."""
        self._default_state = self.window.saveState(LAYOUT_VERSION)

    def reset(self, docks: list[QDockWidget]) -> None:
        """Back to the default layout, with every one of ``docks`` shown and docked."""
        self.window.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in docks:
            dock.setVisible(True)
            dock.setFloating(False)

    def save(self) -> None:
        self.settings.setValue("window/geometry", self.window.saveGeometry())
        self.settings.setValue("window/state", self.window.saveState(LAYOUT_VERSION))
        self.settings.sync()


def tabify(window, group) -> None:
    """The docks of ``group`` as tabs of one group, its first in front."""
    for dock in group[1:]:
        window.tabifyDockWidget(group[0], dock)
    group[0].raise_()
