"""Memory cells: the LSTM's memory c_t and its output h_t (the SCRN's slow context s_t and its
hidden state h_t; other models: h_t) as time x unit
heatmaps on a diverging colour scale centred on 0, the selected unit's values over t, and for
text tasks the input text coloured by the selected unit's value, as in Karpathy's "The
Unreasonable Effectiveness of Recurrent Neural Networks" (2015): blue negative, red positive.
Click a token to select its time step.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QScrollArea

from rnnviz.ui import style
from rnnviz.ui.panels.base import RunContext
from rnnviz.ui.panels.heatmap import HeatmapPanel
from rnnviz.ui.panels.heatmap_labels import finite_abs_max, is_text_task
from rnnviz.ui.panels.heatmap_stack import HeatRow

BREAK = "\u200b"  # a zero-width space: a line may break there

CELL = HeatRow("c", "memory cell c_t", "#ffb74d")
HIDDEN = HeatRow("h", "hidden state h_t", "#4fc3f7")
CONTEXT = HeatRow("s", "slow context s_t", "#ce93d8")
DIVERGING = "CET-D1"
#: each heatmap's data area at least this many lines of the plot font tall (issue 16)
MIN_VIEW_LINES = 2.1


def token_colour(colour_map: pg.ColorMap, value: float, scale: float) -> tuple[str, str]:
    """(background, text) colours for ``value`` on the symmetric scale [-scale, scale]."""
    if not np.isfinite(value):
        return "#616161", "#ffffff"
    position = 0.5 + 0.5 * float(np.clip(value / scale, -1.0, 1.0))
    colour = colour_map.map(position, mode=pg.ColorMap.QCOLOR)
    light = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue() > 140
    return colour.name(), "#000000" if light else "#ffffff"


def token_colours(
    colour_map: pg.ColorMap, values: np.ndarray, scale: float
) -> list[tuple[str, str]]:
    """``token_colour`` of each value, with one colour-map lookup for all of them (a lookup
    per token took ~half of the panel's draw time on char_lstm's 50-character text)."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    if not values.size:
        return []
    with np.errstate(invalid="ignore", divide="ignore"):
        positions = 0.5 + 0.5 * np.clip(np.where(finite, values, 0.0) / scale, -1.0, 1.0)
    colours = colour_map.map(positions, mode=pg.ColorMap.QCOLOR)
    shown = []
    for ok, colour in zip(finite, colours, strict=True):
        if not ok:
            shown.append(("#616161", "#ffffff"))
            continue
        light = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue() > 140
        shown.append((colour.name(), "#000000" if light else "#ffffff"))
    return shown


class MemoryPanel(HeatmapPanel):
    title = "Memory cells"
    key = "memory"
    area = "model"

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        self.colour_map = pg.colormap.get(DIVERGING)
        self.stack.min_view_lines = MIN_VIEW_LINES
        self.text_caption = QLabel("")
        style.follow_text_size(self.text_caption)
        self.text_caption.setWordWrap(True)  # one line was wider than the dock at 1280x720
        self.colour_by = QComboBox()
        style.follow_text_size(self.colour_by)
        self.colour_by.setToolTip("Which of the selected unit's values colours the text.")
        # on the readout's line where the panel is wide (at text 1.5 the panel had no room
        # for a line of their own, issue 16); the box first, the caption beside it, then the
        # readout: at the row's end the box sat flush with the dock's right edge or past it
        self.readout_row.removeWidget(self.readout)
        self.readout_row.addWidget(self.colour_by)
        self.readout_row.addWidget(self.text_caption)
        self.readout_row.addWidget(self.readout, 1)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        style.follow_text_size(self.text, 1)
        self.text.linkActivated.connect(self._token_clicked)
        self.text_scroll = QScrollArea()
        self.text_scroll.setWidgetResizable(True)
        self.text_scroll.setWidget(self.text)
        self._fit_text_box()
        layout = self.layout()
        layout.addWidget(self.text_scroll)
        self.colour_by.currentIndexChanged.connect(lambda _i: self._selection_moved(0))
        self._show_text(False)
        #: the HTML of the coloured text now shown (for tests)
        self.text_html = ""

    def _show_text(self, on: bool) -> None:
        self.text_caption.setVisible(on)
        self.colour_by.setVisible(on)
        self.text_scroll.setVisible(on)

    def _fit_text_box(self) -> None:
        """The text box's height for the text size now in use (a text-size change resets
        the panels, after style.refresh_text_sizes resized the fonts)."""
        # two lines at least: the heatmaps above take the room first, the text scrolls
        two_lines = 2 * self.text.fontMetrics().lineSpacing() + 8
        self.text_scroll.setMinimumHeight(two_lines)
        self.text_scroll.setMaximumHeight(max(170, 3 * two_lines))

    def rows_for(self, context: RunContext) -> list[HeatRow] | None:
        if context.spec.kind == "scrn":
            return [CONTEXT, HIDDEN]
        return [CELL, HIDDEN] if context.spec.cell_kind == "lstm" else [HIDDEN]

    def trace(self) -> dict[str, np.ndarray] | None:
        """The chain's trace; an SCRN's s [T, S] and h [T, H] padded with NaN (drawn blank) to
        one width, as the rows share their unit axis."""
        trace = super().trace()
        if trace is None or "s" not in trace or trace["s"].shape == trace["h"].shape:
            return trace
        width = max(trace["s"].shape[1], trace["h"].shape[1])
        padded = dict(trace)
        for key in ("s", "h"):
            values = trace[key]
            padded[key] = np.pad(
                values.astype(np.float64),
                ((0, 0), (0, width - values.shape[1])),
                constant_values=np.nan,
            )
        return padded

    def reset(self, context: RunContext) -> None:
        self.colour_by.blockSignals(True)
        self.colour_by.clear()
        for row in self.rows_for(context):
            self.colour_by.addItem(f"colour by {row.key}", row.key)
        self.colour_by.blockSignals(False)
        self._show_text(is_text_task(context.task))
        self._fit_text_box()
        self.text_html = ""
        self.text.setText("")
        super().reset(context)

    def build_stack(self) -> None:
        self.stack.build(
            self.rows,
            self.colour_map,
            bar_label=None,
            trace_label="value",
            trace_y_range=None,
        )

    def draw(self, trace: dict[str, np.ndarray]) -> None:
        self.stack.set_images(trace)
        parts = []
        for row in self.rows:
            scale = finite_abs_max(trace[row.key])
            self.stack.set_levels(row.key, -scale, scale)
            parts.append(f"<span style='color:{row.colour}'><b>{row.key}</b></span> ±{scale:.3g}")
        kind = self.context.spec.kind
        what = {"lstm": "memory c_t and output h_t", "scrn": "slow context s_t and hidden h_t"}
        what = what.get(kind, "hidden state h_t")
        # the titles say what c and h are: one line less for the heatmaps (issue 16)
        # the titles say what c and h are, the tooltip the rest: the step tag fits beside it
        # and the heatmaps get the line (issue 16)
        self.summary.setText("&nbsp;&nbsp; ".join(parts))
        self.summary.setToolTip(f"{what}; each heatmap's colour scale is centred on 0 (white)")

    def selection_title(self, unit: int, t: int) -> str:
        trace = self.trace()
        values = "  ".join(
            f"<span style='color:{row.colour}'>{row.key} = {trace[row.key][t, unit]:.3g}</span>"
            for row in self.rows
        )
        return f"unit {unit}, {self.time_name(t)}:&nbsp; {values}"

    def selection_changed(self, trace: dict[str, np.ndarray], t: int, unit: int) -> None:
        if self.sample is None or not self.text_scroll.isVisibleTo(self):
            return
        key = self.colour_by.currentData() or self.rows[-1].key
        values = trace[key][:, unit]
        scale = finite_abs_max(values)
        self.text_caption.setText(
            f"<span style='color:#6fa8ff'>-{scale:.2g}</span> … 0 … "
            f"<span style='color:#ff6e6e'>+{scale:.2g}</span>"
        )
        self.text_caption.setToolTip(
            f"The input coloured by unit {unit}'s {key} (the unit of the readout above); "
            "click a token to select its step."
        )
        self.text_html = self.coloured_text(self.sample.input_tokens, values, scale, t)
        self.text.setText(self.text_html)

    def coloured_text(self, tokens: list[str], values: np.ndarray, scale: float, t: int) -> str:
        words = any(len(tok) > 1 for tok in tokens) or self.context.task.name == "slot_filling"
        spans, previous = [], ""
        colours = token_colours(self.colour_map, values[: len(tokens)], scale)
        for k, token in enumerate(tokens[: len(values)]):
            if token == "":
                continue
            back, fore = colours[k]
            shown = html.escape(token).replace(" ", "&nbsp;").replace("\n", "↵")
            gap = ""  # two letters of one word: no break between them
            if spans and (words or previous.isspace()):
                gap = " " if words else BREAK
            previous = token
            border = "text-decoration: underline; font-weight: bold;" if k == t else ""
            spans.append(
                f"{gap}<a href='t:{k}' style='background-color:{back}; color:{fore}; "
                f"text-decoration: none; {border}'>{shown}</a>"
            )
        # a breakable space between words; between characters a zero-width break only after
        # a space or newline: the text wraps at the panel's width between words (a break
        # between any two characters split "ver" / "y"; none at all scrolled sideways)
        return "".join(spans)

    def _token_clicked(self, link: str) -> None:
        if link.startswith("t:"):
            self.cursor.set_t(int(link[2:]))
