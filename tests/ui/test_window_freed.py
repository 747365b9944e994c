"""A closed window is freed (issue 23, target 8): each plot's right-click menu, which
pyqtgraph makes without a parent, held the export actions' slots and through them the whole
window (~30 MB per closed window; the test process grew to several GB)."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication


def open_train_and_close(qtbot, settings) -> weakref.ref:
    """A window that trains two steps and is closed and deleted; a weak reference to it."""
    from rnnviz.ui.window import MainWindow

    window = MainWindow("adding_rnn", settings=settings)
    window.confirm_discard = False
    window.show()
    qtbot.waitExposed(window)
    window.run_steps(2)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 2)
    window.close()
    window.deleteLater()
    return weakref.ref(window)


def test_a_closed_window_is_freed(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "freed.ini"), QSettings.Format.IniFormat)
    closed = open_train_and_close(qtbot, settings)
    QApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert closed() is None
