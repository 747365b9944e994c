"""The dock areas' tab bars: whole titles, and tab groups as wide as their tabs need.

A tab group's bar scrolls (arrows at its end) when its tabs are wider than the group. At
1600x1000, text size 1.5, the training group's six tabs ("Loss" ... "Surface") needed
~790 px and the window split the row into equal halves of ~500 px, so "Matrix" and
"Surface" were out of sight behind the arrows (issue 16). The tab text is now smaller than
the rest above text size 1 (``style.dock_tab_pt``) and the row is split by what the groups'
tabs need (``group_widths``): the widest group gets its tabs' width, the others share the
rest. The tabs' padding is the style sheet's (``style.DOCK_TABS``): with Fusion's, the two
groups needed ~950 px at 1280x720 where ~905 are left beside the sidebar.

With eleven panels or more (date_attention, parse_seq2seq, ctc_speech, ntm_copy) or a long
cell title ("Clockwork RNN cell"), the tabs need more than the row has at 1280x720 and at
1600x1000 x 1.5, however it is split: groups side by side need their tabs' sum. There the
tabs get terse titles (``dock_title.terse_tabs``: "Preds", "Cell"; each panel keeps its
full height and its title bar the full title); where even those do not fit (1280x720 x
1.5) the sidebar becomes a tab (``controls_tab.py``), and where that does not fit either
(1024x600) the widest group is split in two stacked ones (``stack_columns``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QStyle,
    QTabBar,
    QToolTip,
)

from rnnviz.ui.dock_title import tab_title, terse_tabs

T = TypeVar("T")

#: pixels a group is given beyond its tabs (the bar's frame, rounding in the dock layout)
SLACK = 8
#: the least width of a tab group, in average characters of the window's text: given its
#: tabs' width at 1280x720, text 1.5, the training group left the model group 349 px, where
#: the unrolled graph's header wrapped to five lines and its legend ran under a scroll bar
#: (at 417 px it fits); the tabs go terse first (their tooltips name the panel in full)
LEAST_GROUP_CHARS = 34


def unelided_tabs(window: QMainWindow) -> None:
    """Dock tabs with their whole titles, scrolling with arrows when they do not fit: elided,
    six tabs in a 420-pixel group read "L…", "P…", "Gradi…" (issue 16). Their tooltips
    name the panel in full (``FullTitleTips``)."""
    tips = window.findChild(FullTitleTips) or FullTitleTips(window)
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window:  # the dock areas' tab bars (not a panel's own tabs)
            bar.setElideMode(Qt.TextElideMode.ElideNone)
            bar.setUsesScrollButtons(True)
            bar.removeEventFilter(tips)
            bar.installEventFilter(tips)


class FullTitleTips(QObject):
    """A dock tab's tooltip: the panel's full title ("Preds" is "Predictions"), which Qt's
    own tooltip (the tab's text) does not give. The dock is the one whose title the tab
    shows (the docks' tab titles differ)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, bar, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() != QEvent.Type.ToolTip or not isinstance(bar, QTabBar):
            return False
        index = bar.tabAt(event.pos())
        for dock in self.window.findChildren(QDockWidget):
            if index >= 0 and dock.windowTitle() == bar.tabText(index):
                tip = full_title(dock)
                QToolTip.showText(event.globalPos(), tip, bar, bar.tabRect(index))
                return True
        return False


def tabs_width(
    window: QMainWindow,
    docks: list[QDockWidget],
    title: Callable[[QDockWidget], str] = QDockWidget.windowTitle,
) -> int:
    """The width the tabs of ``docks`` (one tab group) need, whole, in ``window``'s dock tab
    bars' font and style (measured on a hidden bar of the window's own). Hidden docks (the
    panels the model has not) have no tab."""
    docks = [dock for dock in docks if not dock.isHidden()]
    if len(docks) < 2:
        return 0  # a lone dock has no tab bar
    probe = QTabBar(window)  # a child of the window: its style sheet rule applies
    probe.hide()
    probe.setElideMode(Qt.TextElideMode.ElideNone)
    for dock in docks:
        probe.addTab(title(dock).replace("&&", "&"))
    probe.ensurePolished()
    width = sum(probe.tabSizeHint(i).width() for i in range(probe.count()))
    probe.setParent(None)
    probe.deleteLater()
    return width


def group_widths(needs: list[int], total: int) -> list[int]:
    """Widths summing to ``total`` for groups needing ``needs`` pixels each: as equal as
    they can be with every group at least its need; equal when they do not all fit (some
    tabs scroll then anyway, and the panels are better served by an even split: in
    proportion to the tabs, the model panels got 313 px at 1280x720, text size 1.5)."""
    if not needs:
        return []
    if sum(needs) > total:
        return [max(1, total // len(needs))] * len(needs)
    widths = [0] * len(needs)
    free = list(range(len(needs)))  # the groups that share what the others leave
    room = total
    for i in sorted(range(len(needs)), key=lambda i: -needs[i]):
        share = room // len(free)
        if needs[i] <= share:
            break
        widths[i] = needs[i]  # more than an equal share: just its need
        room -= needs[i]
        free.remove(i)
    for i in free:
        widths[i] = room // len(free)
    return widths


#: at most this many tab groups stacked in a column: a third left each ~150 px at 1280x720
MAX_STACK = 2


def stack_columns(
    row: list[list[T]],
    room: int,
    need: Callable[[list[T]], int],
    area: Callable[[T], str],
) -> list[list[list[T]]]:
    """The tab groups of ``row`` (side by side) as columns of groups stacked one above the
    other, such that the columns' tabs fit ``room`` pixels side by side (``need(group)``:
    the width a group's tabs need).

    Splitting a group into two side by side does not help: together their tabs need as
    much as before. So where the tabs do not fit, the group that needs the most is split in
    two stacked one above the other (issue 16: twelve tabs needed ~1030 px at 1280x720 where
    ~910 are left beside the sidebar, ~1230 of ~1150 at 1600x1000, text 1.5): at the
    boundary of two areas (the training panels above the gradients ones), else where the
    wider half is as narrow as can be. At most ``MAX_STACK`` groups a column; a row that
    cannot be made to fit so is as far as it goes (its tabs scroll)."""
    columns = [[group] for group in row]
    while sum(max(need(group) for group in column) for column in columns) > room:
        splittable = [
            (need(group), c, g)
            for c, column in enumerate(columns)
            for g, group in enumerate(column)
            if len(group) > 1 and len(column) < MAX_STACK
        ]
        if not splittable:
            break
        _, c, g = max(splittable)
        group = columns[c][g]
        at = area_break(group, area) or balanced_break(group, need)
        columns[c][g : g + 1] = [group[:at], group[at:]]
    return columns


def area_break(group: list[T], area: Callable[[T], str]) -> int | None:
    """Where the first area of ``group`` ends (None: one area)."""
    return next((i for i in range(1, len(group)) if area(group[i]) != area(group[0])), None)


def balanced_break(group: list[T], need: Callable[[list[T]], int]) -> int:
    """The index splitting ``group`` (two tabs or more) into two whose wider is narrowest."""
    return min(range(1, len(group)), key=lambda i: max(need(group[:i]), need(group[i:])))


def row_room(
    window: QMainWindow, sidebar: QDockWidget, sidebar_width: int, columns: int
) -> tuple[int, int]:
    """The sidebar's width (0 when hidden or floating) and the pixels left beside it for
    ``columns`` columns of tab groups."""
    separator = window.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent)
    # the sidebar's minimum as it will be: after a new text size the nested layouts pass
    # their new minimum up one level per layout request (the sidebar grew from 399 to 433
    # px after this split at 1600x1000, text 1.5, and took what the tabs needed)
    for _ in range(4):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    shown = sidebar.isVisible() and not sidebar.isFloating()
    side = max(sidebar_width, sidebar.minimumSizeHint().width()) if shown else 0
    return side, max(1, window.width() - side - separator * columns)


def group_need(
    window: QMainWindow,
    group: list[QDockWidget],
    title: Callable[[QDockWidget], str] = QDockWidget.windowTitle,
) -> int:
    """The width a tab group is given for its tabs (``title``: their text) to fit."""
    return tabs_width(window, group, title) + SLACK


def least_width(window: QMainWindow) -> int:
    """The narrowest a tab group is made where the row can be shared otherwise (its panels
    read: ``LEAST_GROUP_CHARS``); stacking groups does not make them narrower."""
    return LEAST_GROUP_CHARS * QFontMetrics(window.font()).averageCharWidth()


def row_needs(window: QMainWindow, needs: list[int]) -> list[int]:
    """Widths to share a row by: each group's tabs' ``needs``, at least ``least_width``."""
    least = least_width(window)
    return [max(need, least) for need in needs]


def split_row(
    window: QMainWindow,
    sidebar: QDockWidget,
    side: int,
    room: int,
    columns: list[list[list[QDockWidget]]],
) -> None:
    """Size the sidebar to ``side`` and the ``columns`` of tab groups (side by side, first
    dock of each group first) by their tabs' needs in the ``room`` left."""
    needs = [max(group_need(window, group) for group in column) for column in columns]
    if all(len(column) == 1 for column in columns):  # (stacked: the tabs' needs are firm)
        needs = row_needs(window, needs)
    widths = group_widths(needs, room)
    docks = [column[0][0] for column in columns]
    if side:
        docks, widths = [sidebar, *docks], [side, *widths]
    window.resizeDocks(docks, widths, Qt.Orientation.Horizontal)


def fit_tab_titles(window: QMainWindow, docks: list[QDockWidget]) -> None:
    """Terse tab titles where a tab group of ``docks`` as laid out is narrower than its
    tabs, the short ones again where those fit (every group as it is, or the row shared
    anew). Opened from the Presets menu in a 1280x720 window laid out for the lecture (ten
    panels), date_attention's twelve tabs scrolled (issue 16): the layout is built for the
    first preset only. A row of groups side by side is shared anew by their tabs' needs;
    the docks stay where they are: the user arranged them (dock_refit.py)."""
    groups: list[list[QDockWidget]] = []
    for dock in docks:
        if not dock.isHidden() and not dock.isFloating() and not any(dock in g for g in groups):
            group = [dock, *window.tabifiedDockWidgets(dock)]
            # the one in front first: the others keep where they were when last in front
            group.sort(key=lambda dock: not window.rect().contains(dock.geometry()))
            groups.append(group)

    def fits(title: Callable[[QDockWidget], str]) -> bool:
        return all(tabs_width(window, group, title) <= group[0].width() for group in groups)

    def short(dock: QDockWidget) -> str:
        return tab_title(full_title(dock))

    one_row = len({group[0].y() for group in groups}) == 1  # the compact layout
    room = sum(group[0].width() for group in groups)
    shared = (
        one_row and sum(row_needs(window, [group_need(window, g, short) for g in groups])) <= room
    )
    terse_tabs(docks, not fits(short) and not shared)
    if one_row and not fits(QDockWidget.windowTitle):
        # split for another preset's tabs: shared anew by what the groups' tabs need
        row = sorted(groups, key=lambda group: group[0].x())
        widths = group_widths(row_needs(window, [group_need(window, g) for g in row]), room)
        window.resizeDocks([group[0] for group in row], widths, Qt.Orientation.Horizontal)


def full_title(dock: QDockWidget) -> str:
    """The panel's whole title (its View menu entry), unescaped."""
    return dock.toggleViewAction().text().replace("&&", "&")
