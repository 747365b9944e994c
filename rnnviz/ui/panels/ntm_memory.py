"""The Neural Turing Machine's memory and heads for the displayed sample (``models/ntm.py``).

Left: the write and the read weighting over time (t across, memory slot down, as in Graves
et al. 2014, Fig. 6): each column is a softmax over the N slots and sums to 1. Right: the
memory matrix M_t (slot down, its W numbers across) after step t's write. Below: the heads'
parameters at step t (key strength beta, interpolation gate g, shift weights, sharpening
gamma, key, and the write head's erase and add vectors). It follows the cursor: the selected
time step t (a red line; click a weighting to select another) and the training step.
Only NTM models have a memory: for any other kind the panel says so.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table, grid_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.header_row import HeaderRow
from rnnviz.ui.panels.heatmap_labels import finite_abs_max, label_css, plot_font, style_plot
from rnnviz.ui.panels.index_axis import IndexAxis
from rnnviz.ui.panels.ntm_text import head_html, head_rows, summary_line

DIVERGING = "CET-D1"  # as the memory-cell panel: blue negative, red positive
NOT_NTM = (
    "The memory panel belongs to the Neural Turing Machine: open ntm_copy or "
    "ntm_copy_long (Presets menu) to watch its heads write and read."
)


def weight_top(weightings: list[np.ndarray]) -> float:
    """The top of the weights' colour scale: the largest finite weight shown (at most 1, at
    least a small floor so that an all-zero map has a scale)."""
    values = np.concatenate([np.ravel(w) for w in weightings])
    values = values[np.isfinite(values)]
    return float(min(max(values.max() if values.size else 1.0, 1e-3), 1.0))


class NTMMemoryPanel(Panel):
    """An NTM's weightings over time and memory at t; see the module docstring."""

    title = "NTM memory"
    key = "ntm_memory"
    area = "model"
    needs_full = True  # the memory and the heads are on recorded steps only

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout, self.summary = panel_frame(self)
        style.follow_text_size(self.summary)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.head_box = QComboBox()
        style.follow_text_size(self.head_box)
        self.head_box.setToolTip("Which read / write head the weightings and parameters show")
        self.head_box.currentIndexChanged.connect(lambda _index: self._redraw())
        header = HeaderRow()  # the summary wraps at the dock's width (one line was cut)
        header.addWidget(self.summary, 1)
        header.addWidget(self.head_box)
        header.addWidget(self.step_tag)
        layout.addLayout(header)
        self.note = QLabel(NOT_NTM)
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.follow_text_size(self.note, 2)
        layout.addWidget(self.note, 1)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setMinimumHeight(150)
        layout.addWidget(self.view, 4)
        self.params = QLabel("")
        self.params.setTextFormat(Qt.TextFormat.RichText)
        # wrapped at the panel's width: one line per head was cut at the right ("shift
        # -1:0.35 +(") at every size (issue 16); the plots above give up the room
        self.params.setWordWrap(True)
        style.follow_text_size(self.params, -1)
        self.params.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.params)
        # side by side: the dock is wider than it is tall; short titles ("write weighting"
        # and "read weighting" as one-line labels pushed M_t and its bar past the view's
        # right edge, issue 16): the summary line and the module docstring say the rest
        self.write_plot, self.write_image = self._heatmap(0, 0, "write")
        self.read_plot, self.read_image = self._heatmap(0, 1, "read")
        self.weight_bar = self._bar(self.write_image, 0, 2, (0, 1), "inferno", "")
        self.memory_plot, self.memory_image = self._heatmap(0, 3, "memory M_t")
        self.memory_bar = self._bar(self.memory_image, 0, 4, (-1, 1), DIVERGING, "")
        self.read_image.setColorMap(pg.colormap.get("inferno"))  # the bar sets the write's
        self.read_image.setLevels((0.0, 1.0))
        for plot in (self.read_plot, self.memory_plot):  # their slots are the write map's rows
            plot.hideAxis("left")
        grid = self.view.ci.layout
        for column in (0, 1, 3):  # the three maps share the width, the bars keep theirs
            grid.setColumnStretchFactor(column, 1)
        self.lines = []
        for plot in (self.write_plot, self.read_plot):
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#ef5350", width=2))
            plot.addItem(line)
            self.lines.append(line)
        self.view.scene().sigMouseClicked.connect(self._clicked)
        cursor.t_changed.connect(lambda _t: self._redraw())
        self.record: StepRecord | None = None
        self._show_applies(False)

    # -- building ------------------------------------------------------------------------------
    def _heatmap(self, row: int, col: int, title: str):
        axes = {"bottom": IndexAxis("bottom"), "left": IndexAxis("left")}
        plot = self.view.addPlot(row=row, col=col, axisItems=axes, enableMenu=False)
        style_plot(plot)
        plot.setTitle(title, size=f"{plot_font().pointSize()}pt")
        plot.hideButtons()
        plot.setMouseEnabled(False, False)
        plot.vb.invertY(True)  # slot 1 on top
        image = pg.ImageItem(axisOrder="row-major")
        plot.addItem(image)
        return plot, image

    def _bar(self, image, row, col, levels, colours, label) -> pg.ColorBarItem:
        bar = pg.ColorBarItem(
            values=levels,
            colorMap=pg.colormap.get(colours),
            interactive=False,
            width=10,
            label=label,
        )
        bar.setImageItem(image)
        bar.axis.setStyle(tickFont=plot_font(-1))
        bar.axis.enableAutoSIPrefix(False)  # "(x0.001)" and ticks 0 … 50 read wrong
        bar.axis.label.setFont(plot_font(-1))
        self.view.addItem(bar, row=row, col=col)
        return bar

    # -- Panel hooks ---------------------------------------------------------------------------
    @classmethod
    def applies(cls, context: RunContext) -> bool:
        return bool(context.spec.kind == "ntm")

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.record = None
        self.summary.setText("")
        self.params.setText("")
        spec = context.spec
        applies = spec.kind == "ntm"
        self._show_applies(applies)
        self.head_box.blockSignals(True)
        self.head_box.clear()
        heads = max(spec.read_heads, spec.write_heads) if applies else 1
        for k in range(heads):
            self.head_box.addItem(f"head {k + 1}", k)
        self.head_box.blockSignals(False)
        self.head_box.setVisible(applies and heads > 1)

    def show_record(self, record: StepRecord, history: History) -> None:
        if record.sample is None or "ntm" not in record.sample.trace:
            return
        self.record = record
        self._redraw()

    def export_tables(self) -> dict[str, Table]:
        """``write_weights`` and ``read_weights`` (a row per t, a column per slot), ``memory``
        at the selected t (a row per slot), ``heads`` (per t, the scalar head parameters)."""
        ntm = self._ntm()
        if ntm is None:
            return {}
        head, t = self._head(), self._t(ntm)
        T, N = ntm["read_weights"].shape[0], ntm["read_weights"].shape[-1]
        times, slots = {"t": list(range(1, T + 1))}, [f"slot {i + 1}" for i in range(N)]
        tables = {}
        for side in ("write", "read"):
            weights = ntm[f"{side}_weights"][:, min(head, ntm[f"{side}_weights"].shape[1] - 1)]
            tables[f"{side}_weights"] = grid_table(times, slots, weights, f"{side} weighting")
        memory = ntm["memory"][t]
        names = [f"m{j + 1}" for j in range(memory.shape[1])]
        tables["memory"] = grid_table(
            {"slot": list(range(1, N + 1))}, names, memory, f"memory at t = {t + 1}"
        )
        tables["heads"] = columns_table(head_rows(ntm, head), "head parameters")
        return tables

    # -- drawing -------------------------------------------------------------------------------
    def _show_applies(self, applies: bool) -> None:
        self.note.setVisible(not applies)
        self.view.setVisible(applies)
        self.params.setVisible(applies)

    def _ntm(self) -> dict[str, np.ndarray] | None:
        if self.record is None or self.record.sample is None:
            return None
        return self.record.sample.trace.get("ntm")

    def _head(self) -> int:
        return int(self.head_box.currentData() or 0)

    def _t(self, ntm: dict[str, np.ndarray]) -> int:
        return min(self.cursor.t, ntm["read_weights"].shape[0] - 1)

    def _redraw(self) -> None:
        ntm = self._ntm()
        if ntm is None:
            return
        head, t = self._head(), self._t(ntm)
        T, N = ntm["read_weights"].shape[0], ntm["read_weights"].shape[-1]
        W = ntm["memory"].shape[-1]
        # the weights' colour scale runs from 0 to the largest weight shown (its bar says so):
        # on 0 ... 1 the early, spread-out weightings (~0.03 a slot) were all but black
        shown = [
            ntm[f"{side}_weights"][:, min(head, ntm[f"{side}_weights"].shape[1] - 1)]
            for side in ("write", "read")
        ]
        top = weight_top(shown)
        for rows, image in zip(shown, (self.write_image, self.read_image), strict=True):
            image.setImage(np.ascontiguousarray(rows.T, dtype=np.float32), levels=(0.0, top))
        self.weight_bar.setLevels(low=0.0, high=top)
        self.weight_bar.setToolTip(
            f"Weights coloured from 0 to the largest weight shown ({top:.2g}), not 0 … 1"
        )
        scale = finite_abs_max(ntm["memory"])
        self.memory_image.setImage(
            np.ascontiguousarray(ntm["memory"][t], dtype=np.float32), levels=(-scale, scale)
        )
        self.memory_bar.setLevels(low=-scale, high=scale)
        times, slots = [str(i + 1) for i in range(T)], [str(i + 1) for i in range(N)]
        for plot in (self.write_plot, self.read_plot):
            plot.getAxis("bottom").set_labels(times)
            plot.getAxis("left").set_labels(slots)
            plot.setRange(xRange=(0, T), yRange=(0, N), padding=0.0)
        # "t" under each: two "time step t" side by side ran into one another at text 1.5
        for plot in (self.write_plot, self.read_plot):
            plot.setLabel("bottom", "t", **label_css())
        self.write_plot.setLabel("left", "memory slot", **label_css())
        self.memory_plot.setLabel("bottom", "column", **label_css())
        self.memory_plot.getAxis("bottom").set_labels([str(j + 1) for j in range(W)])
        self.memory_plot.setRange(xRange=(0, W), yRange=(0, N), padding=0.0)
        size = f"{plot_font().pointSize()}pt"  # the text size now in use
        self.memory_plot.setTitle(f"M_t, t = {t + 1}", size=size)
        self.write_plot.setTitle("write", size=size)
        self.read_plot.setTitle("read", size=size)
        for line in self.lines:
            line.setPos(t + 0.5)
        self.summary.setText(summary_line(ntm, t, head))
        self.summary.setToolTip(
            "The slot each head weighs most at the selected step, and that weight (1: the head "
            "reads or writes that one slot only)."
        )
        self.params.setText(head_html(ntm, t, head))
        self.params.setToolTip(head_html(ntm, t, head))

    def _clicked(self, event) -> None:
        ntm = self._ntm()
        if event.button() != Qt.MouseButton.LeftButton or ntm is None:
            return
        pos = event.scenePos()
        for plot in (self.write_plot, self.read_plot):
            if plot.vb.sceneBoundingRect().contains(pos):
                t = int(math.floor(plot.vb.mapSceneToView(pos).x()))
                if 0 <= t < ntm["read_weights"].shape[0]:
                    self.cursor.set_t(t)
                return
