"""QApplication start-up for the ``rnnviz`` window command (the CLI calls ``run_app``)."""

from __future__ import annotations

import gc
import os
import sys
import tempfile

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from rnnviz.ui.standby import drop_spare

SCREENSHOT_TIMEOUT_S = 300.0


def share_gl_contexts() -> None:
    """Let every OpenGL view share one context group (set before the QApplication exists):
    pyqtgraph caches its shader programs, and a program made in one unshared context is
    invalid in another (GLError 1281 from glUseProgram when a second 3D view paints)."""
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


_gui_thread_collector = None  # pyqtgraph's GarbageCollector, once one is started


def collect_garbage_on_gui_thread() -> None:
    """Turn off Python's automatic garbage collection and collect on a 1 s timer of the GUI
    thread instead (pyqtgraph's ``GarbageCollector``: the same generation thresholds).
    An automatic collection runs on whichever thread allocates when a threshold is crossed:
    on a helper thread (a step-0 preview, a loss surface, the spectra) it deleted Qt objects
    a reset had let go of off the GUI thread, and the process crashed (a segfault, seen in
    the test suite). Call with a QApplication; once per process is enough."""
    global _gui_thread_collector
    if _gui_thread_collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _gui_thread_collector = GarbageCollector(interval=1.0)


def quiet_garbage_collector() -> None:
    """Collect once, then exempt everything alive now (modules, classes, the window, torch)
    from later collections: a full collection scanned all of it on the GUI thread, 100-190 ms
    at a time while training (measured with gc.callbacks), and now only what came later."""
    gc.collect()
    gc.freeze()


class _FirstPaint(QObject):
    """Calls ``slot`` once, just after ``widget``'s first paint event."""

    def __init__(self, widget, slot) -> None:
        super().__init__(widget)
        self._slot = slot
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._slot)
        return False


def after_first_paint(widget, slot) -> None:
    """Run ``slot`` once ``widget`` has painted for the first time: start-up work that the
    first look at the window need not wait for (e.g. ``quiet_garbage_collector``, a full
    collection of everything imported and built: 0.2-0.7 s before the window showed)."""
    _FirstPaint(widget, slot)


def get_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        share_gl_contexts()
        app = QApplication(sys.argv[:1])
        app.setApplicationName("rnnviz")
        app.setOrganizationName("rnnviz")
    collect_garbage_on_gui_thread()
    return app


def run_app(
    preset_name: str | None,
    screenshot: str | None = None,
    steps: int = 0,
    size=(1600, 1000),
    exit_after: float | None = None,
    show: list[str] | tuple[str, ...] = (),
    text_size: float | None = None,
    open_path: str | None = None,
    presentation: bool = False,
    run_settings=None,
) -> int:
    """Open the main window on ``preset_name`` (None: the default demo) and run the event loop.

    ``screenshot``: train ``steps`` steps (as fast as possible), save the window to that PNG
    and exit (status 0 when written). ``exit_after``: close the window after that many
    seconds (smoke tests). ``show``: panel keys whose tabs to bring to the front (e.g.
    "loss_surface", "gates"). ``text_size``: scale every font (1.0 normal; 1.5 for a
    projector). ``open_path``: a saved session to open. ``presentation``: start in
    presentation mode on the last ``show`` panel. ``run_settings``: a run to start on
    instead of the preset (``rnnviz --model``). Returns the process exit status.
    """
    from rnnviz.ui.window import MainWindow

    app = get_app()
    settings = None
    if screenshot:  # the default layout, and the user's saved layout left alone
        scratch = tempfile.mkdtemp(prefix="rnnviz-")
        settings = QSettings(os.path.join(scratch, "layout.ini"), QSettings.Format.IniFormat)
    window = MainWindow(preset_name, settings=settings, open_path=open_path)
    if run_settings is not None:  # e.g. a torch model opened by `rnnviz --model`
        window.apply_settings(run_settings)
        for key in run_settings.show:
            if key in window.docks:
                window.show_panel(key)
    if screenshot or exit_after is not None:  # automated runs close without asking
        window.confirm_discard = False
    # a screenshot may be larger than the screen (it is grabbed, not looked at)
    window.resize(*(size if screenshot else fit_to_screen(app, size)))
    if text_size is not None:  # before the first show, which lays the docks out for it
        window.set_text_size(text_size)
    window.show()
    after_first_paint(window, quiet_garbage_collector)
    for key in show:
        window.show_panel(key)
    if presentation:
        window.presentation.enter(show[-1] if show else None)
    status = {"code": 0}
    timers: list[QTimer] = []

    def later(seconds: float, slot) -> None:
        timer = QTimer(window)
        timer.setSingleShot(True)
        timer.timeout.connect(slot)
        timer.start(int(seconds * 1000))
        timers.append(timer)

    if screenshot:
        from rnnviz.ui.screenshot_size import fit_screenshot_window

        fit_screenshot_window(window, size)
        _schedule_screenshot(window, screenshot, max(0, int(steps)), status, later)
    if exit_after is not None:
        later(max(0.0, float(exit_after)), window.close)
    app.exec()
    window.close()
    drop_spare()  # a spare training process no run took (ui/standby.py)
    return status["code"]


def fit_to_screen(app, size) -> tuple[int, int]:
    """``size`` (width, height), made to fit the primary screen's available area, saying so:
    a window larger than the screen cannot be seen whole, and a huge one (100000 x 100000)
    would allocate gigabytes of backing store before anything is drawn."""
    width, height = int(size[0]), int(size[1])
    screen = app.primaryScreen()
    if screen is None:
        return width, height
    area = screen.availableGeometry()
    fitted = min(width, area.width()), min(height, area.height())
    if fitted != (width, height):
        print(
            f"rnnviz: the window size {width}x{height} is larger than the screen "
            f"({area.width()}x{area.height()}); opening it at {fitted[0]}x{fitted[1]}",
            file=sys.stderr,
        )
    return fitted


def _schedule_screenshot(window, path: str, steps: int, status: dict, later) -> None:
    """Train ``steps`` steps, then (once drawn) grab the window to ``path`` and close."""
    window.transport.set_speed(None)
    if steps:
        window.run_steps(steps)
    poll = {"waited": 0.0}

    def check() -> None:
        if window.running and poll["waited"] < SCREENSHOT_TIMEOUT_S:
            poll["waited"] += 0.05
            later(0.05, check)
            return
        later(0.3, shoot)  # let the last record be drawn and laid out

    def shoot() -> None:
        ok = window.save_screenshot(path)
        if window.last_error is not None or not ok:
            status["code"] = 1
        if not ok:
            print(f"rnnviz: could not write the screenshot {path}", file=sys.stderr)
        else:
            print(f"rnnviz: screenshot written to {path} (step {window.shown_step})")
        window.close()

    later(0.2, check)
