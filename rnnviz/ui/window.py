"""The main window: transport bar, control sidebar, dockable panels, status bar.

A view. The run (trainer, worker, transport) is the ``RunController``'s
(run_controller.py), which panel draws what and when is the ``Display``'s (display.py); the
window builds the widgets (docks.py, menus.py, status.py) and binds them to those two. The
properties and methods that only pass through to them (window_run.py) keep one place to
drive the app from (the CLI, tests, benchmarks).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from rnnviz.engine.spec import SpecError
from rnnviz.session.cursor import Cursor
from rnnviz.ui import style
from rnnviz.ui.controls.sidebar import Sidebar
from rnnviz.ui.controls.transport import TransportBar
from rnnviz.ui.deferred_panel import DeferredPanel, build_in_place, build_on_screen
from rnnviz.ui.display import Display
from rnnviz.ui.dock_refit import OwnLayout
from rnnviz.ui.docks import (
    SavedLayout,
    arrange_docks,
    join_area,
    make_dock,
    panel_dock,
)
from rnnviz.ui.export_menu import install_export_menu
from rnnviz.ui.export_render import grab_with_gl
from rnnviz.ui.file_actions import ask_yes, build_file_menu, dropped_session
from rnnviz.ui.keys import install_keymap, reset_confirmed
from rnnviz.ui.lesson import install_lesson_strip
from rnnviz.ui.menus import add_timeline, build_menus
from rnnviz.ui.panels import Panel, default_panel_classes
from rnnviz.ui.presentation import install_presentation
from rnnviz.ui.run_controller import RunController
from rnnviz.ui.status import Banner, RunStatus
from rnnviz.ui.window_layout import WindowLayout
from rnnviz.ui.window_run import RunPassThroughs
from rnnviz.ui.workers import WorkerError


class MainWindow(WindowLayout, RunPassThroughs, QMainWindow):
    """The rnnviz window. ``preset``: a preset name (default: the engine's default demo);
    ``open_path``: a saved session to open instead."""

    #: ask before unsaved training is lost (tests that close trained windows turn it off)
    confirm_discard = True

    def __init__(
        self,
        preset: str | None = None,
        settings: QSettings | None = None,
        panel_classes: list[type[Panel]] | None = None,
        parent: QWidget | None = None,
        open_path: str | Path | None = None,
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

        self.transport = TransportBar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.transport)
        self.addToolBarBreak()
        self.banner_bar = Banner(self)
        self.banner = self.banner_bar.label
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner_bar)
        self.banner_bar.setVisible(False)
        self.run_control = RunController(self.cursor, self.transport.steps_per_second, self)
        self.display = Display(self.cursor, self.run_control, self)
        # the run first (announced once the window is bound to it, below): the training
        # child (a process that imports torch, 1.5-3 s) then starts while the panels are built
        self._starting = True
        self._laying_out = False  # docks moved in passing (showing, closing): build none
        self.run_control.load_preset(preset)

        self.sidebar = Sidebar()
        self.sidebar_dock = make_dock(self, "controls", "Controls", self.sidebar)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.sidebar_dock)
        for cls in panel_classes if panel_classes is not None else default_panel_classes():
            self.add_panel(cls, arrange=False)
        arrange_docks(self, self.display.panels, self.docks)
        self.status = RunStatus(self.statusBar())
        self.status_state, self.status_step = self.status.state, self.status.step
        self.status_loss, self.status_rate = self.status.loss, self.status.rate
        self.presets_menu, self.view_menu = build_menus(self)
        self.timeline = add_timeline(self)
        self.files = build_file_menu(self)
        self.setAcceptDrops(True)
        self._bind()
        install_keymap(self)
        self.presentation = install_presentation(self)
        self.lesson = install_lesson_strip(self)

        self.resize(1600, 1000)
        self._sized = False
        self.layout_store = SavedLayout(self, self.settings)
        self.layout_store.restore()
        self.own_layout = OwnLayout(self)  # the layout the window makes (dock_refit.py)
        if self.layout_store.saved:
            self.own_layout.restored(self.settings)
        self._starting = False
        self.run_control.announce()
        self.show_preset_panels()
        if open_path is not None:
            self.open_session(open_path)

    def _bind(self) -> None:
        t, run, display = self.transport, self.run_control, self.display
        t.run_action.toggled.connect(run.set_running)
        t.step_action.triggered.connect(self.step_once)
        t.reset_action.triggered.connect(lambda: reset_confirmed(self) and self.reset())
        t.speed_changed.connect(run.set_speed)
        self.sidebar.apply_requested.connect(self.apply_settings)
        self.sidebar.live_changed.connect(self._live_changed)
        self.cursor.step_changed.connect(lambda _step: self.display.draw_all())
        run.applied.connect(self.sidebar.load)
        run.refused.connect(self.sidebar.show_error)
        run.started_over.connect(self._start_over)
        run.running_changed.connect(t.set_running)
        run.state_changed.connect(self.status_state.setText)
        run.stopped.connect(display.tick)  # draw what the last steps produced
        run.failed.connect(self.show_error)
        run.warned.connect(self.show_banner)
        run.message.connect(self.statusBar().showMessage)
        display.took.connect(lambda record: self.status.show_record(record, self.steps_per_second))
        display.timer.timeout.connect(lambda: self.status.show_starting(self.worker))
        display.took.connect(lambda _record: self._update_timeline())
        self.timeline.continue_requested.connect(self.continue_from)
        display.panel_failed.connect(self.show_banner)

    # -- panels ----------------------------------------------------------------------------
    def add_panel(self, panel_class: type[Panel], arrange: bool = True) -> Panel:
        """Build a panel and its dock (also usable after start-up, e.g. by a plugin: it joins
        the tabs of its ``area``). At start every panel gets a stand-in, built once its dock
        is on screen (deferred_panel.py): most are set aside or behind another tab."""
        deferred = self._starting and self.trainer is not None
        if deferred:
            panel = DeferredPanel(panel_class, self.cursor)
        else:
            panel = panel_class(self.cursor)
        dock = panel_dock(self, panel)
        if not deferred:
            install_export_menu(panel, self.report_export)
        # a panel only draws while visible: bring it up to date (built first, if it was not)
        # when its tab is raised
        dock.visibilityChanged.connect(lambda visible: visible and self._dock_raised(panel.key))
        if arrange:
            join_area(self, dock, panel.area, self.display.panels, self.docks)
        self.display.panels[panel.key] = panel
        self.docks[panel.key] = dock
        if hasattr(self, "view_menu"):
            self.view_menu.addAction(dock.toggleViewAction())
        if self.trainer is not None and not self._starting:  # (at start: on announcing)
            panel.reset(self.run_control.context())
        return panel

    def _dock_raised(self, key: str) -> None:
        """A dock came on screen: build its panel if it is a stand-in, and draw the panels on
        screen. Not while the docks are moved in passing: the first show lays them out
        (raising tabs on the way; it then builds those in front), closing puts them back."""
        if self.isVisible() and not self._laying_out:
            build_in_place(self, key)
        self.display.draw_all()

    def report_export(self, text: str) -> None:
        """Where the export menus report a file written."""
        self.statusBar().showMessage(text, 5000)

    @property
    def panels(self) -> dict[str, Panel]:
        """The panels by key (every one built: the stand-ins of those deferred at start are
        replaced first)."""
        for key, panel in list(self.display.panels.items()):
            if isinstance(panel, DeferredPanel):
                build_in_place(self, key)
        return self.display.panels

    @property
    def docks(self) -> dict[str, QDockWidget]:
        return self.display.docks

    def show_panel(self, key: str) -> None:
        """Show a panel and bring its tab to the front; unknown keys raise a SpecError."""
        if key not in self.docks:
            raise SpecError(f"unknown panel {key!r}; choose one of {', '.join(self.docks)}")
        self.display.keep_shown(key)
        self.docks[key].show()
        self.docks[key].raise_()
        if self.isVisible() and not self._laying_out and build_on_screen(self):
            self.display.draw_all()  # (raising a tab already in front emits nothing)

    # -- the run: bound to the RunController ------------------------------------------------
    def _start_over(self) -> None:
        """A new run (or a reset one): clear what panels show and what the window shows."""
        self.display.start_over()
        self.hide_banner()
        self.cursor.set_step(None)
        self.display.reset_panels()
        self.fit_tabs()  # another preset's panels in the tab groups
        self.transport.set_running(False)
        trainer = self.trainer
        self.status.show_record(trainer.history.last if trainer else None)
        self._update_timeline()
        self.display.draw_all()  # an opened or continued run shows its history at once

    def _update_timeline(self) -> None:
        trainer = self.trainer
        if trainer is None:
            self.timeline.set_history(None, 0)
        else:
            self.timeline.set_history(trainer.history, trainer.step_count)

    # -- sessions: File menu (file_actions.py) ----------------------------------------------
    def new_from_preset(self, name: str) -> None:
        """Presets menu: a new run of ``name``, asking first if training would be lost."""
        if self.may_discard("opening a preset"):
            self.load_preset(name)

    def open_session(self, path: str | Path) -> bool:
        return self.files.open(path)

    def save_session(self, path: str | Path | None = None) -> bool:
        """Save to ``path`` (None: the session's file, else ask)."""
        return self.files.save() if path is None else self.files._save_to(Path(path))

    def continue_from(self, step: int) -> bool:
        """Restart training from the checkpoint at or before ``step`` (asked first: the
        later history is discarded)."""
        if self.confirm_discard and not ask_yes(
            self,
            "Continue from here",
            f"Restart training from the checkpoint at step {step}? The history after it "
            "is discarded (save first to keep it).",
        ):
            return False
        return self.run_control.continue_from(step)

    def may_discard(self, doing: str) -> bool:
        return not self.confirm_discard or self.files.may_discard(doing)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if dropped_session(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt override)
        path = dropped_session(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.open_session(path)

    def _live_changed(self, config) -> None:
        if self.run_control.set_live(config) and not self.running:
            self.display.draw_all()  # show the event mark now

    # -- messages --------------------------------------------------------------------------
    def show_banner(self, text: str, details: str = "") -> None:
        self.banner_bar.show_text(text, details)

    def hide_banner(self) -> None:
        self.banner_bar.clear()

    @property
    def banner_text(self) -> str:
        return self.banner_bar.text

    def show_error(self, error: WorkerError) -> None:
        self.show_banner(f"Training stopped: {error.message}", error.details)

    # -- screenshots and layout -----------------------------------------------------------
    def save_screenshot(self, path: str | Path) -> bool:
        """Grab the whole window into a PNG."""
        self.display.draw_all()
        QApplication.processEvents()
        return grab_with_gl(self).save(str(path), "PNG")  # the 3D views' labels too

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if not self.may_discard("closing"):
            event.ignore()
            return
        self._laying_out = True  # the docks moved back as they were: no panel to build
        self.display.timer.stop()
        self.run_control.shutdown()
        self.presentation.leave()  # the saved layout is the working one, not the projector's
        self.display.bring_back_set_aside()
        self.save_layout()
        for panel in self.display.panels.values():  # (stand-ins are not built to be shut)
            panel.shutdown()
        super().closeEvent(event)


def _as_float(value, default: float) -> float:
    """A QSettings value (a string in INI files) as a float, or ``default``."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
