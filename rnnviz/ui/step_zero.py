"""Step 0 of a run: the untrained model's forward pass and the gradients its first step will
follow (``Trainer.preview``), so that the panels are not blank before training.

It is computed by the training worker off the GUI thread (``worker.request``): 0.3-1 s for
an LSTM on a loaded machine, which froze every reset and preset switch while it ran on the
GUI thread. ``StepZero.get`` answers None until it arrives; then ``arrived()`` is called
(GUI thread) for the window to draw it. Garbage made on the helper thread is collected on
the GUI thread (``app.collect_garbage_on_gui_thread``).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

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

            worker.request(lambda _mirror: trainer.preview(), arrived)
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
