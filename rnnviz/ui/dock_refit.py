"""The window's own dock layout, laid out again for another preset or text size.

The compact layout (``docks.compact_docks``) is made when the window is first shown, for
the first preset at the first text size: it makes the sidebar a tab, or splits a crowded
preset's widest tab group in two stacked ones, where the tabs do not fit side by side.
Opened later from the Presets menu, or after a text-size change, a crowded preset kept the
layout made for the first one: at 1280x720 the lecture's two groups, and at text size 1.5
date_attention's twelve tabs scrolled behind arrows there (issue 16).

What counts as the window's own layout: the one ``compact_docks`` (or, 1200 px high or
more, ``two_row_sizes``) made, at first show or here, for as long as the user has not
dragged a dock elsewhere: every dock in the same dock area, floating or not as it was, and
the same docks tabbed together (``arrangement``). Hiding and showing docks (the panels a
preset lacks), raising tabs and dragging a splitter do not change it. Such a layout is laid
out anew (``compact_docks``) where that makes other tab groups (else its groups are only
sized and titled as it would); one the user arranged by hand keeps its docks where they are
and only gets tab titles that fit (terse ones: ``dock_tabs.fit_tab_titles``). A saved
layout counts as the window's own when it was its own when saved (``OWN_KEY``); one saved
by an older version of rnnviz does not.

A window 1200 px high or more (``docks.is_compact``) has the two-row layout of
``arrange_docks``: its groups are the same for every preset, so there it is only sized anew
(``two_row_sizes``), as at the first show, unless its groups are another layout's (a compact
one saved in a smaller window).

Limits: dragging a dock that is alone in its group to another place in the same area keeps
the arrangement (Qt tells no dock's place in the layout tree).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QTabBar

from rnnviz.ui import style
from rnnviz.ui.controls_tab import sidebar_docked_left
from rnnviz.ui.deferred_panel import build_on_screen
from rnnviz.ui.dock_tabs import fit_tab_titles, split_row, unelided_tabs
from rnnviz.ui.dock_title import terse_tabs
from rnnviz.ui.docks import (
    arrange_docks,
    compact_docks,
    compact_plan,
    default_dock_sizes,
    is_compact,
    whole_row,
)
from rnnviz.ui.f11_hint import show_f11_hint

#: the settings key saying the saved layout was the window's own when saved
OWN_KEY = "window/own_layout"


def window_docks(window: QMainWindow) -> list[QDockWidget]:
    """Every dock of ``window``: the panels', the sidebar, the timeline."""
    return [dock for dock in window.findChildren(QDockWidget) if dock.parent() is window]


def arrangement(window: QMainWindow) -> tuple[tuple, dict[str, frozenset[str]]]:
    """What dragging docks changes: each dock's area and whether it floats, and the tab
    group of each docked dock that is not hidden (Qt tells none for a hidden one)."""
    docks = sorted(window_docks(window), key=QDockWidget.objectName)
    places = tuple(
        (dock.objectName(), window.dockWidgetArea(dock), dock.isFloating()) for dock in docks
    )
    groups = {
        dock.objectName(): frozenset(
            d.objectName() for d in [dock, *window.tabifiedDockWidgets(dock)]
        )
        for dock in docks
        if not dock.isHidden() and not dock.isFloating()
    }
    return places, groups


def same_arrangement(one: tuple, other: tuple) -> bool:
    """Whether two ``arrangement``s are the same where they can be told apart: the same
    places, and the docks not hidden in both tabbed with the same ones of those (another
    preset shows other docks: they come back to the group they were hidden from)."""
    (places, groups), (other_places, other_groups) = one, other
    common = groups.keys() & other_groups.keys()
    return places == other_places and all(
        groups[name] & common == other_groups[name] & common for name in common
    )


class OwnLayout:
    """Whether ``window``'s dock layout is its own, and laying that one out anew."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self._made: tuple | None = None  # the arrangement compact_docks made last
        self._default_own = False  # View > Reset layout goes back to a compact one it made

    def made(self, default: bool = False) -> None:
        """The window made its compact layout just now (or restored one it had made);
        ``default``: the one View > Reset layout goes back to."""
        self._made = arrangement(self.window)
        self._default_own = self._default_own or default

    def reset_done(self) -> None:
        """View > Reset layout went back to the default layout."""
        if self._default_own:
            self.made()

    @property
    def own(self) -> bool:
        return self._made is not None and same_arrangement(self._made, arrangement(self.window))

    def save(self, settings: QSettings) -> None:
        settings.setValue(OWN_KEY, self.own)

    def restored(self, settings: QSettings) -> None:
        """A saved layout was restored: it is the window's own if it was when saved."""
        if str(settings.value(OWN_KEY, "false")).lower() == "true":
            self.made()

    def refit(self) -> None:
        """Make every tab group's tabs fit: the window's own layout (one row or two) is laid
        out anew for the panels and text size of now where its groups differ (its tabs in
        front stay in front), else sized anew; any other keeps its docks in place and gets
        tab titles that fit."""
        window = self.window
        presenting = getattr(window, "presentation", None)
        if presenting is not None and presenting.active:
            return  # one panel or two at a time: no tab group (leaving lays this out)
        if not self.own:
            fit_tab_titles(window, list(window.docks.values()))
            tidy_tab_bars(window)
        elif is_compact(window.height()):
            plan = compact_plan_shown(window)
            if plan is None:
                self._lay_out_anew()
            else:  # the groups it has: sized as compact_docks sizes them, titles as planned
                split_row(window, window.sidebar_dock, *plan)
                tidy_tab_bars(window)
                show_f11_hint(window, not whole_row(window, plan[1], plan[2]))
        elif two_row_groups_shown(window):
            two_row_sizes(window)
            show_f11_hint(window, False)
        else:
            self._lay_out_anew()

    def _lay_out_anew(self) -> None:
        window = self.window
        docks = window.docks
        in_front = [dock for dock in window_docks(window) if on_screen(dock)]
        laying_out = window._laying_out  # (True while the window is being shown)
        window._laying_out = True  # tabs raised in passing: build no panel for them
        try:
            panels = window.display.panels
            # from scratch, as at the first show: compact_docks splits and tabs the docks as
            # they are, and on the compact layout of another preset (its hidden docks among
            # them) it tabbed ten panels into one group
            hidden = [dock for dock in docks.values() if dock.isHidden()]
            sidebar_docked_left(window, window.sidebar_dock)
            for dock in docks.values():
                window.removeDockWidget(dock)
                dock.show()
            arrange_docks(window, panels, docks)
            for dock in hidden:
                dock.hide()
            # the short tab titles, as at the first show: compact_docks measures the titles
            # the tabs have (terse ones from before made it stack groups whose short
            # titles then did not fit side by side: clockwork_sines, 1200x800, text 1.25)
            terse_tabs(docks.values(), False)
            if is_compact(window.height()):
                compact_docks(window, window.sidebar_dock, panels, docks, style.SCALE)
            else:
                two_row_sizes(window)
            for dock in in_front:
                dock.raise_()
        finally:
            window._laying_out = laying_out
        self.made()
        tidy_tab_bars(window)
        if not laying_out and build_on_screen(window):
            window.display.draw_all()


def compact_plan_shown(window: QMainWindow) -> tuple | None:
    """The sidebar's width, the room and the columns ``compact_docks`` would make now, if
    its tab groups are those shown (the docks not hidden), else None. The layout then stays
    (laying out anew shows every dock for a moment, and a panel drawn then differs)."""
    terse_tabs(window.docks.values(), False)  # measured as at the first show
    docks, panels = window.docks, window.display.panels
    side, room, columns = compact_plan(window, window.sidebar_dock, panels, docks, style.SCALE)
    planned = {frozenset(d for d in group if not d.isHidden()) for c in columns for group in c}
    shown = shown_groups(window)
    return (side, room, columns) if planned - {frozenset()} == shown else None


def two_row_groups_shown(window: QMainWindow) -> bool:
    """Whether the tab groups shown (the docks not hidden) are those ``arrange_docks``
    makes: each "training" panel alone, the panels of each other area tabbed together."""
    areas: dict[str, set[QDockWidget]] = {}
    for key, panel in window.display.panels.items():
        dock = window.docks[key]
        if not dock.isHidden():
            area = key if panel.area == "training" else panel.area
            areas.setdefault(area, set()).add(dock)
    return {frozenset(group) for group in areas.values()} == shown_groups(window)


def shown_groups(window: QMainWindow) -> set[frozenset[QDockWidget]]:
    """The tab groups of the docked panels not hidden (a lone dock is a group of one)."""
    return {
        frozenset([dock, *window.tabifiedDockWidgets(dock)])
        for dock in window.docks.values()
        if not dock.isHidden() and not dock.isFloating()
    }


def two_row_sizes(window: QMainWindow) -> None:
    """The two-row layout's dock sizes (``default_dock_sizes``) and tab titles that fit,
    for the text size and panels of now: as the window makes it at its first show. The
    sizes are taken once the window's bars have their height for the text size (a new
    text size passes the new minimum up one level per layout request)."""
    for _ in range(4):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    default_dock_sizes(window, window.sidebar_dock, window.display.panels, window.docks)
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    fit_tab_titles(window, list(window.docks.values()))
    tidy_tab_bars(window)


def tidy_tab_bars(window: QMainWindow) -> None:
    """Once the docks are laid out: whole titles in the tab bars of new groups (made by the
    next layout pass), none left over from groups gone."""
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    unelided_tabs(window)
    hide_left_over_tab_bars(window)


def hide_left_over_tab_bars(window: QMainWindow) -> None:
    """Hide the dock tab bars that are no group's. Qt leaves the bar of a group emptied by
    moving its docks away on screen with the tabs it had then: after laying out anew at
    text size 1.5, "Norm M" and scroll arrows lay over the timeline. A group's own bar lies
    right under the dock in front, as wide."""
    fronts = [dock.geometry() for dock in window_docks(window) if on_screen(dock)]
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window and bar.isVisible():
            at = bar.geometry()
            if not any(
                abs(at.left() - front.left()) <= 1
                and abs(at.width() - front.width()) <= 1
                and abs(at.top() - front.bottom() - 1) <= 1
                for front in fronts
            ):
                bar.hide()


def on_screen(dock: QDockWidget) -> bool:
    """Shown and not behind another tab."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()
