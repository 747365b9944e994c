"""Sequence codes (encoder-decoders): the encoder's last state for many fresh sequences, the
fixed-size code the decoder starts from, on its first two principal components and coloured
by a property of the sequence (its length; a date's month). Computed where the trainer lives
(``RunContext.request``) from the current weights, again at most every few seconds while
training runs (``seq2seq_codes.py``).
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.engine.seq2seq_codes import SequenceCodes, sequence_codes
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.heatmap_labels import label_css, plot_font, style_plot

#: while training runs, the codes are recomputed at most this often
REFRESH_SECONDS = 2.0


class SequenceCodesPanel(Panel):
    """See the module docstring."""

    title = "Sequence codes"
    key = "codes"
    area = "model"

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout, self.summary = panel_frame(self)
        style.follow_text_size(self.summary)
        self.summary.setWordWrap(True)  # see attention.py: one line was cut at 1600x1000
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.button = QPushButton("Recompute")
        self.button.setToolTip("The codes of the current weights")
        self.button.clicked.connect(self.recompute)
        header = QHBoxLayout()
        header.addWidget(self.button)
        header.addStretch(1)
        header.addWidget(self.step_tag)
        layout.addLayout(header)
        layout.addWidget(self.summary)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setFont(plot_font(2))
        layout.addWidget(self.note, 1)
        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(200)
        style_plot(self.plot.getPlotItem())
        self.plot.setLabel("bottom", "principal component 1", **label_css())
        self.plot.setLabel("left", "principal component 2", **label_css())
        self.scatter = pg.ScatterPlotItem(size=8, pen=None)
        self.plot.addItem(self.scatter)
        layout.addWidget(self.plot, 3)
        self.codes: SequenceCodes | None = None
        self._pending = False
        self._asked_at = -np.inf
        self._run = 0

    # -- Panel hooks ---------------------------------------------------------------------------
    @classmethod
    def applies(cls, context: RunContext) -> bool:
        return bool(context.spec.seq2seq)

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self._run += 1
        self._pending = False
        self._asked_at = -np.inf
        self.codes = None
        self.scatter.clear()
        self.summary.setText("")
        applies = context.spec.seq2seq
        self.note.setText(
            ""
            if applies
            else "Sequence codes belong to encoder-decoders: open seq2seq_autoencoder "
            "(Presets menu) to see the encoder's last state code whole sequences."
        )
        for widget in (self.plot, self.button, self.summary):
            widget.setVisible(applies)
        self.note.setVisible(not applies)

    def show_record(self, record: StepRecord, history: History) -> None:
        due = time.monotonic() - self._asked_at >= REFRESH_SECONDS
        if self.context is not None and self.context.spec.seq2seq and due and self.isVisible():
            self.recompute()

    def export_tables(self) -> dict[str, Table]:
        """``codes``: each sequence, its colouring property and its two coordinates."""
        codes = self.codes
        if codes is None:
            return {}
        columns = {
            "sequence": codes.sources,
            codes.colour_name: codes.colour.tolist(),
            "pc1": codes.points[:, 0].tolist(),
            "pc2": codes.points[:, 1].tolist(),
        }
        return {"codes": columns_table(columns, f"sequence codes, step {codes.step}")}

    # -- computing and drawing -----------------------------------------------------------------
    def recompute(self) -> None:
        """Ask for the codes of the current weights (ignored while one is pending)."""
        request = self.context.request if self.context is not None else None
        if request is None or self._pending:
            return
        self._pending = True
        self._asked_at = time.monotonic()
        run = self._run

        def ready(result) -> None:
            if run == self._run:
                self._pending = False
                self._draw(result)

        request(sequence_codes, ready)

    def _draw(self, codes) -> None:
        if isinstance(codes, Exception):
            self.summary.setText(f"could not compute the codes: {codes}")
            return
        self.codes = codes
        low, high = float(codes.colour.min()), float(codes.colour.max())
        colour_map = pg.colormap.get("viridis")
        shades = colour_map.map((codes.colour - low) / max(high - low, 1e-9), mode="qcolor")
        self.scatter.setData(
            pos=codes.points, brush=shades, data=codes.sources, hoverable=True, tip=_tip
        )
        first, second = codes.explained
        # the shares go on the axes: on one line with the rest the summary was cut off
        self.plot.setLabel(
            "bottom", f"principal component 1 ({first:.0%} of the variance)", **label_css()
        )
        self.plot.setLabel("left", f"principal component 2 ({second:.0%})", **label_css())
        self.summary.setText(
            f"colour: {codes.colour_name} {low:g} (dark) to {high:g} (yellow) · "
            f"weights of step {codes.step}"
        )
        self.summary.setToolTip(
            f"{len(codes.sources)} fresh sequences; PC1 holds {first:.1%} and PC2 {second:.1%} "
            "of the codes' variance"
        )


def _tip(x: float, y: float, data: str) -> str:
    return f"{data}\nPC1 {x:.3g}, PC2 {y:.3g}"
