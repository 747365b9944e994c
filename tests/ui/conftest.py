"""Qt test set-up: a private settings location, a window factory, and a fixture that fails
any test leaving a thread or a child process running."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings

from rnnviz.ui.app import share_gl_contexts
from tests.ui.threads import lingering

share_gl_contexts()  # before pytest-qt builds the QApplication, as the app does


@pytest.fixture(autouse=True, scope="session")
def private_settings(tmp_path_factory):
    """Never touch the user's QSettings (window layout) from tests."""
    path = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, path)
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, path)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    yield path


@pytest.fixture(autouse=True, scope="session")
def garbage_collected_on_gui_thread(qapp):
    """As in the app (``get_app``): no collection on a helper thread deletes a Qt object."""
    from rnnviz.ui import app

    app.collect_garbage_on_gui_thread()
    yield
    app._gui_thread_collector.timer.stop()


@pytest.fixture(autouse=True)
def no_thread_left(request):
    """Fail the test if it leaves a (Python) thread or a training worker running."""
    from rnnviz.ui.workers import TrainingWorker

    before = set(threading.enumerate())
    yield
    # this fixture is set up first, so it is torn down last: qtbot has closed the widgets
    left = lingering(before)
    workers = [w for w in TrainingWorker._live if w.running]
    TrainingWorker._live.clear()
    for t in left:  # don't let one leak cascade into later tests
        t.join(2.0)
    if left or workers:
        names = [t.name for t in left]
        pytest.fail(f"test left threads running: {names} (workers: {len(workers)})")


@pytest.fixture(autouse=True)
def thread_worker_by_default(monkeypatch):
    """Windows in tests train on the thread worker unless a test sets RNNVIZ_WORKER=process
    (test_process_worker.py, test_readme_commands.py): the window's code is the same, and a
    training process per window would spend 1.5-3 s of CPU importing torch in every test."""
    monkeypatch.setenv("RNNVIZ_WORKER", "thread")


@pytest.fixture(autouse=True)
def no_process_left():
    """Fail the test if it leaves a child process (a training process) running."""
    import multiprocessing

    from rnnviz.ui.workers import ProcessTrainingWorker

    yield
    workers = list(ProcessTrainingWorker._live)
    ProcessTrainingWorker._live.clear()
    for worker in workers:  # don't let one leak cascade into later tests
        worker.shutdown(timeout=1.0)
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
        child.join(2.0)
    if workers or children:
        pytest.fail(
            f"test left processes running: {[c.name for c in children]} (workers: {len(workers)})"
        )


@pytest.fixture(autouse=True)
def normal_text_afterwards():
    """Every test starts at text size 1.0 (a test at a projector's 1.5 would leave it to the
    next). Restored after the test's windows are closed, and only when changed: restyling
    the application with a window open costs seconds."""
    yield
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from rnnviz.ui import style

    if style.SCALE != 1.0 and QApplication.instance() is not None:
        # the closed windows deleted first: a restyle walks every widget still alive
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        style.set_scale(QApplication.instance(), 1.0)


@pytest.fixture
def settings_file(tmp_path):
    return str(tmp_path / "rnnviz.ini")


@pytest.fixture
def make_window(qtbot, settings_file):
    """Build a shown MainWindow on a preset, with its own settings file."""
    from rnnviz.ui.window import MainWindow

    def make(preset: str = "lecture_lstm", **kwargs):
        settings = QSettings(settings_file, QSettings.Format.IniFormat)
        window = MainWindow(preset, settings=settings, **kwargs)
        qtbot.addWidget(window)
        window.resize(1200, 800)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture(autouse=True)
def close_without_asking(monkeypatch):
    """Windows closed by pytest-qt after training would ask about unsaved training (a modal
    question no one answers); tests of that question turn it back on."""
    from rnnviz.ui.window import MainWindow

    monkeypatch.setattr(MainWindow, "confirm_discard", False)
