"""Display scheduling: which panel draws which record, and when.

A display timer (``DISPLAY_HZ``) takes the newest record the worker published; nothing is
queued per step. The panels on screen take turns drawing it (``PANELS_PER_TICK`` per tick,
the longest waiting first), so that no turn of the event loop paints many panels at once;
a panel that a scalar-only record would not change (``Panel.scalar_steps_change_nothing``)
waits for the next full record instead of taking a turn.
The ``Display`` reads the run (trainer, worker) from the ``RunController`` and hands back
what the worker said (an error, the end of a run) once the panels have drawn.
"""

from __future__ import annotations

import time
import traceback
from collections import deque

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QDockWidget

from rnnviz.engine.record import StepRecord
from rnnviz.session.cursor import Cursor
from rnnviz.ui.display_aside import SetAsideDocks
from rnnviz.ui.panels import Panel
from rnnviz.ui.run_controller import RunController
from rnnviz.ui.step_zero import StepZero
from rnnviz.ui.view_settle import settle_views
from rnnviz.ui.workers.heap_trim import HeapTrimmer
from rnnviz.ui.workers.spectra_job import SpectraJob

#: display ticks per second while training. Each tick draws one panel, whose paint can take
#: 5-20 ms under a software renderer; at 20 Hz (each of 4 panels on screen 5 times a second)
#: the event loop's p99 lateness measured 15.6-17.3 ms on 2 cores, at 30 Hz 18.3-26.2 ms.
DISPLAY_HZ = 20
#: panels redrawn per display tick while training (they take turns, stalest first)
PANELS_PER_TICK = 1
#: the display interval backs off to this when drawing cannot keep up (a busy machine)
SLOWEST_DISPLAY_MS = 250


class Display(SetAsideDocks, QObject):
    """The panels (key -> Panel), their docks, and the timer that feeds them records.

    ``took(record)``: a new record was taken for display (the status bar shows it);
    ``panel_failed(text)``: a panel raised while drawing (the others go on);
    ``step_zero_drawn()``: the untrained model's step 0 arrived and the panels drew it."""

    took = Signal(object)
    panel_failed = Signal(str)
    #: the untrained model's step 0 (computed off the GUI thread) arrived and was drawn
    step_zero_drawn = Signal()

    def __init__(self, cursor: Cursor, run: RunController, parent: QObject | None = None):
        super().__init__(parent)
        self.cursor = cursor
        self.run = run
        self.panels: dict[str, Panel] = {}
        self.docks: dict[str, QDockWidget] = {}
        self._set_aside: set[str] = set()  # docks hidden because their panel does not apply
        self._shown: StepRecord | None = None  # the newest record taken for display
        self._shown_full: StepRecord | None = None  # the newest full record taken
        self._compare_shown: StepRecord | None = None
        #: id(trainer) -> its step-0 preview (the untrained model), computed once per run
        #: the untrained model's step 0 of each trainer shown, computed off the GUI thread
        self._step_zero = StepZero(
            self._step_zero_arrived,
            lambda: QTimer.singleShot(0, self.step_zero_drawn.emit),  # once drawn
        )
        #: panel key -> (the _frame_state it drew, when): which panel is due next
        self._drawn: dict[str, tuple[tuple | None, float]] = {}
        self._last_tick: float | None = None
        self._rate_samples: deque[tuple[float, int]] = deque(maxlen=64)
        self.spectra = SpectraJob()
        self._heap = HeapTrimmer()  # freed memory back to the OS (else RSS creeps up)
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 / DISPLAY_HZ))
        self.timer.timeout.connect(self._timer_tick)
        self.timer.start()

    # -- a run -----------------------------------------------------------------------------
    def start_over(self) -> None:
        """Forget what was taken and drawn (a new or reset run)."""
        self._shown = None
        self._shown_full = None
        self._drawn.clear()
        self._compare_shown = None
        self._step_zero.forget()
        self._rate_samples.clear()
        self.spectra.forget()

    def reset_panels(self) -> None:
        """Every panel starts again for the current run (its model, task, settings)."""
        context = self.run.context()
        for key, panel in self.panels.items():
            panel.reset(context)
            if key in self.docks:
                self.docks[key].setWindowTitle(panel.title_for(context).replace("&", "&&"))
        self._set_aside_docks(context)

    def replace_panel(self, key: str, panel: Panel) -> None:
        """``panel`` takes the place of the one under ``key`` (a stand-in, deferred_panel.py)
        and has drawn nothing yet."""
        self.panels[key] = panel
        self._drawn.pop(key, None)

    @property
    def shown_step(self) -> int:
        """The newest training step taken for display (0 before any); the panels draw it in
        turns within a few ticks, and all at once when a run ends."""
        return self._shown.step if self._shown is not None else 0

    @property
    def steps_per_second(self) -> float:
        """Training speed over the last 2 s of records taken."""
        samples = [s for s in self._rate_samples if time.monotonic() - s[0] < 2.0]
        if len(samples) < 2 or samples[-1][0] <= samples[0][0]:
            return 0.0
        return (samples[-1][1] - samples[0][1]) / (samples[-1][0] - samples[0][0])

    # -- ticks -----------------------------------------------------------------------------
    def _timer_tick(self) -> None:
        if self.run.worker is not None:
            self._adapt_rate()
        self.tick()
        self._spectra_tick()
        self._heap.maybe()

    def _spectra_tick(self) -> None:
        """Ask for the spectra of the records on screen (computed off the GUI thread), and
        let the panels draw those that arrived."""
        trainer = self.run.trainer
        if trainer is None:
            return
        self.spectra.want(self._full_record_shown(), trainer.history)
        compare = self.run.compare_trainer
        if compare is not None:
            self.spectra.want(self._compare_record(), compare.history)
        if self.spectra.poll():
            for key, panel in self.panels.items():
                if self.on_screen(key):
                    panel.spectra_arrived()

    def _full_record_shown(self) -> StepRecord | None:
        """The full record the panels show: the cursor's, else the newest taken (or, with
        nothing taken yet, e.g. a session just opened, the newest kept)."""
        history = self.run.trainer.history
        if self.cursor.step is not None:
            return history.record_at(self.cursor.step)
        return self._shown_full or history.record_at(self.run.trainer.step_count)

    def _adapt_rate(self) -> None:
        """Draw less often while the event loop runs late (drawing plus painting costs more
        than the interval), so the GUI stays responsive and the trainer keeps its CPU."""
        now = time.perf_counter()
        last, self._last_tick = self._last_tick, now
        if last is None:
            return
        interval = self.timer.interval()
        late = (now - last) * 1000 - interval
        if late > 0.5 * interval:
            interval = min(SLOWEST_DISPLAY_MS, int(interval * 1.5))
        elif late < 0.1 * interval:
            interval = max(int(1000 / DISPLAY_HZ), interval - 5)
        if interval != self.timer.interval():
            self.timer.setInterval(interval)

    def tick(self) -> None:
        """Take what the worker published, let the stalest panel(s) draw it (all of them when
        the run ended), then tell the run what happened."""
        worker = self.run.worker
        if worker is None:
            return
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
            self.took.emit(record)
        self._draw_stale(None if published.finished else PANELS_PER_TICK)
        self.run.took(published, worker)

    # -- drawing ---------------------------------------------------------------------------
    def _draw_stale(self, limit: int | None) -> None:
        """Redraw the on-screen panels that have not drawn the newest data yet, the longest
        waiting first, at most ``limit`` of them. Qt paints every widget changed in one tick
        in one event, so a few panels per tick keep each turn of the event loop short (and
        leave the CPU to training); they take turns, each showing the newest data."""
        if self._shown is None or self.run.trainer is None:
            return
        state = self._frame_state()
        states = {k: self._panel_state(k, state) for k in self.panels}
        stale = [k for k in self.panels if self._drawn_state(k) != states[k] and self.on_screen(k)]
        stale.sort(key=lambda k: self._drawn.get(k, (None, 0.0))[1])
        for key in stale[:limit]:
            self._draw_panel(key, self._record_for(key), states[key])

    def draw_all(self) -> None:
        """Draw every on-screen panel now (the cursor moved, a tab was raised, a setting
        changed): the record the cursor selects, or the newest trained step."""
        trainer = self.run.trainer
        if trainer is None:
            return
        history = trainer.history
        if self.cursor.step is not None:
            record = newest = history.record_at(self.cursor.step)
        else:
            record = history.record_at(trainer.step_count) or history.last
            # panels of the scalar history (loss, gradient norm, the path) show the newest
            # step, those of a record's internals the newest full record
            newest = history.last or record
        if record is None:
            record = newest = self._untrained(trainer)
        if record is None:
            return
        state = self._frame_state()
        for key, panel in self.panels.items():
            if self.on_screen(key):
                shown = record if panel.needs_full else newest
                self._draw_panel(key, shown, self._panel_state(key, state))

    def _frame_state(self) -> tuple:
        """What the panels should show; a panel that drew another state is stale."""
        compare = self._compare_record()
        return (
            self.cursor.step,
            self._shown.step if self._shown is not None else None,
            self._shown_full.step if self._shown_full is not None else None,
            compare.step if compare is not None else None,
        )

    def _panel_state(self, key: str, state: tuple) -> tuple:
        """What panel ``key`` should show: the frame's state, less the newest scalar step
        for a panel that a scalar-only record does not change (it would draw nothing new,
        and its turn would delay the panels that do)."""
        if self.panels[key].scalar_steps_change_nothing and state[0] is None:
            return (state[0], None, *state[2:])
        return state

    def _drawn_state(self, key: str) -> tuple | None:
        return self._drawn.get(key, (None, 0.0))[0]

    def _record_for(self, key: str) -> StepRecord | None:
        """The record a stale panel draws: the cursor's; else the newest full record if the
        panel has not drawn it yet (a panel drawing internals skips scalar-only records),
        else the newest record."""
        if self.cursor.step is not None:
            return self.run.trainer.history.record_at(self.cursor.step)
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
            panel.show_record(record, self.run.trainer.history)
            if compare is not None:
                panel.show_compare(
                    self.run.run_settings.compare_label, compare, self.run.compare_trainer.history
                )
            panel.mark_step(record, viewing=self.cursor.step is not None)
            settle_views(panel)  # one paint per draw (view_settle.py)
        except Exception as exc:  # one broken panel must not stop the others or training
            traceback.print_exc()
            self.panel_failed.emit(f"The {panel.title} panel failed: {type(exc).__name__}: {exc}")

    def on_screen(self, key: str) -> bool:
        """Shown and not behind another tab (a tab's dock still reports isVisible())."""
        dock = self.docks[key]
        return dock.isVisible() and not dock.visibleRegion().isEmpty()

    def _compare_record(self) -> StepRecord | None:
        """Compare mode: the second run's record for the step the panels show."""
        compare_trainer = self.run.compare_trainer
        if compare_trainer is None:
            return None
        if self.cursor.step is not None:
            return compare_trainer.history.record_at(self.cursor.step)
        shown = self._compare_shown or compare_trainer.history.last
        return shown or self._untrained(compare_trainer)

    def _untrained(self, trainer) -> StepRecord | None:
        """Before the first step: the untrained model's forward pass and the gradients it
        would follow (step_zero.py), so that step 0 is not blank. Only while nothing trains;
        None until the worker has computed it, then the panels draw it and
        ``step_zero_drawn`` is emitted."""
        if trainer.step_count != 0 or trainer.diverged or self.run.running:
            return None
        return self._step_zero.get(trainer, self.run.worker)

    def _step_zero_arrived(self) -> None:
        trainer = self.run.trainer
        if trainer is not None and trainer.step_count == 0:
            self.draw_all()
        self.step_zero_drawn.emit()
