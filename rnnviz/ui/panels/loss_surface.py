"""The loss over a plane of parameter space with the optimiser's path on it: 3D and a map.

The surface is computed on a background thread (``SurfaceWorker``) from a snapshot of the
trainer, coarse first and refined level by level; the path is projected onto the plane and
extends live as records arrive. Planes: two chosen scalar parameters (exact), two random
filter-normalised directions (Li et al. 2018), the path's two principal directions, or
"auto" (PCA once the path has moved, random before), made through the run's start or its
current weights. A preset chooses the first view that tells its story
(``RunContext.surface_view``: the cliff's (w, b) plane around the start, with the wall).
A finished surface is kept in the run's Session (``session.surface``) and saved with it.

The controls are in surface_controls.py, the views in surface_views.py, surface_gl.py and
surface_colourbar.py, drawing and the summary in surface_drawing.py and surface_report.py,
the saved surface and exports in surface_saved.py.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.engine.surface import SurfaceGrid, SurfaceSource, scalar_labels
from rnnviz.engine.surface_view import resolve_params
from rnnviz.ui.elided_label import ElidedLabel
from rnnviz.ui.panels.base import Panel, RunContext
from rnnviz.ui.panels.side_or_top import SideOrTop
from rnnviz.ui.panels.surface_colourbar import ColourBar
from rnnviz.ui.panels.surface_controls import SurfaceControls
from rnnviz.ui.panels.surface_drawing import SurfaceDrawingMixin
from rnnviz.ui.panels.surface_fold import SettingsFold, SummaryRow
from rnnviz.ui.panels.surface_gl import gl_available
from rnnviz.ui.panels.surface_report import eta_text, read_trajectory
from rnnviz.ui.panels.surface_saved import SurfaceFileMixin
from rnnviz.ui.panels.surface_views import SurfaceViews, TabCorner
from rnnviz.ui.workers.surface_worker import SurfaceWorker


class LossSurfacePanel(SurfaceDrawingMixin, SurfaceFileMixin, Panel):
    title = "Loss surface"
    key = "loss_surface"
    area = "gradients"
    #: compute a first surface when a run starts (while the panel is shown)
    compute_on_reset = True

    def __init__(self, cursor, parent: QWidget | None = None, use_gl: bool | None = None) -> None:
        super().__init__(cursor, parent)
        self.worker = SurfaceWorker(self)
        self.worker.level_ready.connect(self._level_ready)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.trainer = None  # set_trainer(): a trainer to read directly outside a main window
        self.source: SurfaceSource | None = None
        self.plane = None
        self.ranges = None
        self.grid: SurfaceGrid | None = None
        self.surface_step = -1  # the training step the surface was computed at
        self.last_status = ""  # "done" / "cancelled" / "error: ..." of the last computation
        self._started = 0.0  # time.monotonic() when the computation under way started
        self._paths: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # key -> (steps, weights)
        self._shown_step: int | None = None  # the training step the panels show
        self._view_params = None  # the preset's exact-plane parameters, set once names are known
        self._compare_label = ""
        self._run = 0
        self._pending = False
        self._build(gl_available() if use_gl is None else bool(use_gl))
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def _build(self, use_gl: bool) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.controls = controls = SurfaceControls()
        # the controls tests and the export drive, under their old names
        self.plane_box, self.resolution = controls.plane_box, controls.resolution
        self.cancel_button, self.log_scale = controls.cancel_button, controls.log_scale
        info = QWidget()  # above the views, or beside them in a wide, short dock
        info_layout = QVBoxLayout(info)
        info_layout.setContentsMargins(0, 0, 0, 0)
        info_layout.addLayout(controls)
        # one line: the staleness, the rest (warnings about the path) a hover away, with how
        # many there are; beside it the paths' colours and the step the path is drawn up to.
        # Three rows at 1280x720 (two summary lines, the legend's) took the 3D view's height.
        self.summary = ElidedLabel("", max_lines=1)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.legend = QLabel("")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.summary_row = SummaryRow(self.summary, self.legend, self.step_tag)
        info_layout.addLayout(self.summary_row)
        info_layout.addStretch(1)  # (beside the views: what is left below)
        notice = "" if use_gl else "3D view unavailable here (no OpenGL); showing the 2D map."
        self.tabs = SurfaceViews(use_gl, notice, self._on_screen, self._gl_made)
        self._corner(controls)
        self.colour_bar = ColourBar(self.tabs.colormap)  # one bar for the 3D view and the map
        views = QHBoxLayout()
        views.addWidget(self.tabs, 1)
        views.addWidget(self.colour_bar)
        self.arrangement = SideOrTop(info, views)
        layout.addWidget(self.arrangement, 1)
        self.notice, self.map_paths = self.tabs.notice, self.tabs.map_paths
        controls.recompute_button.clicked.connect(self.recompute)
        controls.cancel_button.clicked.connect(self.cancel)
        controls.log_scale.toggled.connect(self._redraw)
        controls.centre_box.currentIndexChanged.connect(self._centre_changed)

    def _corner(self, controls: SurfaceControls) -> None:
        """The settings' fold button, log loss (how the views draw) and Recompute beside the
        view tabs, in the row's empty end: in the controls' flow they made a fourth row at
        1280x720."""
        self.settings_fold = SettingsFold(
            self,
            controls,
            controls.settings,
            also=[controls.log_scale],
            terse={controls.recompute_button: "↻"},  # its tooltip says Recompute
            summary_row=self.summary_row,
        )
        self.tab_corner = TabCorner(
            self.tabs,
            [self.settings_fold.button, controls.log_scale, controls.recompute_button],
        )

    @property
    def gl_view(self):
        return self.tabs.gl_view

    @property
    def gl_notice(self) -> str:
        return self.tabs.gl_notice

    def _gl_made(self) -> None:
        self._redraw()  # what was drawn on the map so far

    # -- Panel hooks -----------------------------------------------------------------------
    def set_trainer(self, trainer) -> None:
        """Read surfaces from ``trainer`` directly (outside a main window, e.g. scripts)."""
        self.trainer = trainer

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self._run += 1
        self.worker.cancel()
        self.source = self.plane = self.ranges = self.grid = None
        self.surface_step = -1
        self._paths.clear()
        self._shown_step = None
        self._compare_label = ""
        if not context.restart:  # a new run: the preset's first view (a Reset keeps the
            self.controls.clear_params()  # plane, centre, span and parameters shown now)
            self.controls.apply_view(context.surface_view)
            self._view_params = context.surface_view  # its parameters, once names are known
        self._clear_drawing()
        self.summary.setText("no surface yet: press Recompute")
        saved = self._session_surface()
        if saved is not None:
            self._show_saved(saved)
        elif self.compute_on_reset and self._on_screen():
            self.recompute()

    def show_record(self, record: StepRecord, history: History) -> None:
        self.tabs.ensure_gl()  # e.g. its tab was just raised
        self._compute_if_wanted()
        self._shown_step = record.step
        steps, weights = read_trajectory(history, record.step)
        if steps.size:
            self._paths["main"] = (steps, weights)
            self._draw_paths()
        every = self.controls.auto_every.value()
        if every and not self._busy and record.step - self.surface_step >= every:
            self.recompute()

    def show_compare(self, label: str, record: StepRecord | None, history: History | None) -> None:
        if record is None or history is None:
            self._paths.pop("compare", None)
            self._compare_label = ""
        else:
            steps, weights = read_trajectory(history, record.step)
            main = self._paths.get("main")
            # the second run's path only lies in this parameter space if it has the same
            # parameters (e.g. the cliff with and without clipping; not tanh RNN vs LSTM)
            if steps.size and main is not None and weights.shape[1:] == main[1].shape[1:]:
                self._paths["compare"] = (steps, weights)
                self._compare_label = label
            else:
                self._paths.pop("compare", None)
                self._compare_label = ""
        self._draw_paths()

    # -- computing -----------------------------------------------------------------------------
    @property
    def _busy(self) -> bool:
        return self._pending or self.worker.running

    def recompute(self) -> None:
        """Snapshot the trainer (where it lives) and compute the surface in the background."""
        run = self._run
        self._pending = True
        self.controls.show_state("preparing…", busy=True)

        def ready(result) -> None:
            if run == self._run:
                self._source_ready(result)

        request = self.context.request if self.context is not None else None
        if request is not None:
            request(SurfaceSource.from_trainer, ready)
        elif self.trainer is not None:
            try:
                ready(SurfaceSource.from_trainer(self.trainer))
            except Exception as exc:
                ready(exc)
        else:
            self._pending = False
            self.controls.show_state("")
            self.summary.setText("no trainer to compute a surface from")

    def _source_ready(self, source) -> None:
        self._pending = False
        if isinstance(source, Exception):
            self._show_error(f"{type(source).__name__}: {source}")
            return
        self.source = source
        self.controls.fill_params(source.names, source.shapes)
        try:
            if self._view_params is not None:  # the preset's two parameters, once per run
                labels = scalar_labels(source.names, source.shapes)
                self.controls.set_params(resolve_params(self._view_params, labels))
                self._view_params = None
            plane = self.controls.make_plane(source)
        except ValueError as exc:
            self._show_error(str(exc))
            return
        self.plane = plane
        self.ranges = plane.ranges(self.controls.span.value())
        self.surface_step = source.step
        if "main" not in self._paths and source.steps.size:
            self._paths["main"] = (source.steps, source.trajectory)
        self.controls.show_state("%p%", 0, busy=True)
        self._started = time.monotonic()
        self.worker.start(source, plane, *self.ranges, self.resolution.value())

    def _centre_changed(self) -> None:
        """Centre on the start or the current weights: the surface is made again around it
        (when there is one to replace)."""
        if self.grid is not None or self._busy:
            self.recompute()

    def cancel(self) -> None:
        """Stop the computation under way (what was refined so far stays drawn)."""
        self.worker.cancel()

    def shutdown(self) -> None:
        """Stop the background computation and wait for its thread."""
        self.worker.stop()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.shutdown()
        super().closeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)  # (in a main window, its closing calls shutdown())
        self.settings_fold.watch()  # the settings folded in a short dock
        QTimer.singleShot(0, self.tabs.ensure_gl)  # once laid out and exposed
        self._compute_if_wanted()

    def _on_screen(self) -> bool:
        """Shown and not behind another tab (a tabbed dock still reports isVisible())."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def _compute_if_wanted(self) -> None:
        """The first surface of a run, once the panel is really on screen (not at start-up
        behind a tab, where it would only take CPU from training)."""
        if (
            self.compute_on_reset
            and self.context is not None
            and self.grid is None
            and not self._busy
            and self._on_screen()
        ):
            self.recompute()

    # -- worker signals ----------------------------------------------------------------------
    def _level_ready(self, grid: SurfaceGrid, job: int) -> None:
        if job != self.worker.job or self.plane is None:  # a level of a cancelled job
            return
        self.grid = grid
        self._redraw()

    def _progress(self, done: int, total: int, job: int) -> None:
        if job != self.worker.job:
            return
        self.controls.set_percent(done, total)
        # the time left from the time per point measured so far (text set only when it changes)
        text = eta_text(done, total, time.monotonic() - self._started)
        if text != self.controls.progress.format():
            self.controls.show_state(text, busy=True)

    def _finished(self, status: str, job: int) -> None:
        if job != self.worker.job:
            return
        self.last_status = status
        self.cancel_button.setEnabled(False)
        if status == "done":
            self.controls.show_state("%p%", 100)
            self._keep_surface()
        elif status == "cancelled":
            self.controls.show_state("cancelled")
            if self.grid is None:  # (a drawn level says "cancelled" in its summary)
                self.summary.setText("cancelled before a first level: press Recompute")
        elif status.startswith("error"):
            self._show_error(status.removeprefix("error: "))
        self._update_summary()

    def _show_error(self, text: str) -> None:
        self.controls.show_state("failed")
        self.summary.setText(f"Surface not computed: {text}")
