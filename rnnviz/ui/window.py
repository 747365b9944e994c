"""The main window: transport bar, control sidebar, dockable panels, status bar.

Training runs in a ProcessTrainingWorker's child process (or on a TrainingWorker thread). A
display timer (``DISPLAY_HZ``) takes the newest record the worker published; nothing is
queued per step. The panels on screen take turns drawing it (``PANELS_PER_TICK`` per tick,
the longest waiting first), so that no turn of the event loop paints many panels at once.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QToolBar,
    QWidget,
)

from rnnviz.engine.record import StepRecord
from rnnviz.engine.spec import SpecError
from rnnviz.engine.train_config import LIVE_FIELDS
from rnnviz.session.cursor import Cursor
from rnnviz.session.settings import RunSettings
from rnnviz.ui import style
from rnnviz.ui.controls.sidebar import Sidebar
from rnnviz.ui.controls.transport import TransportBar
from rnnviz.ui.panels import Panel, RunContext, default_panel_classes
from rnnviz.ui.worker import TrainingWorker, WorkerError

#: display ticks per second while training. Each tick draws one panel, whose paint can take
#: 5-20 ms under a software renderer; at 20 Hz (each of 4 panels on screen 5 times a second)
#: the event loop's p99 lateness measured 15.6-17.3 ms on 2 cores, at 30 Hz 18.3-26.2 ms.
DISPLAY_HZ = 20
#: panels redrawn per display tick while training (they take turns, stalest first)
PANELS_PER_TICK = 1
#: the display interval backs off to this when drawing cannot keep up (a busy machine)
SLOWEST_DISPLAY_MS = 250
LAYOUT_VERSION = 2
#: which training worker the window uses: "process" (the default: ProcessTrainingWorker trains
#: in a child process, the window's trainer is its mirror) or "thread" (TrainingWorker). With
#: a thread the GUI and the trainer share one GIL: measured on 2 cores (bench/bench_ui.py), the
#: window trains at 0.51-0.65x of headless with a thread, 0.90-1.02x with a process.
WORKER_ENV = "RNNVIZ_WORKER"


def worker_kind() -> str:
    kind = os.environ.get(WORKER_ENV, "process").strip().lower() or "process"
    if kind not in ("thread", "process"):
        raise SpecError(f"{WORKER_ENV} must be 'thread' or 'process' (got {kind!r})")
    return kind


class MainWindow(QMainWindow):
    """The rnnviz window. ``preset``: a preset name (default: the engine's default demo)."""

    def __init__(
        self,
        preset: str | None = None,
        settings: QSettings | None = None,
        panel_classes: list[type[Panel]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        if app is not None and not app.property("rnnviz_styled"):
            style.apply_app_style(app)
            app.setProperty("rnnviz_styled", True)
        self.setWindowTitle("rnnviz — watch recurrent networks learn")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.settings = settings if settings is not None else QSettings("rnnviz", "rnnviz")
        saved_scale = _as_float(self.settings.value("view/text_scale"), style.SCALE)
        if app is not None and saved_scale != style.SCALE:  # before the panels are built
            style.set_scale(app, saved_scale)
        self.cursor = Cursor()
        self.trainer = None
        self.compare_trainer = None  # compare mode: the second run, trained in lockstep
        self._compare_shown: StepRecord | None = None
        self.worker: TrainingWorker | None = None
        self.run_settings: RunSettings | None = None
        self.last_error: WorkerError | None = None
        self._shown: StepRecord | None = None  # the newest record taken for display
        self._shown_full: StepRecord | None = None  # the newest full record taken
        #: panel key -> (the _frame_state it drew, when): which panel is due next
        self._drawn: dict[str, tuple[tuple | None, float]] = {}
        self._active = False  # a run was started and its end not yet drawn
        self._last_tick: float | None = None
        self._rate_samples: deque[tuple[float, int]] = deque(maxlen=64)

        self.transport = TransportBar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.transport)
        self.addToolBarBreak()
        self.banner_bar = QToolBar("Messages", self)
        self.banner_bar.setObjectName("messages")
        self.banner_bar.setMovable(False)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner_bar.addWidget(self.banner)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner_bar)
        self.banner_bar.setVisible(False)

        self.sidebar = Sidebar()
        self.sidebar_dock = self._make_dock("controls", "Controls", self.sidebar)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.sidebar_dock)
        self.panels: dict[str, Panel] = {}
        self.docks: dict[str, QDockWidget] = {}
        for cls in panel_classes if panel_classes is not None else default_panel_classes():
            self.add_panel(cls, arrange=False)
        self._arrange_docks()
        self._build_status_bar()
        self._build_menus()
        self._connect()

        self.display_timer = QTimer(self)
        self.display_timer.setInterval(int(1000 / DISPLAY_HZ))
        self.display_timer.timeout.connect(self._tick)
        self.display_timer.start()

        self.resize(1600, 1000)
        self._sized = False
        self._restore_layout()
        self.load_preset(preset)

    # -- building --------------------------------------------------------------------------
    def _make_dock(self, key: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title.replace("&", "&&"), self)
        dock.setObjectName(f"dock:{key}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        return dock

    def add_panel(self, panel_class: type[Panel], arrange: bool = True) -> Panel:
        """Build a panel and its dock (also usable after start-up, e.g. by a plugin: it joins
        the tabs of its ``area``)."""
        panel = panel_class(self.cursor)
        # in a scroll area: a panel's minimum size (long labels, a full table) never forces
        # the window larger than the screen; a squeezed panel scrolls instead
        holder = QScrollArea()
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(panel)
        dock = self._make_dock(panel.key, panel.title, holder)
        # a panel only draws while visible: bring it up to date when its tab is raised
        dock.visibilityChanged.connect(lambda visible: visible and self._draw_all())
        if arrange:
            group = [self.docks[k] for k, p in self.panels.items() if p.area == panel.area]
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            if group:
                self.tabifyDockWidget(group[0], dock)
        self.panels[panel.key] = panel
        self.docks[panel.key] = dock
        if hasattr(self, "view_menu"):
            self.view_menu.addAction(dock.toggleViewAction())
        if self.trainer is not None:
            panel.reset(self._context())
        return panel

    def step_text_size(self, direction: int) -> None:
        """One step larger (+1) or smaller (-1) on the global text-size scale."""
        scales = style.SCALES
        index = min(range(len(scales)), key=lambda i: abs(scales[i] - style.SCALE))
        self.set_text_size(scales[min(max(index + direction, 0), len(scales) - 1)])

    def set_text_size(self, scale: float) -> None:
        """Scale all text (remembered between runs): the stylesheet, every plot's axes, and
        the panels, which are rebuilt for the new size and redrawn from the history."""
        app = QApplication.instance()
        scale = style.set_scale(app, scale)
        self.settings.setValue("view/text_scale", scale)
        self.sidebar.fit_width()
        for view in self.findChildren(pg.GraphicsView):
            for item in view.scene().items():
                if isinstance(item, pg.PlotItem):
                    style.style_plot(item)
        if self.trainer is not None:
            context = self._context()
            for panel in self.panels.values():
                panel.reset(context)
            self._draw_all()
        self.statusBar().showMessage(f"Text size {scale:g}x", 3000)

    def show_panel(self, key: str) -> None:
        """Show a panel and bring its tab to the front; unknown keys raise a SpecError."""
        if key not in self.docks:
            raise SpecError(f"unknown panel {key!r}; choose one of {', '.join(self.docks)}")
        self.docks[key].show()
        self.docks[key].raise_()

    def _arrange_docks(self) -> None:
        """Default places: "training" panels side by side in the top row; below them the
        "model" panels as tabs on the left and the "gradients" panels as tabs on the right."""
        right = Qt.DockWidgetArea.RightDockWidgetArea
        groups: dict[str, list[QDockWidget]] = {}
        for key, panel in self.panels.items():
            groups.setdefault(panel.area, []).append(self.docks[key])
        training = groups.pop("training", [])
        lower = [docks for area, docks in groups.items() if docks]
        firsts = [*(training[:1]), *(docks[0] for docks in lower[:1])]
        for dock in firsts:
            self.addDockWidget(right, dock, Qt.Orientation.Vertical)
        for before, dock in zip(training, training[1:], strict=False):
            self.splitDockWidget(before, dock, Qt.Orientation.Horizontal)
        for before, docks in zip(lower, lower[1:], strict=False):
            self.splitDockWidget(before[0], docks[0], Qt.Orientation.Horizontal)
        for docks in lower:
            for dock in docks[1:]:
                self.tabifyDockWidget(docks[0], dock)
            docks[0].raise_()

    def _default_sizes(self) -> None:
        self.resizeDocks([self.sidebar_dock], [360], Qt.Orientation.Horizontal)
        training = [self.docks[k] for k, p in self.panels.items() if p.area == "training"]
        lower = []  # the first dock of each lower tab group
        for key, panel in self.panels.items():
            if panel.area != "training" and all(
                self.panels[k].area != panel.area for k in self._dock_keys(lower)
            ):
                lower.append(self.docks[key])
        if len(training) == 2:
            self.resizeDocks(training, [700, 540], Qt.Orientation.Horizontal)
        if training and lower:
            self.resizeDocks([training[0], lower[0]], [330, 600], Qt.Orientation.Vertical)
        if len(lower) == 2:
            self.resizeDocks(lower, [600, 640], Qt.Orientation.Horizontal)

    def _dock_keys(self, docks: list[QDockWidget]) -> list[str]:
        return [k for k, d in self.docks.items() if d in docks]

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_state = QLabel("paused")
        self.status_step = QLabel("step 0")
        self.status_loss = QLabel("loss –")
        self.status_rate = QLabel("0 steps/s")
        for label in (self.status_state, self.status_step, self.status_loss, self.status_rate):
            bar.addPermanentWidget(label)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        shot = QAction("Save &screenshot…", self)
        shot.setShortcut(QKeySequence("Ctrl+Shift+S"))
        shot.triggered.connect(self._screenshot_dialog)
        file_menu.addAction(shot)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        train_menu = menu.addMenu("&Training")
        for action in (
            self.transport.run_action,
            self.transport.step_action,
            self.transport.reset_action,
        ):
            train_menu.addAction(action)

        self.presets_menu = menu.addMenu("&Presets")
        self._fill_presets_menu()

        self.view_menu = menu.addMenu("&View")
        self.view_menu.addAction(self.transport.toggleViewAction())
        self.view_menu.addAction(self.sidebar_dock.toggleViewAction())
        for dock in self.docks.values():
            self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addSeparator()
        for text, keys, step in (("Larger text", "Ctrl++", 1), ("Smaller text", "Ctrl+-", -1)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip("Scale every font, e.g. for a projector")
            action.triggered.connect(lambda _=False, d=step: self.step_text_size(d))
            self.view_menu.addAction(action)
        reset_layout = QAction("Reset layout", self)
        reset_layout.triggered.connect(self.reset_layout)
        self.view_menu.addAction(reset_layout)

    def _fill_presets_menu(self) -> None:
        from rnnviz.engine.presets import list_presets, load_preset

        self.presets_menu.setToolTipsVisible(True)
        for name in list_presets():
            try:
                preset = load_preset(name)
            except SpecError as exc:  # a broken preset file: say so, keep the others
                action = self.presets_menu.addAction(f"{name} (broken: {exc})")
                action.setEnabled(False)
                continue
            action = self.presets_menu.addAction(preset.title or name)
            action.setToolTip(preset.description)
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.load_preset(n))

    def _connect(self) -> None:
        t = self.transport
        t.run_action.toggled.connect(self._run_toggled)
        t.step_action.triggered.connect(self.step_once)
        t.reset_action.triggered.connect(self.reset)
        t.speed_changed.connect(self._speed_changed)
        self.sidebar.apply_requested.connect(self.apply_settings)
        self.sidebar.live_changed.connect(self._live_changed)
        self.cursor.step_changed.connect(lambda _step: self._draw_all())

    # -- runs ------------------------------------------------------------------------------
    def load_preset(self, name: str | None) -> None:
        """Open a preset (None: the default demo) and get ready to train from step 0."""
        from rnnviz.engine.presets import DEFAULT_PRESET, load_preset

        preset = load_preset(name or DEFAULT_PRESET)
        self.apply_settings(RunSettings.from_preset(preset))

    def apply_settings(self, settings: RunSettings) -> bool:
        """Build a trainer for ``settings`` (stopping the current run). False if refused."""
        try:
            trainer = settings.make_trainer()
            compare = settings.make_compare_trainer()
        except SpecError as exc:
            self.sidebar.show_error(str(exc))
            return False
        self._stop_worker(shutdown=True)
        self.trainer = trainer
        self.compare_trainer = compare
        self.run_settings = settings
        self.worker = self._make_worker()
        self.sidebar.load(settings)
        self._start_over()
        self.statusBar().showMessage(f"Ready: {settings.title or 'custom settings'}", 5000)
        return True

    def _start_over(self) -> None:
        """A new run (or a reset one): clear what panels show and what the window shows."""
        self._shown = None
        self._shown_full = None
        self._drawn.clear()
        self._compare_shown = None
        self._rate_samples.clear()
        self.last_error = None
        self.hide_banner()
        self.cursor.set_step(None)
        context = self._context()
        for panel in self.panels.values():
            panel.reset(context)
        self.transport.set_running(False)
        self._update_status(None)

    def _make_worker(self):
        """A worker for the current trainer(s), of the kind ``RNNVIZ_WORKER`` chooses."""
        if worker_kind() == "process":
            from rnnviz.ui.process_worker import ProcessTrainingWorker

            worker = ProcessTrainingWorker(self.trainer, self.compare_trainer, self.run_settings)
            worker.prestart()  # the child imports torch while the user looks at the preset
        else:
            worker = TrainingWorker(self.trainer, self.compare_trainer)
        worker.set_speed(self.transport.steps_per_second)
        return worker

    def _context(self) -> RunContext:
        trainer = self.trainer
        return RunContext(
            spec=trainer.spec,
            task=trainer.task,
            chains=tuple(trainer.chains),
            config=trainer.config,
            request=self._request,
        )

    def _request(self, fn, callback) -> None:
        if self.worker is not None:
            self.worker.request(fn, callback)

    # -- transport -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """Training, or finished but not yet drawn (False: everything trained is shown)."""
        return self._active

    def run(self) -> None:
        self._start(None)

    def pause(self) -> None:
        self._stop_worker()

    def step_once(self) -> None:
        if not self.worker or not self.worker.running:
            self._start(1)

    def run_steps(self, n: int) -> None:
        """Train ``n`` more steps at the current speed, then pause (screenshots, tests)."""
        self._start(n)

    def reset(self) -> None:
        """Back to step 0 with the seed's initial weights."""
        stopped = self._stop_worker(shutdown=True)
        if self.trainer is None:
            return
        if stopped:
            self.trainer.reset()
            if self.compare_trainer is not None:
                self.compare_trainer.reset()
        else:  # never touch a trainer a stuck thread may still use
            self.trainer = self.run_settings.make_trainer()
            self.compare_trainer = self.run_settings.make_compare_trainer()
        self.worker = self._make_worker()
        self._start_over()
        self.statusBar().showMessage("Reset to step 0", 3000)

    def _start(self, max_steps: int | None) -> None:
        if self.worker is None or self.worker.running:
            return
        if self.trainer.diverged:
            self.show_banner(f"{self.trainer.diverged}  Press Reset (R) to start again.")
            self.transport.set_running(False)
            return
        self.cursor.set_step(None)
        self._active = True
        self.worker.start(max_steps)
        self.transport.set_running(max_steps is None or max_steps > 1)
        self.status_state.setText("running")

    def _run_toggled(self, on: bool) -> None:
        if on:
            self.run()
        else:
            self.pause()

    def _stop_worker(self, shutdown: bool = False) -> bool:
        """Stop training (``shutdown``: and end the worker for good, e.g. its training
        process); False if the training did not end within a second."""
        stopped = True
        if self.worker is not None:
            if shutdown:
                stopped = self.worker.shutdown(timeout=1.0)
            else:
                stopped = self.worker.stop(timeout=1.0)
            if not stopped:
                print("rnnviz: the training thread did not stop within 1 s", file=sys.stderr)
            self._tick()  # draw what the last steps produced
        self._active = False
        self.transport.set_running(False)
        self.status_state.setText("diverged" if self._diverged() else "paused")
        return stopped

    def _speed_changed(self, speed) -> None:
        if self.worker is not None:
            self.worker.set_speed(speed)

    def _live_changed(self, config) -> None:
        if self.worker is None:
            return
        self.worker.set_live({k: getattr(config, k) for k in LIVE_FIELDS})
        if not self.running:
            self._draw_all()  # show the event mark now

    # -- display ---------------------------------------------------------------------------
    def _adapt_display_rate(self) -> None:
        """Draw less often while the event loop runs late (drawing plus painting costs more
        than the interval), so the GUI stays responsive and the trainer keeps its CPU."""
        now = time.perf_counter()
        last, self._last_tick = self._last_tick, now
        if last is None:
            return
        interval = self.display_timer.interval()
        late = (now - last) * 1000 - interval
        if late > 0.5 * interval:
            interval = min(SLOWEST_DISPLAY_MS, int(interval * 1.5))
        elif late < 0.1 * interval:
            interval = max(int(1000 / DISPLAY_HZ), interval - 5)
        if interval != self.display_timer.interval():
            self.display_timer.setInterval(interval)

    def _tick(self) -> None:
        worker = self.worker
        if worker is None:
            return
        if self.sender() is self.display_timer:
            self._adapt_display_rate()
        published = worker.take()
        worker.deliver_results()
        if published.newest is not None:
            self._rate_samples.append((time.monotonic(), published.newest.step))
        if published.compare is not None:
            self._compare_shown = published.compare
        if published.newest_full is not None:
            self._shown_full = published.newest_full
        record = published.newest or published.newest_full
        if record is not None:
            self._shown = record
            self._update_status(record)
        # the end of a run: every panel shows the last step at once
        self._draw_stale(None if published.finished else PANELS_PER_TICK)
        if published.error is not None:
            self.show_error(published.error)
        if published.finished:  # the loop has ended; its thread is exiting
            worker.stop()
            self._active = False
            self.transport.set_running(False)
            self.status_state.setText("diverged" if self._diverged() else "paused")
        newest = published.newest
        if newest is not None and newest.diverged:
            self.show_banner(f"⚠  {newest.diverged}  Press Reset (R) to start again.")

    def _draw_stale(self, limit: int | None) -> None:
        """Redraw the on-screen panels that have not drawn the newest data yet, the longest
        waiting first, at most ``limit`` of them. Qt paints every widget changed in one tick
        in one event, so a few panels per tick keep each turn of the event loop short (and
        leave the CPU to training); they take turns, each showing the newest data."""
        if self._shown is None or self.trainer is None:
            return
        state = self._frame_state()
        stale = [k for k in self.panels if self._drawn_state(k) != state and self._on_screen(k)]
        stale.sort(key=lambda k: self._drawn.get(k, (None, 0.0))[1])
        for key in stale[:limit]:
            self._draw_panel(key, self._record_for(key), state)

    def _draw_all(self) -> None:
        """Draw every on-screen panel now (the cursor moved, a tab was raised, a setting
        changed): the record the cursor selects, or the newest trained step."""
        trainer = self.trainer
        if trainer is None:
            return
        history = trainer.history
        if self.cursor.step is not None:
            record = history.record_at(self.cursor.step)
        else:
            record = history.record_at(trainer.step_count) or history.last
        if record is None:
            return
        state = self._frame_state()
        for key in self.panels:
            if self._on_screen(key):
                self._draw_panel(key, record, state)

    def _frame_state(self) -> tuple:
        """What the panels should show; a panel that drew another state is stale."""
        compare = self._compare_record()
        return (
            self.cursor.step,
            self._shown.step if self._shown is not None else None,
            self._shown_full.step if self._shown_full is not None else None,
            compare.step if compare is not None else None,
        )

    def _drawn_state(self, key: str) -> tuple | None:
        return self._drawn.get(key, (None, 0.0))[0]

    def _record_for(self, key: str) -> StepRecord | None:
        """The record a stale panel draws: the cursor's; else the newest full record if the
        panel has not drawn it yet (a panel drawing internals skips scalar-only records),
        else the newest record."""
        if self.cursor.step is not None:
            return self.trainer.history.record_at(self.cursor.step)
        full, drawn = self._shown_full, self._drawn_state(key)
        if full is not None and (drawn is None or drawn[2] != full.step):
            return full
        return self._shown

    def _draw_panel(self, key: str, record: StepRecord | None, state: tuple) -> None:
        self._drawn[key] = (state, time.monotonic())
        if record is None:
            return
        panel = self.panels[key]
        compare = self._compare_record()
        try:
            panel.show_record(record, self.trainer.history)
            if compare is not None:
                panel.show_compare(
                    self.run_settings.compare_label, compare, self.compare_trainer.history
                )
        except Exception as exc:  # one broken panel must not stop the others or training
            self._panel_failed(panel, exc)

    def _on_screen(self, key: str) -> bool:
        """Shown and not behind another tab (a tab's dock still reports isVisible())."""
        dock = self.docks[key]
        return dock.isVisible() and not dock.visibleRegion().isEmpty()

    def _compare_record(self) -> StepRecord | None:
        """Compare mode: the second run's record for the step the panels show."""
        if self.compare_trainer is None:
            return None
        if self.cursor.step is not None:
            return self.compare_trainer.history.record_at(self.cursor.step)
        return self._compare_shown or self.compare_trainer.history.last

    def _panel_failed(self, panel: Panel, exc: Exception) -> None:
        import traceback

        traceback.print_exc()
        self.show_banner(f"The {panel.title} panel failed: {type(exc).__name__}: {exc}")

    def _update_status(self, record: StepRecord | None) -> None:
        if record is None:
            self.status_step.setText("step 0")
            self.status_loss.setText("loss –")
            self.status_rate.setText("0 steps/s")
            self.status_state.setText("paused")
            return
        self.status_step.setText(f"step {record.step}")
        self.status_loss.setText(f"loss {record.loss:.4g}")
        self.status_rate.setText(f"{self.steps_per_second:.0f} steps/s")

    @property
    def steps_per_second(self) -> float:
        samples = [s for s in self._rate_samples if time.monotonic() - s[0] < 2.0]
        if len(samples) < 2 or samples[-1][0] <= samples[0][0]:
            return 0.0
        return (samples[-1][1] - samples[0][1]) / (samples[-1][0] - samples[0][0])

    @property
    def shown_step(self) -> int:
        """The newest training step taken for display (0 before any); the panels draw it in
        turns within a few ticks, and all at once when a run ends."""
        return self._shown.step if self._shown is not None else 0

    def _diverged(self) -> bool:
        return self.trainer is not None and bool(self.trainer.diverged)

    # -- messages --------------------------------------------------------------------------
    def show_banner(self, text: str, details: str = "") -> None:
        self.banner.setText(text)
        self.banner.setToolTip(details)
        self.banner_bar.setVisible(True)

    def hide_banner(self) -> None:
        self.banner.setText("")
        self.banner_bar.setVisible(False)

    @property
    def banner_text(self) -> str:
        return self.banner.text() if self.banner_bar.isVisible() else ""

    def show_error(self, error: WorkerError) -> None:
        self.last_error = error
        print(f"rnnviz: training failed:\n{error.details}", file=sys.stderr)
        self.show_banner(f"Training stopped: {error.message}", error.details)

    # -- screenshots and layout -----------------------------------------------------------
    def save_screenshot(self, path: str | Path) -> bool:
        """Grab the whole window into a PNG."""
        self._draw_all()
        QApplication.processEvents()
        return self.grab().save(str(path), "PNG")

    def _screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save screenshot", "rnnviz.png", "PNG image (*.png)"
        )
        if path:
            ok = self.save_screenshot(path)
            self.statusBar().showMessage(f"Saved {path}" if ok else f"Could not write {path}", 5000)

    def _restore_layout(self) -> None:
        self._default_state = self.saveState(LAYOUT_VERSION)
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in (self.sidebar_dock, *self.docks.values()):
            dock.setVisible(True)
            dock.setFloating(False)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.settings.sync()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._sized:  # dock sizes only apply to a shown window
            self._sized = True
            if not isinstance(self.settings.value("window/state"), QByteArray):
                self._default_sizes()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.display_timer.stop()
        if self.worker is not None:
            self.worker.shutdown(timeout=1.0)
        self._active = False
        self.save_layout()
        for panel in self.panels.values():
            panel.shutdown()
        super().closeEvent(event)


def _as_float(value, default: float) -> float:
    """A QSettings value (a string in INI files) as a float, or ``default``."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
