"""The panel contract: a dockable view of step records that follows the shared cursor.

The main window owns one Cursor and calls, on the GUI thread, at display rate:
- ``panel.reset(context)`` when a new model / task / run starts (history cleared);
- ``panel.show_record(record, history)`` with the record to draw (the live newest, or the kept
  record of the step the cursor selects) and the run's History (scalar series so far);
- ``panel.show_compare(label, record, history)`` in compare mode, for the second run;
- ``panel.mark_step(record, viewing)`` after drawing: the step tag in the panel's header then
  names the training step the panel shows ("step 480", and whether that is the live one).
Panels build their plot items once and update them with setData; they never train or block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.tasks.base import Task
from rnnviz.session.cursor import Cursor
from rnnviz.ui.export import Table


@dataclass(frozen=True)
class RunContext:
    """What a panel may need to know about the run it shows (read-only)."""

    spec: ModelSpec
    task: Task
    chains: tuple[str, ...]  # e.g. ("L0.fwd", "L0.bwd", "L1.fwd", "L1.bwd")
    config: object  # rnnviz.engine.trainer.TrainConfig
    #: ``request(fn, callback)``: run ``fn(trainer)`` where the trainer lives (the training
    #: thread, between two steps) and call ``callback(result)`` on the GUI thread later;
    #: ``result`` is the exception if ``fn`` raised. None outside a main window.
    request: Callable[[Callable, Callable], None] | None = None
    #: the run's ``rnnviz.session.session.Session`` (None outside a main window): where a
    #: panel keeps what is saved with the run, e.g. the loss surface
    session: object | None = None
    #: compare mode: the second run's model (None without one)
    compare_spec: ModelSpec | None = None
    #: the loss surface's first view the preset chose (``engine.surface_view.SurfaceView``;
    #: None: the auto plane around the current weights)
    surface_view: object | None = None
    #: the panels start again for the same settings (Reset, a new text size), not for new
    #: ones (a preset, Apply): a panel keeps the views the user chose (the loss surface's
    #: plane) where a new run gets the preset's first view
    restart: bool = False


class Panel(QWidget):
    """Base class for dockable panels. Subclasses set ``title`` and override the hooks."""

    title = "Panel"
    #: object name used to save / restore the dock layout; must be unique and stable
    key = "panel"
    #: default place in the main window (users can move it): "training" (top row, side by
    #: side), "model" (tabs, lower left) or "gradients" (tabs, lower right)
    area = "training"
    #: the panel draws a full record's internals and keeps showing the last full record
    #: when given a scalar-only one (so its step tag keeps that record's step)
    needs_full = False
    #: ``show_record`` of a scalar-only record changes nothing on screen (the panel draws a
    #: full record's internals only): the display does not redraw it when only the newest
    #: scalar step moved on, which leaves its turn to panels that do change (display.py)
    scalar_steps_change_nothing = False

    def __init__(self, cursor: Cursor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cursor = cursor
        self.context: RunContext | None = None
        # a click on the panel takes the keyboard focus from the sidebar, so ← → move t
        # here instead of changing a combo box (ui/keys.py)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        #: which training step the panel shows; each panel puts it in its header row
        self.step_tag = StepTag()

    def mark_step(self, record: StepRecord, viewing: bool) -> None:
        """``record`` was drawn (``viewing``: an earlier step the cursor chose, not the
        newest): name its step in the header, unless the panel kept an older full record."""
        if record.full or not self.needs_full:
            self.step_tag.show_step(record.step, viewing)

    @classmethod
    def applies(cls, context: RunContext) -> bool:
        """Whether the panel has anything to show for this run's model and task. One that
        has not is set aside (its tab hidden, still in the View menu) while the run is open:
        a tab row of placeholders ("attention belongs to encoder-decoders") truncates every
        tab's title to a few letters."""
        return True

    @classmethod
    def title_for(cls, context: RunContext) -> str:
        """The dock's title for this run (e.g. "GRU cell" where a GRU is shown)."""
        return cls.title

    def reset(self, context: RunContext) -> None:
        """A new run starts: forget drawn data, rebuild what depends on the model shape."""
        self.context = context
        self.step_tag.show_step(None, False)

    def show_record(self, record: StepRecord, history: History) -> None:
        """Draw ``record`` (full or scalar-only) and the run's history so far."""

    def show_compare(self, label: str, record: StepRecord | None, history: History | None) -> None:
        """Compare mode: a second run (same task and seed, trained in lockstep) to overlay,
        named ``label``; called after ``show_record``. ``record is None`` ends compare mode.
        Panels that have nothing to overlay ignore it."""

    def spectra_arrived(self) -> None:
        """The spectra of a shown record were computed (off the GUI thread) and are now in
        its History (``History.add_spectra``); panels that draw them redraw."""

    def export_tables(self) -> dict[str, Table]:
        """The numbers the panel draws now (what its last ``show_record`` / ``show_compare``
        got), by table name, for "Export data as CSV"; empty before anything was drawn.
        Time-indexed tables start with a ``t`` column (1-based), step-indexed ones with
        ``step``."""
        return {}

    def shutdown(self) -> None:
        """The window is closing: stop background work, release native resources."""


def real_steps(sample, task) -> int | None:
    """How many leading steps of a displayed ``sample`` are real when ``task`` pads its
    sequences at the end (slot filling), or None when all are. Padded steps are inputs that
    are not part of the sentence; drawn as steps, their zero gradients read as vanishing."""
    if sample is None or not task.pads_at_end:
        return None
    mask = np.asarray(sample.mask)
    counted = np.flatnonzero(mask.reshape(len(mask), -1).any(axis=1))
    n = int(counted[-1]) + 1 if counted.size else 0
    return n if 0 < n < len(mask) else None


def panel_frame(panel: QWidget) -> tuple[QVBoxLayout, QLabel]:
    """A panel's frame: its vertical layout and the bold summary line at the top."""
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(4, 4, 4, 4)
    summary = QLabel("")
    summary.setObjectName("panelSummary")
    summary.setWordWrap(True)
    return layout, summary


class StepTag(QLabel):
    """The header's "step 480" tag: the training step a panel shows, highlighted while it is
    an earlier step than the newest (the timeline's "viewing" colours)."""

    _LIVE = "QLabel { color: #a5d6a7; padding: 0px 4px; }"
    _VIEWING = (
        "QLabel { color: #111; background: #ffd54f; font-weight: bold; padding: 0px 4px;"
        " border-radius: 3px; }"
    )

    def __init__(self) -> None:
        super().__init__("")
        self.setObjectName("panelStep")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self._shown: tuple[int | None, bool] | None = None
        self.show_step(None, False)

    @property
    def step(self) -> int | None:
        return self._shown[0] if self._shown else None

    def show_step(self, step: int | None, viewing: bool) -> None:
        """Name ``step`` (None: nothing drawn yet); cheap when nothing changed."""
        if (step, viewing) == self._shown:
            return
        self._shown = (step, viewing)
        if step is None:
            self.setText("")
            self.setToolTip("")
            return
        self.setText(f"step {step}" if viewing else f"step {step} · live")
        self.setStyleSheet(self._VIEWING if viewing else self._LIVE)
        self.setToolTip(
            f"This panel shows training step {step}, an earlier step chosen on the timeline "
            "or the loss curve (End: back to Live)."
            if viewing
            else f"This panel shows training step {step}, the newest it has drawn."
        )
