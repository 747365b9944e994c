"""A closed window is freed (issue 23, target 8): each plot's right-click menu, which
pyqtgraph makes without a parent, held the export actions' slots and through them the whole
window (~30 MB per closed window; the test process grew to several GB)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication


def open_train_and_close(qtbot, settings) -> None:
    """A window that trains two steps and is closed and deleted (nothing here keeps it)."""
    from rnnviz.ui.window import MainWindow

    window = MainWindow("adding_rnn", settings=settings)
    window.confirm_discard = False
    window.show()
    qtbot.waitExposed(window)
    window.run_steps(2)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 2)
    window.close()
    window.deleteLater()


def test_a_closed_window_is_freed(qtbot, tmp_path):
    from rnnviz.ui.window import MainWindow

    def alive() -> int:
        return sum(1 for o in gc.get_objects() if type(o) is MainWindow)

    gc.collect()
    before = alive()
    open_train_and_close(qtbot, QSettings(str(tmp_path / "freed.ini"), QSettings.Format.IniFormat))
    QApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert alive() == before
