"""The loss over a plane of parameter space with the optimiser's path on it: 3D and a map.

The surface is computed on a background thread (``SurfaceWorker``) from a snapshot of the
trainer, coarse first and refined level by level; the path is projected onto the plane and
extends live as records arrive. Planes: two chosen scalar parameters (exact), two random
filter-normalised directions (Li et al. 2018), or the training path's two principal
directions. The map tab (heatmap + contours) is also the fallback where OpenGL is missing.
"""

from __future__ import annotations

import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.engine.surface import (
    SurfaceGrid,
    SurfaceSource,
    bilinear,
    exact_plane,
    first_exit,
    pca_plane,
    random_plane,
    scalar_labels,
)
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table, grid_table
from rnnviz.ui.panels.base import Panel, RunContext
from rnnviz.ui.workers.surface_worker import SurfaceWorker

PLANES = (
    ("exact", "Two parameters (exact)"),
    ("random", "Random directions (Li et al.)"),
    ("pca", "PCA of the training path"),
)
DEFAULT_SPAN = {"exact": 5.0, "random": 1.0, "pca": 1.0}
PATH_COLOURS = {"main": "#ff3d00", "compare": "#ffffff"}
#: the 3D box the surface is drawn in: a and b over +-HALF, heights 0..HEIGHT
HALF, HEIGHT = 5.0, 4.0


def gl_available() -> bool:
    """Whether a 3D view can be tried: pyqtgraph.opengl imports and the Qt platform has
    OpenGL (offscreen/minimal have none). ``RNNVIZ_NO_GL=1`` forces the 2D fallback."""
    if os.environ.get("RNNVIZ_NO_GL"):
        return False
    app = QApplication.instance()
    if app is not None and app.platformName() in ("offscreen", "minimal"):
        return False
    try:
        import pyqtgraph.opengl  # noqa: F401
    except Exception:
        return False
    return True


def read_trajectory(history: History) -> tuple[np.ndarray, np.ndarray]:
    """(steps [K], weights [K, P]) of the path, read safely while another thread appends."""
    traj = history.trajectory
    steps, items = list(traj.steps), list(traj.items)
    if abs(len(steps) - len(items)) > 1:  # caught in the middle of thinning: skip this time
        return np.empty(0, dtype=np.int64), np.empty((0, 0))
    n = min(len(steps), len(items))
    if n == 0:
        return np.empty(0, dtype=np.int64), np.empty((0, 0))
    return np.asarray(steps[:n]), np.stack(items[:n])


def heights(loss: np.ndarray, log: bool) -> np.ndarray:
    """What is drawn as height: the loss or log10 of it; non-finite values at the top."""
    z = np.asarray(loss, dtype=np.float64)
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.log10(np.maximum(z, 1e-12))
    finite = np.isfinite(z)
    if not finite.any():
        return np.zeros_like(z)
    return np.where(finite, z, z[finite].max())


class _GLView:
    """The 3D tab: the surface, the paths and the current points in a GLViewWidget."""

    def __init__(self) -> None:
        import pyqtgraph.opengl as gl

        self.widget = gl.GLViewWidget()
        self.widget.setBackgroundColor(style.BACKGROUND)
        self.widget.setCameraPosition(distance=22, elevation=32, azimuth=-55)
        self.surface = gl.GLSurfacePlotItem(computeNormals=False, smooth=False, glOptions="opaque")
        self.widget.addItem(self.surface)
        grid = gl.GLGridItem()
        grid.setSize(2 * HALF, 2 * HALF)
        grid.setSpacing(HALF / 5, HALF / 5)
        self.widget.addItem(grid)
        self.paths = {}
        self.points = {}
        for key, colour in PATH_COLOURS.items():
            rgba = pg.mkColor(colour).getRgbF()
            self.paths[key] = gl.GLLinePlotItem(mode="lines", width=3, color=rgba, antialias=True)
            self.points[key] = gl.GLScatterPlotItem(size=14, color=rgba)
            self.paths[key].setGLOptions("translucent")
            self.points[key].setGLOptions("translucent")
            self.widget.addItem(self.paths[key])
            self.widget.addItem(self.points[key])
        font = style.plot_font()
        self.labels = [gl.GLTextItem(font=font, color=(230, 230, 230, 255)) for _ in range(3)]
        for label in self.labels:
            self.widget.addItem(label)

    def set_surface(
        self, z01: np.ndarray, colours: np.ndarray, labels: tuple[str, str, str]
    ) -> None:
        n, m = z01.shape
        x, y = np.linspace(-HALF, HALF, n), np.linspace(-HALF, HALF, m)
        self.surface.setData(x=x, y=y, z=z01 * HEIGHT)  # vertexes first (the size may change)
        self.surface.setData(colors=colours.reshape(n * m, 4))
        self.labels[0].setData(pos=(0.0, -HALF - 1.2, 0.0), text=labels[0])
        self.labels[1].setData(pos=(HALF + 0.6, 0.0, 0.0), text=labels[1])
        self.labels[2].setData(pos=(-HALF, HALF, HEIGHT + 0.4), text=labels[2])

    def set_path(self, key: str, segments: np.ndarray, current: np.ndarray | None) -> None:
        self.paths[key].setData(pos=segments if len(segments) else np.zeros((0, 3)))
        self.points[key].setData(pos=current[None] if current is not None else np.zeros((0, 3)))


class LossSurfacePanel(Panel):
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
        self._paths: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # key -> (steps, weights)
        self._compare_label = ""
        self._run = 0
        self._pending = False
        self._build_controls()
        # The 3D view is made the first time its tab is on screen: once a QOpenGLWidget is
        # in a window, Qt composites that whole window through OpenGL at every repaint, for
        # good (~10 ms per repaint of anything under a software renderer; measured p99 event
        # lateness while training 45 ms with it, 15-25 ms without).
        self.gl_view: _GLView | None = None
        self.gl_notice = ""
        if use_gl is None:
            use_gl = gl_available()
        self._use_gl = bool(use_gl)
        if not use_gl:
            self.gl_notice = "3D view unavailable here (no OpenGL); showing the 2D map."
        self._build_views()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- building ------------------------------------------------------------------------------
    def _build_controls(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        controls = QGridLayout()
        self.plane_box = QComboBox()
        for kind, text in PLANES:
            self.plane_box.addItem(text, kind)
        self.plane_box.setToolTip("Which plane of parameter space the surface shows.")
        self.param_a, self.param_b = QComboBox(), QComboBox()
        for box in (self.plane_box, self.param_a, self.param_b):  # long names: no wide panel
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        for box, axis in ((self.param_a, "first"), (self.param_b, "second")):
            box.setToolTip(f"The {axis} parameter of the exact plane.")
            box.setMinimumContentsLength(8)
        self.span = QDoubleSpinBox()
        self.span.setRange(1e-3, 1e4)
        self.span.setDecimals(3)
        self.span.setValue(DEFAULT_SPAN["exact"])
        self.span.setToolTip(
            "Half-width of the plotted region around the current weights (PCA: a factor on "
            "the extent of the path)."
        )
        self.resolution = QSpinBox()
        self.resolution.setRange(5, 301)
        self.resolution.setValue(101)
        self.resolution.setToolTip("Grid points per side (a coarse grid shows first).")
        self.log_scale = QCheckBox("log loss")
        self.log_scale.setChecked(True)
        self.recompute_button = QPushButton("Recompute")
        self.recompute_button.setToolTip("Compute the surface around the current weights.")
        self.auto_every = QSpinBox()
        self.auto_every.setRange(0, 100_000)
        self.auto_every.setSpecialValueText("auto off")
        self.auto_every.setSuffix(" steps")
        self.auto_every.setToolTip("Recompute the surface every N training steps (off: 0).")
        self.auto_every.setPrefix("auto ")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        # three short rows: the panel fits beside the model panels on a 1280-pixel screen and
        # leaves most of its height to the surface
        controls.addWidget(QLabel("plane"), 0, 0)
        controls.addWidget(self.plane_box, 0, 1, 1, 3)
        controls.addWidget(self.recompute_button, 0, 4)
        controls.addWidget(self.cancel_button, 0, 5)
        controls.addWidget(QLabel("params"), 1, 0)
        controls.addWidget(self.param_a, 1, 1, 1, 2)
        controls.addWidget(self.param_b, 1, 3, 1, 2)
        controls.addWidget(self.log_scale, 1, 5)
        controls.addWidget(QLabel("span"), 2, 0)
        controls.addWidget(self.span, 2, 1)
        controls.addWidget(QLabel("grid"), 2, 2)
        controls.addWidget(self.resolution, 2, 3)
        controls.addWidget(self.auto_every, 2, 4)
        controls.addWidget(self.progress, 2, 5)
        self.legend = QLabel("")
        layout.addLayout(controls)
        self.summary = QLabel("")
        self.summary.setWordWrap(False)  # one item per line; a wrapped label gets clipped
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setMinimumHeight(3 * self.summary.fontMetrics().lineSpacing() + 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.legend)
        self.plane_box.currentIndexChanged.connect(self._plane_changed)
        self.recompute_button.clicked.connect(self.recompute)
        self.cancel_button.clicked.connect(self.cancel)
        self.log_scale.toggled.connect(self._redraw)
        self._plane_changed()

    def _build_views(self) -> None:
        self.tabs = QTabWidget()
        self.layout().addWidget(self.tabs, 1)
        self._gl_page = QWidget()  # holds the 3D view once it is made (_ensure_gl)
        QVBoxLayout(self._gl_page).setContentsMargins(0, 0, 0, 0)
        if self._use_gl:
            self.tabs.addTab(self._gl_page, "3D surface")
            self.tabs.currentChanged.connect(lambda _index: self._ensure_gl())
        self.map_widget = pg.PlotWidget()
        plot = self.map_widget.getPlotItem()
        style.style_plot(plot)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.colormap = pg.colormap.get("viridis")
        self.image.setColorMap(self.colormap)
        plot.addItem(self.image)
        self.isocurves = [
            pg.IsocurveItem(pen=pg.mkPen((255, 255, 255, 110), width=1)) for _ in range(9)
        ]
        for curve in self.isocurves:
            curve.setParentItem(self.image)
        self.map_paths, self.map_points = {}, {}
        for key, colour in PATH_COLOURS.items():
            self.map_paths[key] = plot.plot(pen=pg.mkPen(colour, width=3), connect="finite")
            self.map_points[key] = pg.ScatterPlotItem(
                size=14, brush=pg.mkBrush(colour), pen=pg.mkPen("k")
            )
            plot.addItem(self.map_points[key])
        self.map_start = pg.ScatterPlotItem(size=10, brush=pg.mkBrush("w"), symbol="s")
        plot.addItem(self.map_start)
        map_page = QWidget()
        map_layout = QVBoxLayout(map_page)
        map_layout.setContentsMargins(0, 0, 0, 0)
        self.notice = QLabel(self.gl_notice)
        self.notice.setStyleSheet("color: #ffb74d; font-weight: bold;")
        self.notice.setVisible(bool(self.gl_notice))
        map_layout.addWidget(self.notice)
        map_layout.addWidget(self.map_widget, 1)
        self.tabs.addTab(map_page, "Map" if self._use_gl else "Map (2D fallback)")

    def _ensure_gl(self) -> None:
        """Make the 3D view if its tab is on screen and it does not exist yet."""
        if not self._use_gl or self.gl_view is not None:
            return
        if self.tabs.currentWidget() is not self._gl_page or not self._on_screen():
            return
        try:
            self.gl_view = _GLView()
        except Exception as exc:  # no OpenGL after all: the map alone, with a notice
            self._use_gl = False
            self.gl_notice = f"3D view unavailable ({type(exc).__name__}: {exc})."
            self.notice.setText(self.gl_notice)
            self.notice.setVisible(True)
            self.tabs.removeTab(self.tabs.indexOf(self._gl_page))
            return
        self._gl_page.layout().addWidget(self.gl_view.widget)
        self._redraw()  # what was drawn on the map so far
        self._draw_paths()

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
        self._compare_label = ""
        self.param_a.clear()
        self.param_b.clear()
        self._clear_drawing()
        self.summary.setText("no surface yet: press Recompute")
        if self.compute_on_reset and self._on_screen():
            self.recompute()

    def show_record(self, record: StepRecord, history: History) -> None:
        self._ensure_gl()  # e.g. its tab was just raised
        self._compute_if_wanted()
        steps, weights = read_trajectory(history)
        if steps.size:
            self._paths["main"] = (steps, weights)
            self._draw_paths()
        every = self.auto_every.value()
        if every and not self._busy and record.step - self.surface_step >= every:
            self.recompute()

    def show_compare(self, label: str, record: StepRecord | None, history: History | None) -> None:
        if record is None or history is None:
            self._paths.pop("compare", None)
            self._compare_label = ""
        else:
            steps, weights = read_trajectory(history)
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
        self.cancel_button.setEnabled(True)
        self.progress.setFormat("preparing…")

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
            self.cancel_button.setEnabled(False)
            self.summary.setText("no trainer to compute a surface from")

    def _source_ready(self, source) -> None:
        self._pending = False
        if isinstance(source, Exception):
            self._show_error(f"{type(source).__name__}: {source}")
            return
        self.source = source
        self._fill_param_boxes(source)
        try:
            plane = self._make_plane(source)
        except ValueError as exc:
            self._show_error(str(exc))
            return
        self.plane = plane
        self.ranges = plane.ranges(self.span.value())
        self.surface_step = source.step
        if "main" not in self._paths and source.steps.size:
            self._paths["main"] = (source.steps, source.trajectory)
        self.cancel_button.setEnabled(True)
        self.progress.setFormat("%p%")
        self.progress.setValue(0)
        self.worker.start(source, plane, *self.ranges, self.resolution.value())

    def _make_plane(self, source: SurfaceSource):
        kind = self.plane_box.currentData()
        if kind == "random":
            return random_plane(source.weights, source.names, source.shapes, seed=0)
        if kind == "pca":
            return pca_plane(source.weights, source.trajectory)
        labels = scalar_labels(source.names, source.shapes)
        return exact_plane(
            source.weights, self.param_a.currentIndex(), self.param_b.currentIndex(), labels
        )

    def _fill_param_boxes(self, source: SurfaceSource) -> None:
        labels = scalar_labels(source.names, source.shapes)
        if self.param_a.count() == len(labels):
            return
        for box, default in ((self.param_a, 0), (self.param_b, min(1, len(labels) - 1))):
            box.blockSignals(True)
            box.clear()
            box.addItems(labels)
            box.setCurrentIndex(default)
            box.blockSignals(False)

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
        QTimer.singleShot(0, self._ensure_gl)  # once laid out and exposed
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
        if job == self.worker.job:
            # whole percents only: each QProgressBar.setValue repaints at once (~8 ms here)
            total = max(total, 1)
            if self.progress.maximum() != 100:
                self.progress.setMaximum(100)
            percent = 100 * done // total
            if percent != self.progress.value():
                self.progress.setValue(percent)

    def _finished(self, status: str, job: int) -> None:
        if job != self.worker.job:
            return
        self.last_status = status
        self.cancel_button.setEnabled(False)
        if status == "cancelled":
            self.progress.setFormat("cancelled")
        elif status.startswith("error"):
            self._show_error(status.removeprefix("error: "))
        self._update_summary()

    def _show_error(self, text: str) -> None:
        self.cancel_button.setEnabled(False)
        self.progress.setFormat("failed")
        self.summary.setText(f"Surface not computed: {text}")

    # -- drawing -------------------------------------------------------------------------------
    def _plane_changed(self) -> None:
        kind = self.plane_box.currentData()
        self.param_a.setEnabled(kind == "exact")
        self.param_b.setEnabled(kind == "exact")
        self.span.setValue(DEFAULT_SPAN[kind])

    def _clear_drawing(self) -> None:
        self.image.clear()
        for curve in self.isocurves:
            curve.setData(None)
        for key in PATH_COLOURS:
            self.map_paths[key].setData([], [])
            self.map_points[key].setData([], [])
            if self.gl_view is not None:
                self.gl_view.set_path(key, np.zeros((0, 3)), None)
        self.map_start.setData([], [])
        self.legend.setText("")
        self.progress.setValue(0)
        self.progress.setFormat("")

    def _redraw(self) -> None:
        grid = self.grid
        if grid is None:
            return
        log = self.log_scale.isChecked()
        z = heights(grid.loss, log)
        lo, hi = float(z.min()), float(z.max())
        span = hi - lo if hi > lo else 1.0
        z01 = (z - lo) / span
        (a0, a1), (b0, b1) = (grid.a[0], grid.a[-1]), (grid.b[0], grid.b[-1])
        da = (a1 - a0) / max(grid.a.size - 1, 1)
        db = (b1 - b0) / max(grid.b.size - 1, 1)
        self.image.setImage(z, levels=(lo, hi), autoLevels=False)
        self.image.setRect(QRectF(a0 - da / 2, b0 - db / 2, a1 - a0 + da, b1 - b0 + db))
        for k, curve in enumerate(self.isocurves):
            curve.setData(z, level=lo + span * (k + 1) / (len(self.isocurves) + 1))
        plot = self.map_widget.getPlotItem()
        plot.setLabel("bottom", self.plane.labels[0])
        plot.setLabel("left", self.plane.labels[1])
        plot.setRange(xRange=(a0, a1), yRange=(b0, b1), padding=0.02)
        if self.gl_view is not None:
            colours = self.colormap.map(z01.ravel(), mode="float").reshape(*z.shape, 4)
            zlabel = f"log10 loss {lo:.3g}..{hi:.3g}" if log else f"loss {lo:.3g}..{hi:.3g}"
            self.gl_view.set_surface(z01, colours, (*self.plane.labels, zlabel))
        self._draw_paths()

    def _draw_paths(self) -> None:
        if self.plane is None or self.grid is None:
            self._update_summary()
            return
        for key in PATH_COLOURS:
            path = self._paths.get(key)
            if path is None:
                self.map_paths[key].setData([], [])
                self.map_points[key].setData([], [])
                if self.gl_view is not None:
                    self.gl_view.set_path(key, np.zeros((0, 3)), None)
                continue
            coords, _ = self.plane.project(path[1])
            self._draw_path(key, coords)
        self._update_summary()

    def _draw_path(self, key: str, coords: np.ndarray) -> None:
        (a0, a1), (b0, b1) = self.ranges
        inside = (
            (coords[:, 0] >= a0)
            & (coords[:, 0] <= a1)
            & (coords[:, 1] >= b0)
            & (coords[:, 1] <= b1)
        )
        shown = np.where(inside[:, None], coords, np.nan)
        self.map_paths[key].setData(shown[:, 0], shown[:, 1], connect="finite")
        current = coords[-1] if inside[-1] else None
        self.map_points[key].setData(*([[c] for c in current] if current is not None else ([], [])))
        if key == "main":
            start = ([coords[0, 0]], [coords[0, 1]]) if inside[0] else ([], [])
            self.map_start.setData(*start)
        if self.gl_view is None:
            return
        log = self.log_scale.isChecked()
        z = heights(self.grid.loss, log)
        lo, hi = float(z.min()), float(z.max())
        span = hi - lo if hi > lo else 1.0
        on_surface = bilinear(SurfaceGrid(self.grid.a, self.grid.b, z, 0, 1, 0.0), coords)
        xyz = np.stack(
            [
                (coords[:, 0] - (a0 + a1) / 2) / ((a1 - a0) / 2) * HALF,
                (coords[:, 1] - (b0 + b1) / 2) / ((b1 - b0) / 2) * HALF,
                (on_surface - lo) / span * HEIGHT + 0.05,
            ],
            -1,
        )
        both = inside[:-1] & inside[1:]
        segments = np.stack([xyz[:-1][both], xyz[1:][both]], 1).reshape(-1, 3)
        self.gl_view.set_path(key, segments, xyz[-1] if inside[-1] else None)

    def shown_gl_widget(self):
        """The 3D view's GLViewWidget when its tab is the one shown (export: a PNG from its
        OpenGL read-back, no SVG), else None."""
        if self.gl_view is None or self.tabs.currentWidget() is not self._gl_page:
            return None
        return self.gl_view.widget

    def export_tables(self) -> dict[str, Table]:
        """``surface``: the loss grid (a row per value of the first plane coordinate, a
        column per value of the second; the loss itself, drawn as log10 with "log loss");
        ``path`` / ``compare_path``: step, the plane coordinates (a, b) of the optimiser's
        path and its distance off the plane."""
        grid, plane = self.grid, self.plane
        if grid is None or plane is None:
            return {}
        label_a, label_b = plane.labels[:2]
        name = f"loss at step {self.surface_step} over ({label_a}, {label_b})"
        tables = {
            "surface": grid_table(
                {f"{label_a} \\ {label_b}": grid.a.tolist()},
                [repr(float(b)) for b in grid.b],
                grid.loss,
                name,
            )
        }
        for key, path in self._paths.items():
            coords, distance = plane.project(path[1])
            columns = {
                "step": path[0],
                label_a: coords[:, 0],
                label_b: coords[:, 1],
                "distance off the plane": distance,
            }
            who = "this run" if key == "main" else self._compare_label or "compare"
            tables["path" if key == "main" else "compare_path"] = columns_table(
                columns, f"the optimiser's path ({who})"
            )
        return tables

    def exit_step(self, key: str = "main") -> int | None:
        """The training step at which the path first leaves the plotted region (or None)."""
        path = self._paths.get(key)
        if path is None or self.plane is None or self.ranges is None:
            return None
        coords, _ = self.plane.project(path[1])
        index = first_exit(coords, *self.ranges)
        return None if index is None else int(path[0][index])

    def _update_summary(self) -> None:
        if self.grid is None or self.plane is None:
            return
        grid = self.grid
        n = grid.loss.shape[0]
        state = "" if grid.final else f" (refining, level {grid.level + 1}/{grid.levels})"
        if self.last_status == "cancelled" and not grid.final and not self.worker.running:
            state = " (cancelled)"
        parts = [f"surface at step {self.surface_step}: {n}×{n} in {grid.seconds:.2f} s{state}"]
        names = {"main": "this run", "compare": self._compare_label or "compare"}
        for key, name in names.items():
            path = self._paths.get(key)
            if path is None:
                continue
            coords, distance = self.plane.project(path[1])
            index = first_exit(coords, *self.ranges)
            who = "the path" if key == "main" and "compare" not in self._paths else f"{name}'s path"
            if index is not None:
                parts.append(f"⚠ {who} leaves the plotted region at step {int(path[0][index])}")
            scale = 1.0 + float(np.abs(path[1]).max())
            if distance.size and distance.max() > 1e-5 * scale:
                parts.append(f"{who} lies up to {distance.max():.3g} off this plane")
        self.summary.setText("\n".join(parts))
        self.summary.setToolTip(self.plane.info or "")  # what the plane is: a hover away
        legend = [f'<span style="color:{PATH_COLOURS["main"]}">━ this run</span>']
        if "compare" in self._paths:
            legend.append(
                f'<span style="color:{PATH_COLOURS["compare"]}">━ {names["compare"]}</span>'
            )
        self.legend.setText("&nbsp;&nbsp;".join(legend))
        self.legend.setTextFormat(Qt.TextFormat.RichText)
