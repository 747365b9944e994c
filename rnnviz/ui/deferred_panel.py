"""A stand-in for a panel that the window's first run has no use for, built when needed.

Building a panel means building its pyqtgraph plots (40-80 ms each on a busy 2-core machine:
axes, pyqtgraph's plot-options form, colour bars); at start the panels that do not apply to
the first run (the default demo has no CTC lattice, attention, parse tree, NTM memory...)
took about half of the window's construction, for docks that are then hidden (set aside).
``DeferredPanel`` takes such a panel's place in its dock and in ``Display.panels`` with the
panel class's key, title and area, and asks the window to build the real panel in its place
(``build(key, shown)``, i.e. ``build_in_place``) once it is needed: a run it applies to
starts (``reset``), or its dock is shown (the View menu; ``shown``: drawn at once). The
window also builds every stand-in before it hands out its ``panels`` (tests, the export
dialog), so that nothing outside sees one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer

from rnnviz.ui.docks import PanelHolder
from rnnviz.ui.export_menu import install_export_menu
from rnnviz.ui.panels.base import Panel, RunContext


class DeferredPanel(Panel):
    """Stands in for a ``panel_class`` panel until ``build(key, shown)`` replaces it."""

    def __init__(
        self, panel_class: type[Panel], cursor, build: Callable[[str, bool], None]
    ) -> None:
        super().__init__(cursor)
        self.panel_class = panel_class
        self.key, self.title, self.area = panel_class.key, panel_class.title, panel_class.area
        self.needs_full = panel_class.needs_full
        self.applies = panel_class.applies  # the panel's own answers, for the docks
        self.title_for = panel_class.title_for
        self._build = build

    def reset(self, context: RunContext) -> None:
        super().reset(context)  # kept: the real panel starts with it
        if self.panel_class.applies(context):
            self._build(self.key, False)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        key, build = self.key, self._build
        QTimer.singleShot(0, lambda: build(key, True))  # not from within this widget's own event


def build_in_place(window, key: str, shown: bool = False) -> None:
    """Build the panel whose stand-in ``window`` holds under ``key`` into its dock, started
    for the run the stand-in was given; ``shown``: its dock was shown (drawn at once, unless
    the window has closed since). Nothing to do when the panel is built already."""
    stand_in = window.display.panels.get(key)
    if not isinstance(stand_in, DeferredPanel) or (shown and not window.isVisible()):
        return
    panel = stand_in.panel_class(window.cursor)
    scroll = window.docks[key].widget()
    scroll.takeWidget().deleteLater()
    scroll.setWidget(PanelHolder(panel))
    install_export_menu(panel, window.report_export)
    window.display.replace_panel(key, panel)
    if stand_in.context is not None:
        panel.reset(stand_in.context)
    if shown:
        window.display.draw_all()
