"""A stand-in for a panel no one has looked at yet, built when its dock first comes on screen.

Building a panel means building its pyqtgraph plots (40-80 ms each on a busy 2-core machine:
axes, pyqtgraph's plot-options form, colour bars). At start most panels are out of sight:
those that do not apply to the first run (the default demo has no CTC lattice, attention,
parse tree, NTM memory...) are set aside, and of those that apply only the front tab of each
tab group is on screen; building them all took most of the window's construction.
``DeferredPanel`` takes a panel's place in its dock and in ``Display.panels`` with the panel
class's key, title and area, keeps the run contexts it is given (``reset``), and the window
builds the real panel in its place (``build_in_place``) once its dock is on screen: the
window's first show (``build_on_screen``: those in front), or later its dock's
``visibilityChanged`` (a tab clicked, the View menu, presentation mode, the next / previous
panel keys). The built panel is given the same resets and restyles in the same order (a new
run's context, then any restart's, e.g. a text size: the loss surface keeps the preset's
plane over a restart, and a new text size restyles the plots the run's reset made) and is
drawn by the display like any panel raised into view, so it shows what it
would have shown had it been built at start. The window also builds every stand-in before
it hands out its ``panels`` (tests, the export dialog), so that nothing outside sees one.
"""

from __future__ import annotations

from rnnviz.ui.docks import PanelHolder
from rnnviz.ui.export_menu import install_export_menu
from rnnviz.ui.panels.base import Panel, RunContext
from rnnviz.ui.style import restyle_plots


class DeferredPanel(Panel):
    """Stands in for a ``panel_class`` panel until ``build_in_place`` replaces it."""

    def __init__(self, panel_class: type[Panel], cursor) -> None:
        super().__init__(cursor)
        self.panel_class = panel_class
        self.key, self.title, self.area = panel_class.key, panel_class.title, panel_class.area
        self.needs_full = panel_class.needs_full
        self.scalar_steps_change_nothing = panel_class.scalar_steps_change_nothing
        self.applies = panel_class.applies  # the panel's own answers, for the docks
        self.title_for = panel_class.title_for
        #: what the real panel is to catch up with, in order: resets (a run's context) and
        #: restyles (None: a new text size restyled the window's plots)
        self.catch_up: list[RunContext | None] = []

    def reset(self, context: RunContext) -> None:
        """A new run replaces what came before it, but for a restyle (a panel keeps the fonts
        its plots were given over a reset); a restart (same run: a Reset, a text size) comes
        after it (the panel keeps over a restart what the run's reset chose)."""
        super().reset(context)
        if context.restart and self.catch_up:
            self.catch_up.append(context)
        else:
            self.catch_up = [None, context] if None in self.catch_up else [context]

    def restyled(self) -> None:
        """The window's plots were restyled for a new text size (``style.restyle_plots``:
        the same at any later time, so once is enough between two resets)."""
        if not self.catch_up or self.catch_up[-1] is not None:
            self.catch_up.append(None)


def build_in_place(window, key: str) -> bool:
    """Build the panel whose stand-in ``window`` holds under ``key`` into its dock, started
    for the run(s) the stand-in was given (the caller has it drawn). False when the panel is
    built already."""
    stand_in = window.display.panels.get(key)
    if not isinstance(stand_in, DeferredPanel):
        return False
    panel = stand_in.panel_class(window.cursor)
    holder = PanelHolder(panel)
    # caught up in its holder before that is put in the dock: out of sight, as one built at
    # start was (a panel builds some plots only once on screen, which a restyle before then
    # did not reach; a panel alone, without a parent, counts as on screen)
    for context in stand_in.catch_up:
        if context is None:
            restyle_plots(panel)
        else:
            panel.reset(context)
    scroll = window.docks[key].widget()
    scroll.takeWidget().deleteLater()
    scroll.setWidget(holder)
    install_export_menu(panel, window.report_export)
    window.display.replace_panel(key, panel)
    return True


def build_on_screen(window) -> bool:
    """Build the stand-ins whose docks are on screen (not set aside, not behind another tab);
    True when one was built."""
    display = window.display
    keys = [
        key
        for key, panel in display.panels.items()
        if isinstance(panel, DeferredPanel) and display.on_screen(key)
    ]
    for key in keys:
        build_in_place(window, key)
    return bool(keys)
