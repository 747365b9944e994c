"""The CTC lattice (Graves et al. 2006) of the displayed sample, following the cursor.

Top: frames t on x, the 2U + 1 states of the extended label sequence (φ, l_1, φ, ..., l_U, φ)
on y (blank rows labelled φ), coloured by the posterior γ_t(s) = α_t(s) β_t(s) / p(l | x)
(``rnnviz.engine.ctc``), with the most likely single alignment drawn as a path. Middle: the
network's output distribution y_t(k) per frame (the blank's row outlined, each frame's
argmax class dotted); both drawn by ``ctc_plots.py``. Bottom: the decoding "merge repeats,
drop blanks" step by step, the selected frame's run marked, in one paragraph that wraps.
Docked at 1280x720 with text 1.5 (a dock ~400 x 360 px) the panel scrolled: its frame line
took four lines and the decoding seven (the argmax of every frame spelled out as text, now
the dots in the outputs' heatmap, where each sits under its frame). Over training
the posterior narrows from a broad band of possible alignments to one path, and the blank
takes every frame where no label is being emitted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.elided_label import ElidedLabel
from rnnviz.ui.export import Table, columns_table, grid_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.ctc_plots import CTCPlots
from rnnviz.ui.panels.ctc_view import CTCView, collapse_html, ctc_view, frame_summary

HOW_TO_READ = (
    "How to read it: each row of the lattice is a state of the extended label sequence "
    "(φ, l1, φ, l2, ..., φ); a path from the top-left states to the bottom-right ones that "
    "moves down by at most one state per frame (two, skipping a blank between different "
    "labels) is one alignment, and the loss sums the probability of all of them. The colour "
    "is the posterior γ_t(s) = α_t(s) β_t(s) / p(l|x): the share of that probability passing "
    "through state s at frame t (each column sums to 1). The white path is the single most "
    "likely alignment. Below, the network's output distribution per frame (blank row "
    "outlined, a white dot on each frame's most likely class), and the best-path decoding: "
    "those argmax classes with repeats merged, then blanks dropped."
)


class CTCLatticePanel(Panel):
    title = "CTC lattice"
    key = "ctc_lattice"
    area = "model"
    needs_full = True  # its numbers come from the recorded sample

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout, _wrapping = panel_frame(self)
        layout.setSpacing(2)  # every pixel of height to the heatmaps' rows
        # one line about the frame, cut with "…" where the dock ends (the whole text is then
        # its tooltip): wrapped beside the step tag it took four lines at text 1.5
        self.summary = ElidedLabel("")
        style.follow_text_size(self.summary, -2)
        self.summary.setToolTip(HOW_TO_READ)
        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(self.step_tag, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        self.note = QLabel(
            "The CTC lattice applies to CTC tasks (output shorter than the input, with a "
            "blank symbol φ).\n\nOpen the preset ctc_speech or ctc_repeats to see it."
        )
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.follow_text_size(self.note, 2)
        layout.addWidget(self.note, 1)
        self.graphics = CTCPlots()
        layout.addWidget(self.graphics, 4)
        for name in ("lattice_plot", "outputs_plot", "lattice_image", "outputs_image"):
            setattr(self, name, getattr(self.graphics, name))
        self.lattice_bar, self.outputs_bar = self.graphics.lattice_bar, self.graphics.outputs_bar
        self.path, self.lines = self.graphics.path, self.graphics.lines
        self.collapse = QLabel("")
        self.collapse.setTextFormat(Qt.TextFormat.RichText)
        self.collapse.setWordWrap(True)
        style.follow_text_size(self.collapse, -2)  # the rows' labels' size: two lines docked
        self.collapse.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.collapse)
        self.view: CTCView | None = None
        self._sample = None  # the record's sample the view was made from
        self.graphics.scene().sigMouseClicked.connect(self._clicked)
        cursor.t_changed.connect(self._t_moved)
        self._show_applies(False)

    # -- Panel hooks ---------------------------------------------------------------------------
    @classmethod
    def applies(cls, context: RunContext) -> bool:
        return bool(getattr(context.task, "loss_kind", "") == "ctc")

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.view = None
        self.graphics.forget_rows()  # a new run, its own labels (a text-size change too)
        self.graphics.style(None)
        self.summary.setText("")
        self.collapse.setText("")
        self._show_applies(getattr(context.task, "loss_kind", "") == "ctc")

    def show_record(self, record: StepRecord, history: History) -> None:
        if record.sample is None or self.context is None:
            return
        if getattr(self.context.task, "loss_kind", "") != "ctc":
            return
        if self.view is not None and record.sample is self._sample:
            return  # drawn already (the lattice and the beam search take a few ms)
        self._sample = record.sample
        self.view = ctc_view(self.context.task.output_labels, record.sample)
        self._draw()

    def export_tables(self) -> dict[str, Table]:
        """``posterior`` (a row per frame, a column per lattice state), ``outputs`` (per
        frame, per class) and ``alignment`` (the most likely path's state per frame)."""
        view = self.view
        if view is None:
            return {}
        frames = {"t": list(range(1, view.steps + 1))}
        states = [f"s{s} {name}" for s, name in enumerate(view.state_names)]
        tables = {
            "posterior": grid_table(frames, states, view.lattice.posterior, "posterior γ_t(s)"),
            "outputs": grid_table(frames, view.class_names, view.probs, "output y_t(k)"),
        }
        if view.lattice.alignment.size:
            path = view.lattice.alignment
            tables["alignment"] = columns_table(
                {**frames, "state": path.tolist(), "label": [view.state_names[s] for s in path]},
                "most likely alignment",
            )
        return tables

    # -- drawing -------------------------------------------------------------------------------
    def _show_applies(self, applies: bool) -> None:
        self.note.setVisible(not applies)
        self.graphics.setVisible(applies)
        self.collapse.setVisible(applies)

    def _draw(self) -> None:
        self.graphics.draw(self.view)
        self._draw_cursor()

    def _draw_cursor(self) -> None:
        view = self.view
        t = min(self.cursor.t, view.steps - 1)
        self.graphics.show_frame(t)
        self.summary.setText(frame_summary(view, t))
        self.collapse.setText(collapse_html(view, t))

    def _t_moved(self, _t: int) -> None:
        if self.view is not None:
            self._draw_cursor()

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.view is None:
            return
        t = self.graphics.frame_at(event.scenePos())
        if t is not None and 0 <= t < self.view.steps:
            self.cursor.set_t(t)
