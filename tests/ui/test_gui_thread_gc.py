"""Garbage is collected on the GUI thread only: an automatic collection set off by a helper
thread's allocations deleted Qt objects off the GUI thread (segfaults in the test suite)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.qt_object = QObject()  # what a collection on the wrong thread would delete


def test_a_helper_threads_allocations_never_collect_and_the_gui_thread_does(qtbot):
    from rnnviz.ui.app import get_app

    get_app()  # as the app starts; the test set-up does the same
    assert not gc.isenabled()

    collected_on: list[str] = []

    def note_thread(phase, _info) -> None:
        if phase == "start":
            collected_on.append(threading.current_thread().name)

    cycle = _Cycle()
    alive = weakref.ref(cycle)
    del cycle
    gc.callbacks.append(note_thread)
    try:
        # far more container allocations than generation 0's threshold (700), kept (freed,
        # they would take the count back under it: then no one collects)
        kept: list = []
        helper = threading.Thread(
            target=lambda: kept.extend([i] for i in range(50 * gc.get_threshold()[0])),
            name="helper",
        )
        helper.start()
        helper.join()
        assert alive() is not None and "helper" not in collected_on
        qtbot.waitUntil(lambda: alive() is None, timeout=30_000)  # (a loaded machine)
        assert set(collected_on) == {threading.main_thread().name}
    finally:
        gc.callbacks.remove(note_thread)
