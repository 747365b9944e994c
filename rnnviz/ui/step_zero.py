"""Step 0 of a run: the untrained model's forward pass and the gradients its first step will
follow (``Trainer.preview``), so that the panels are not blank before training.

It is computed by the training worker off the GUI thread (``worker.request``): 0.3-1 s for
an LSTM on a loaded machine, which froze every reset and preset switch while it ran on the
GUI thread. ``StepZero.get`` answers None until it arrives; then ``arrived()`` is called
(GUI thread) for the window to draw it.
"""

from __future__ import annotations

import gc
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rnnviz.engine.record import StepRecord


class StepZero:
    """The previews of a run's trainers (the compared run's too), asked for once per run."""

    def __init__(self, arrived: Callable[[], None], computed_here: Callable[[], None]) -> None:
        self._arrived = arrived  # all asked for are in
        self._computed_here = computed_here  # one was computed on the GUI thread
        self._records: dict[int, StepRecord | None] = {}  # id(trainer) -> its preview
        self._asked: set[int] = set()  # id(trainer) of previews being computed
        self._generation = 0  # one per run: a preview of an earlier run is dropped

    def forget(self) -> None:
        """A new or reset run: previews computed or on their way are of the old one."""
        self._records.clear()
        self._asked.clear()
        self._generation += 1

    def get(self, trainer, worker) -> StepRecord | None:
        """``trainer``'s preview if it arrived; else ask ``worker`` for it (None). Without a
        worker, or with the thread worker, it is computed here: with a training thread in
        this process, a preview on a helper thread made the test suite crash (a segfault in
        a garbage collection while the training thread imported torch's lazy modules)."""
        key = id(trainer)
        if key in self._records:
            return self._records[key]
        if worker is None or not getattr(worker, "previews_off_gui", False):
            self._records[key] = _preview(trainer)
            self._computed_here()
            return self._records[key]
        if key not in self._asked:
            self._asked.add(key)
            generation = self._generation

            def arrived(result, trainer=trainer) -> None:
                self._keep(generation, trainer, result)

            worker.request(lambda _mirror: _preview_off_gui(trainer), arrived)
        return None

    def _keep(self, generation: int, trainer, result) -> None:
        if generation != self._generation:  # the run was reset or replaced meanwhile
            return
        self._asked.discard(id(trainer))
        if isinstance(result, Exception):  # a model that cannot even run forward: the
            traceback.print_exception(result)  # first step says why
            result = None
        self._records[id(trainer)] = result
        if not self._asked:  # (the compared run's may still be on its way)
            self._arrived()


def _preview(trainer) -> StepRecord | None:
    """``trainer.preview()``, or None (printed) when the model cannot run forward."""
    try:
        return trainer.preview()
    except Exception:
        traceback.print_exc()
        return None


_gc_lock = threading.Lock()
_gc_holds = 0  # previews computing now
_gc_was_enabled = True  # automatic collection was on when the first of them began


@contextmanager
def _no_collection() -> Iterator[None]:
    """No automatic garbage collection while a helper thread computes a preview: it allocates
    much (a whole record; torch's lazy imports on the first one), and a collection it set
    off would run on its thread and delete there, off the GUI thread, the Qt objects a reset
    has just let go of (a crash). The GUI thread's next collection takes them."""
    global _gc_holds, _gc_was_enabled
    with _gc_lock:
        if _gc_holds == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holds += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holds -= 1
            if _gc_holds == 0 and _gc_was_enabled:
                gc.enable()


def _preview_off_gui(trainer) -> StepRecord:
    with _no_collection():
        return trainer.preview()
