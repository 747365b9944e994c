"""The main window's layout and text size: the dock layout made when the window is first
shown (docks.py), laid out anew for another preset or text size (dock_refit.py), saved and
reset; and the text size, which restyles and rebuilds the panels. ``WindowLayout`` is a mixin
of ``MainWindow`` (window.py), which sets ``display``, ``settings``, ``layout_store``,
``own_layout`` and the docks."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from rnnviz.ui import style
from rnnviz.ui.deferred_panel import DeferredPanel, build_on_screen
from rnnviz.ui.dock_refit import two_row_sizes
from rnnviz.ui.dock_tabs import unelided_tabs
from rnnviz.ui.docks import compact_docks, default_dock_sizes, is_compact


class WindowLayout:
    """The dock layout and the text size of ``MainWindow``."""

    def step_text_size(self, direction: int) -> None:
        """One step larger (+1) or smaller (-1) on the global text-size scale."""
        scales = style.SCALES
        index = min(range(len(scales)), key=lambda i: abs(scales[i] - style.SCALE))
        self.set_text_size(scales[min(max(index + direction, 0), len(scales) - 1)])

    def set_text_size(self, scale: float) -> None:
        """Scale all text (remembered between runs): the stylesheet, every plot's axes, and
        the panels, which are rebuilt for the new size and redrawn from the history."""
        scale = style.set_scale(QApplication.instance(), scale)
        self.settings.setValue("view/text_scale", scale)
        self.sidebar.fit_width()
        style.refresh_text_sizes(self)
        style.restyle_plots(self)
        for panel in self.display.panels.values():
            if isinstance(panel, DeferredPanel):
                panel.restyled()  # (its panel, once built, is restyled in turn)
        if self.trainer is not None:
            with self.run_control.restarting():  # the same run: the views chosen stay
                self.display.reset_panels()
            self.fit_tabs()  # their text size changed
            self.display.draw_all()
        self.statusBar().showMessage(f"Text size {scale:g}x", 3000)

    def reset_layout(self) -> None:
        self.layout_store.reset([self.sidebar_dock, *self.docks.values()])
        self.own_layout.reset_done()
        self.fit_tabs()  # the default was made for the first preset and text size

    def save_layout(self) -> None:
        self.own_layout.save(self.settings)
        self.layout_store.save()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        """Showing lays the docks out, raising tabs in passing (the default layout, then the
        compact one in ``showEvent``): the panels in front once it is done are built then,
        before the first paint (the others when their tab is raised)."""
        showing = visible and not self.isVisible()
        self._laying_out = showing
        try:
            super().setVisible(visible)
        finally:
            self._laying_out = False
        if showing and build_on_screen(self):
            self.display.draw_all()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._sized:  # dock sizes only apply to a shown window
            self._sized = True
            if not self.layout_store.saved:
                if is_compact(self.height()):
                    default_dock_sizes(self, self.sidebar_dock, self.display.panels, self.docks)
                    compact_docks(
                        self, self.sidebar_dock, self.display.panels, self.docks, style.SCALE
                    )
                else:  # as a refit sizes it (the same layout after another preset)
                    two_row_sizes(self)
                self.layout_store.keep_as_default()
                self.own_layout.made(default=True)
                settings = self.run_settings
                for key in settings.show if settings is not None else ():
                    if key in self.docks:  # the preset's panels in front again
                        self.docks[key].raise_()
            else:  # made for another size, preset or text size: laid out anew, or terse tabs
                self.own_layout.refit()
        unelided_tabs(self)

    def fit_tabs(self) -> None:
        """Every tab group's tabs in sight: the window's own layout laid out anew, else terse
        tab titles where the tabs do not fit (dock_refit.py)."""
        if getattr(self, "_sized", False) and self.isVisible():
            self.own_layout.refit()
