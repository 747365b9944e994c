"""The loss surface panel's drawing: the grid on both views and the colour bar, the paths
projected onto the plane (up to the region's edge where they leave), and the summary --
the step the surface was computed at and how many steps ago that is, and where a path
leaves the region or lies off the plane.

A mixin of ``LossSurfacePanel`` (it reads the panel's ``plane``, ``ranges``, ``grid``,
``surface_step``, ``_paths`` and widgets), kept apart so that file holds the computing.
"""

from __future__ import annotations

from rnnviz.ui.panels.surface_report import legend_html, summary_text


class SurfaceDrawingMixin:
    def _clear_drawing(self) -> None:
        self.tabs.clear()
        self.colour_bar.clear()
        self.legend.setText("")
        self.controls.show_state("", 0)

    def _redraw(self) -> None:
        if self.grid is None or self.plane is None:
            return
        self.tabs.draw_grid(self.grid, self.plane, self.log_scale.isChecked())
        self.colour_bar.set_range(*self.tabs.levels, self.log_scale.isChecked())
        self._draw_paths()

    def _draw_paths(self) -> None:
        if self.plane is None or self.grid is None:
            self._update_summary()
            return
        log = self.log_scale.isChecked()
        for key in ("main", "compare"):
            path = self._paths.get(key)
            if path is None:
                self.tabs.clear_path(key)
                continue
            coords, _ = self.plane.project(path[1])
            self.tabs.draw_path(key, coords, self.ranges, self.grid, log)
        self._update_summary()

    def _update_summary(self) -> None:
        if self.grid is None or self.plane is None:
            return
        cancelled = self.last_status == "cancelled" and not self.worker.running
        where = (self.grid, self.plane, self.ranges, self.surface_step)
        paths, label, shown = self._paths, self._compare_label, self._shown_step
        self.summary.setText(summary_text(*where, paths, label, cancelled, shown))
        self.summary.setToolTip(self.plane.info or "")  # what the plane is: a hover away
        self.legend.setText(legend_html(self._compare_label if "compare" in self._paths else None))
