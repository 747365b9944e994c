"""The loss surface panel's dealings with what outlives a computation: the session's saved
surface (kept when finished, drawn again without computing when the session is opened) and
the exports (the shown 3D view, the grid and path tables, where the path leaves).

A mixin of ``LossSurfacePanel`` (it reads the panel's ``context``, ``controls``, ``source``,
``plane``, ``ranges``, ``grid``, ``surface_step`` and ``_paths``), kept apart so that file
holds the computing and drawing alone.
"""

from __future__ import annotations

from rnnviz.engine.surface import first_exit
from rnnviz.session.surface import SavedSurface
from rnnviz.ui.export import Table
from rnnviz.ui.panels.surface_report import surface_tables


class SurfaceFileMixin:
    # -- the session's surface: kept when finished, shown again when opened -------------------
    def _session_surface(self) -> SavedSurface | None:
        session = self.context.session if self.context is not None else None
        return session.surface if session is not None else None

    def _keep_surface(self) -> None:
        """Hand the finished surface to the session (it is saved with it)."""
        session = self.context.session if self.context is not None else None
        if session is None or self.source is None or self.grid is None or not self.grid.final:
            return
        session.set_surface(self.controls.saved(self.source, self.plane, self.ranges, self.grid))

    def _show_saved(self, saved: SavedSurface) -> None:
        """Draw a saved surface as it was computed, without computing anything."""
        self.controls.fill_params(saved.names, saved.shapes)
        self.controls.show_settings(saved)
        self.plane, self.ranges, self.grid = saved.plane, saved.ranges, saved.grid
        self.surface_step = saved.step
        self.last_status = "done"
        self.controls.show_state("from file", 100)
        self._redraw()

    # -- export ------------------------------------------------------------------------------
    def shown_gl_widget(self):
        """The 3D view's GLViewWidget when its tab is the one shown (export: a PNG from its
        OpenGL read-back, no SVG), else None."""
        return self.tabs.shown_gl_widget()

    def export_tables(self) -> dict[str, Table]:
        """``surface``: the loss grid (a row per value of the first plane coordinate, a
        column per value of the second; the loss itself, drawn as log10 with "log loss");
        ``path`` / ``compare_path``: step, the plane coordinates (a, b) of the optimiser's
        path and its distance off the plane."""
        if self.grid is None or self.plane is None:
            return {}
        return surface_tables(
            self.grid, self.plane, self.surface_step, self._paths, self._compare_label
        )

    def exit_step(self, key: str = "main") -> int | None:
        """The training step at which the path first leaves the plotted region (or None)."""
        path = self._paths.get(key)
        if path is None or self.plane is None or self.ranges is None:
            return None
        coords, _ = self.plane.project(path[1])
        index = first_exit(coords, *self.ranges)
        return None if index is None else int(path[0][index])
