"""Attention (encoder-decoder): the weights alpha [T_out, T_in] of the displayed sample as a
heatmap, output tokens down, input tokens across, each row a softmax over the input (it sums
to 1); a dot marks the input each output reads most. It follows the training-step cursor, so
scrubbing the timeline shows the pattern forming. Rows are the target under teacher forcing
(what the loss trains) or the model's own greedy decoding, up to its ``<eos>``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table, grid_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.heatmap_labels import display_token, label_css, plot_font, style_plot
from rnnviz.ui.panels.index_axis import IndexAxis

#: the rows the panel can show: (record key, selector text, what a row is)
MODES = (
    ("teacher", "teacher forcing", "target token"),
    ("greedy", "greedy decoding", "decoded token"),
)


class AttentionPanel(Panel):
    """The attention matrix of the shown step's sample; see the module docstring."""

    title = "Attention"
    key = "attention"
    area = "model"
    needs_full = True  # the weights are on recorded steps only

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout, self.summary = panel_frame(self)
        style.follow_text_size(self.summary)
        # wrapped (one line was cut at text size 1.5): the dock's PanelHolder gives a panel
        # with a height-for-width its minimum height, so the plot is not pushed below
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.mode_box = QComboBox()
        style.follow_text_size(self.mode_box)
        for key, text, _ in MODES:
            self.mode_box.addItem(text, key)
        self.mode_box.setToolTip(
            "Rows: the target fed in by teacher forcing (what the loss trains), or the "
            "model's own greedy decoding up to its <eos>"
        )
        self.mode_box.currentIndexChanged.connect(lambda _index: self._redraw())
        header = QHBoxLayout()  # the summary has a row of its own: beside them it is squeezed
        header.addWidget(self.mode_box)
        header.addStretch(1)
        header.addWidget(self.step_tag)
        layout.addLayout(header)
        layout.addWidget(self.summary)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.follow_text_size(self.note, 2)
        layout.addWidget(self.note, 1)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setMinimumHeight(200)
        layout.addWidget(self.view, 3)
        self.plot = self.view.addPlot(
            row=0,
            col=0,
            axisItems={"bottom": IndexAxis("bottom"), "left": IndexAxis("left")},
            enableMenu=False,  # no view menu: never shown here, slow to make
        )
        style_plot(self.plot)
        self.plot.hideButtons()
        self.plot.vb.invertY(True)
        self.plot.setMouseEnabled(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.peaks = pg.ScatterPlotItem(size=9, brush="#ef5350", pen=pg.mkPen("#000000"))
        self.plot.addItem(self.peaks)
        self.bar = pg.ColorBarItem(
            values=(0, 1),
            colorMap=pg.colormap.get("viridis"),
            interactive=False,
            width=18,
            label="α",
        )
        self.bar.setImageItem(self.image)
        self.bar.axis.setStyle(tickFont=plot_font(-1))
        self.bar.axis.label.setFont(plot_font())
        self.view.addItem(self.bar, row=0, col=1)
        self.record: StepRecord | None = None
        self._shown: tuple[np.ndarray, list[str], list[str], str] | None = None

    # -- Panel hooks ---------------------------------------------------------------------------
    @classmethod
    def applies(cls, context: RunContext) -> bool:
        return bool(context.spec.seq2seq)

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.record = None
        self._shown = None
        self.summary.setText("")
        spec = context.spec
        if not spec.seq2seq:
            text = (
                "Attention belongs to encoder-decoder models: open reverse_attention or "
                "date_attention (Presets menu) to watch it form."
            )
        elif spec.attention == "none":
            text = (
                "This encoder-decoder has no attention: the decoder starts from the "
                "encoder's last state and never looks back at the input (the bottleneck). "
                "Compare reverse_attention, whose decoder reads every encoder state."
            )
        else:
            text = ""
        self.note.setText(text)
        self.note.setVisible(bool(text))
        self.view.setVisible(not text)
        self.mode_box.setVisible(not text)

    def show_record(self, record: StepRecord, history: History) -> None:
        if record.sample is None or not record.sample.attention:
            return
        self.record = record
        self._redraw()

    def export_tables(self) -> dict[str, Table]:
        """``attention``: a row per output token (j, token), a column per input token."""
        if self._shown is None:
            return {}
        alpha, rows, columns, mode = self._shown
        labels = {"j": list(range(1, len(rows) + 1)), "output token": rows}
        names = [f"{i + 1}:{tok}" for i, tok in enumerate(columns)]
        return {"attention": grid_table(labels, names, alpha, f"attention weights, {mode}")}

    # -- drawing -------------------------------------------------------------------------------
    def _redraw(self) -> None:
        if self.record is None or self.record.sample is None:
            return
        sample = self.record.sample
        mode = self.mode_box.currentData() or "teacher"
        alpha = sample.attention.get(mode)
        if alpha is None:
            return
        rows = sample.target_tokens if mode == "teacher" else sample.predicted_tokens
        rows = list(rows[: alpha.shape[0]])
        columns = list(sample.input_tokens)
        self._shown = (alpha, rows, columns, dict((k, t) for k, t, _ in MODES)[mode])
        self.image.setImage(np.ascontiguousarray(alpha, dtype=np.float32), levels=(0.0, 1.0))
        self.plot.getAxis("bottom").set_labels([display_token(t) or "·" for t in columns])
        self.plot.getAxis("left").set_labels([display_token(t) or "·" for t in rows])
        row_name = dict((k, r) for k, _, r in MODES)[mode]
        self.plot.setLabel("bottom", "input token (encoder state h_i)", **label_css())
        self.plot.setLabel("left", row_name, **label_css())
        peaks = alpha.argmax(1)
        self.peaks.setData(peaks + 0.5, np.arange(len(peaks)) + 0.5)
        self.plot.setRange(xRange=(0, alpha.shape[1]), yRange=(0, alpha.shape[0]), padding=0.02)
        sharpness = float(alpha.max(1).mean())
        self.summary.setText(f"rows sum to 1 · mean peak weight {sharpness:.2f}")
        self.summary.setToolTip(
            f"{alpha.shape[0]} outputs × {alpha.shape[1]} inputs. Each row is a softmax over "
            "the input positions; the dot marks the input it weighs most. The mean peak "
            "weight is 1 when every output reads exactly one input."
        )
