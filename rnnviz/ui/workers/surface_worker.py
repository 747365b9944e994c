"""Runs ``compute_surface`` on a background thread and hands each refinement level to the GUI.

Signals are emitted from the worker thread and delivered on the GUI thread (queued). A new
``start`` cancels the computation under way; ``stop`` cancels and waits for the thread, so
closing a panel leaves no thread behind.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, Signal

from rnnviz.engine.surface import SurfaceCancelled, compute_surface


class SurfaceWorker(QObject):
    """One surface computation at a time, off the GUI thread."""

    level_ready = Signal(object, int)  # SurfaceGrid, job id
    progress = Signal(int, int, int)  # done, total, job id
    finished = Signal(str, int)  # "done" | "cancelled" | "error: ...", job id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._job = 0

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    @property
    def job(self) -> int:
        return self._job

    def start(self, source, plane, a_range, b_range, resolution: int) -> int:
        """Start computing (cancelling any computation under way). Returns the job id that
        the signals of this computation carry."""
        self.stop()
        self._job += 1
        job = self._job
        cancel = self._cancel = threading.Event()

        def run() -> None:
            status = "done"
            try:
                compute_surface(
                    source,
                    plane,
                    a_range,
                    b_range,
                    resolution,
                    on_level=lambda grid: self.level_ready.emit(grid, job),
                    progress=lambda done, total: self.progress.emit(done, total, job),
                    cancel=cancel,
                )
            except SurfaceCancelled:
                status = "cancelled"
            except Exception as exc:  # shown on the panel, never swallowed
                traceback.print_exc()
                status = f"error: {type(exc).__name__}: {exc}"
            self.finished.emit(status, job)

        self._thread = threading.Thread(target=run, name="rnnviz-surface", daemon=True)
        self._thread.start()
        return job

    def cancel(self) -> None:
        """Ask the computation to stop (it ends within one chunk); does not wait."""
        self._cancel.set()

    def stop(self, timeout: float = 5.0) -> bool:
        """Cancel and wait for the thread. True when no thread is left."""
        self._cancel.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                return False
            self._thread = None
        return True
