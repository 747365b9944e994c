"""Time x unit heatmaps with colour bars and a trace of the selected unit: the panel body.

The shared body of the gates and memory-cell panels: ``HeatmapPanel`` puts a
``HeatmapStack`` (heatmap_stack.py) under a header with the chain selector, a summary line
and the step tag, shows a note for models the panel does not apply to, and does the cursor
plumbing. Labels and fonts come from heatmap_labels.py.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from rnnviz.engine.history import History
from rnnviz.engine.record import SampleRecord, StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table, grid_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame, real_steps
from rnnviz.ui.panels.header_row import HeaderRow
from rnnviz.ui.panels.heatmap_fit import StackRoom
from rnnviz.ui.panels.heatmap_labels import (
    ChainSelector,
    display_token,
    is_text_task,
    time_labels,
)
from rnnviz.ui.panels.heatmap_stack import HeatmapStack, HeatRow


# -- the panel body ---------------------------------------------------------------------------
class HeatmapPanel(Panel):
    """A panel of time x unit heatmaps of one chain's trace that follows the cursor.

    Subclasses implement ``rows_for(context)`` (None: the panel does not apply; ``note``
    says why), ``build_stack()`` and ``draw(trace)``; ``selection_title`` and
    ``selection_changed`` are optional hooks."""

    needs_full = True  # its numbers come from recorded steps only
    scalar_steps_change_nothing = True  # show_record returns on them

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        self._stack_built = False  # the plots for the run's rows (built when first shown)
        layout, self.summary = panel_frame(self)
        header = HeaderRow()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        style.follow_text_size(self.summary)
        self.chain_box = ChainSelector(cursor)
        style.follow_text_size(self.chain_box)
        self.chain_box.setVisible(False)
        header.addWidget(self.summary, 1)
        header.addWidget(self.chain_box)
        header.addWidget(self.step_tag)
        layout.addLayout(header)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.follow_text_size(self.note, 2)
        self.note.setVisible(False)
        layout.addWidget(self.note, 1)
        self.stack = HeatmapStack()
        layout.addWidget(self.stack, 3)
        # the selected cell's values under the plots, wrapped at the panel's width: as the
        # trace plot's title (a one-line pyqtgraph label as wide as its text) it was cut after
        # "h" and pushed the heatmaps and their colour bars past the panel's edge (issue 16)
        self.readout = QLabel("")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setWordWrap(True)
        style.follow_text_size(self.readout)
        # a flow: a panel may add its controls after the readout, on its line when it is wide
        self.readout_row = HeaderRow()
        self.readout_row.addWidget(self.readout, 1)
        layout.addLayout(self.readout_row)
        self.room = StackRoom(self)  # the stack fitted to a short dock
        self.short = False  # texts shortened for a short dock (set_short)
        self.rows: list[HeatRow] | None = None
        self.chain = ""
        self.sample: SampleRecord | None = None
        self.stack.cell_clicked.connect(self._cell_clicked)
        cursor.t_changed.connect(self._selection_moved)
        cursor.unit_changed.connect(self._selection_moved)
        cursor.chain_changed.connect(self._chain_changed)

    # -- hooks for subclasses ------------------------------------------------------------------
    def rows_for(self, context: RunContext) -> list[HeatRow] | None:
        raise NotImplementedError

    def note_for(self, context: RunContext) -> str:
        return ""

    def build_stack(self) -> None:
        raise NotImplementedError

    def draw(self, trace: dict[str, np.ndarray]) -> None:
        """Per record: images, levels, summary."""

    def selection_title(self, unit: int, t: int) -> str:
        return f"unit {unit} at {self.time_name(t)}"

    def selection_changed(self, trace: dict[str, np.ndarray], t: int, unit: int) -> None:
        """After the cursor moved (and after every record)."""

    def set_short(self, short: bool) -> None:
        """Shorter texts in a short dock (heatmap_fit.py); subclasses shorten theirs."""
        self.short = short

    # -- Panel hooks ---------------------------------------------------------------------------
    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.sample = None
        chains = tuple(context.chains)
        self.chain = self.cursor.chain if self.cursor.chain in chains else chains[0]
        self.chain_box.set_chains(chains, self.chain)
        self.rows = self.rows_for(context)
        applies = self.rows is not None
        self.note.setText(self.note_for(context) if not applies else "")
        self.note.setVisible(not applies)
        self.stack.setVisible(applies)
        self.readout.setVisible(applies)
        self.readout.setText("")
        self.summary.setText("")
        # building the plots (~0.3-0.6 s for an LSTM's gate rows) waits until the panel is
        # on screen: a reset or a preset switch does not pay for tabs no one is looking at
        # (a dock behind another tab still says isVisible(); its visible region is empty)
        self._stack_built = False
        if applies and self._on_screen():
            self._ensure_stack()

    def _on_screen(self) -> bool:
        """Shown and not behind another tab (a panel made on its own counts as shown)."""
        if self.window() is self:
            return True
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def _ensure_stack(self) -> bool:
        """Build the heatmap stack for the run's rows if not yet done; False: none apply."""
        if self.rows is None:
            return False
        if not self._stack_built:
            self.build_stack()
            self._stack_built = True
        return True

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.context is not None and self._ensure_stack():
            self._redraw()
        self.room.refit()

    def show_record(self, record: StepRecord, history: History) -> None:
        if record.sample is None or self.rows is None or self.context is None:
            return
        self.sample = record.sample
        self._redraw()

    def export_tables(self) -> dict[str, Table]:
        """One table per heatmap (e.g. ``i``, ``f``, ``o``; ``c``, ``h``) of the shown chain:
        a row per time step (t, and the input token for text tasks), a column per unit."""
        trace = self.trace()
        if trace is None or self.rows is None or self.context is None:
            return {}
        steps, units = trace["h"].shape
        labels: dict[str, list] = {"t": list(range(1, steps + 1))}
        if is_text_task(self.context.task) and len(self.tokens()) == steps:
            labels["token"] = self.tokens()
        columns = [f"unit {u}" for u in range(units)]
        return {
            row.key: grid_table(labels, columns, trace[row.key], f"{row.title}, {self.chain}")
            for row in self.rows
        }

    # -- drawing -------------------------------------------------------------------------------
    def trace(self) -> dict[str, np.ndarray] | None:
        """The shown chain's trace, cut to the sentence's real steps when the task pads
        (slot filling): a padded position is no step of the sentence, and drawn as one its
        column read as the network's state there."""
        if self.sample is None:
            return None
        trace = self.sample.trace.get(self.chain)
        real = self.real_length()
        if trace is None or real is None:
            return trace
        return {key: values[:real] for key, values in trace.items()}

    def real_length(self) -> int | None:
        """How many leading steps of the shown sample are real (None: all of them)."""
        if self.sample is None or self.context is None:
            return None
        return real_steps(self.sample, self.context.task)

    def tokens(self) -> list[str]:
        """The shown sample's input tokens, cut like its trace."""
        tokens = list(self.sample.input_tokens) if self.sample is not None else []
        real = self.real_length()
        return tokens if real is None else tokens[:real]

    def selected(self) -> tuple[int, int]:
        """The cursor's (t, unit), clamped to the shown sample."""
        trace = self.trace()
        steps, units = trace["h"].shape if trace else (1, 1)
        return min(self.cursor.t, steps - 1), min(self.cursor.unit, units - 1)

    def time_name(self, t: int) -> str:
        label = f"t = {t + 1}"
        if self.sample is not None and is_text_task(self.context.task):
            tokens = self.tokens()
            if t < len(tokens):
                label += f" ('{display_token(tokens[t], 16)}')"
        return label

    def _redraw(self) -> None:
        trace = self.trace()
        if trace is None or not self._ensure_stack():
            return
        steps, units = trace["h"].shape
        labels, axis_title = time_labels(
            self.context.task, self.tokens(), steps, padded=self.real_length() is not None
        )
        self.stack.set_axes(steps, units, labels, axis_title)
        self.draw(trace)
        self._draw_selection(trace)
        self.room.refit()  # the texts around the stack may take more or fewer lines

    def _draw_selection(self, trace: dict[str, np.ndarray]) -> None:
        t, unit = self.selected()
        self.stack.set_selection(trace, t, unit)
        self.readout.setText(self.selection_title(unit, t))
        self.selection_changed(trace, t, unit)

    # -- interaction ---------------------------------------------------------------------------
    def _cell_clicked(self, t: int, unit: int) -> None:
        if unit >= 0:
            self.cursor.set_unit(unit)
        self.cursor.set_t(t)

    def _selection_moved(self, _value: int) -> None:
        trace = self.trace()
        if trace is not None and self.rows is not None and self._stack_built:
            self._draw_selection(trace)

    def _chain_changed(self, chain: str) -> None:
        if self.context is None or chain not in self.context.chains or chain == self.chain:
            return
        self.chain = chain
        self.chain_box.show_chain(chain)
        if self.sample is not None and self.rows is not None:
            self._redraw()
