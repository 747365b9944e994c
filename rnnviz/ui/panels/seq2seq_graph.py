"""The encoder-decoder unrolled: the encoder over the source (left), the decoder over the
target (right), of the displayed sample under teacher forcing.

Rows: inputs (source tokens; the decoder's fed tokens ``<bos>``, y_1 ..), hidden states
(encoder states h_i, decoder states s_j; coloured by ||state|| / sqrt(width)), and the
decoder's outputs (the argmax per step, green where it is the target, ending in ``<eos>``).
Without attention one thick arrow carries the encoder's last state to the decoder: the
bottleneck. With attention each decoder state has an arch to every encoder state it weighs at
``MIN_WEIGHT`` or more, as opaque as its weight alpha_{j,i}, the strongest one drawn thickest;
an arch's height grows with its span, so nested links stay apart. How the labels and rows fit
the view's pixels: seq2seq_rows.py.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSizePolicy

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.engine.seq2seq_decoding import translate
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.heatmap_labels import plot_font, style_plot
from rnnviz.ui.panels.seq2seq_rows import COMPACT, Heights, fit_row, heights

ENCODER, DECODER = "#4fc3f7", "#aed581"
GOOD, BAD = "#43a047", "#e53935"
#: attention lines fainter than this weight are not drawn
MIN_WEIGHT = 0.05


class Seq2SeqGraphPanel(Panel):
    """See the module docstring."""

    title = "Encoder-decoder"
    key = "seq2seq_graph"
    area = "model"
    needs_full = True

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout, self.summary = panel_frame(self)
        style.follow_text_size(self.summary)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header = QHBoxLayout()  # the summary has a row of its own: beside the tag it is cut
        header.addStretch(1)
        header.addWidget(self.step_tag)
        layout.addLayout(header)
        layout.addWidget(self.summary)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        style.follow_text_size(self.note, 2)
        layout.addWidget(self.note, 1)
        self.plot = pg.PlotWidget(enableMenu=False)  # no view menu: never shown here, slow to make
        self.plot.setMinimumHeight(160)  # with the decode row, 180 overflowed 1280x720
        item = self.plot.getPlotItem()
        style_plot(item)
        item.hideButtons()
        item.hideAxis("left")
        item.hideAxis("bottom")
        self.plot.setMouseEnabled(False, False)
        layout.addWidget(self.plot, 3)
        self.source = QLineEdit()
        # a short placeholder: the longer one was cut to "a source of…" at every size
        self.source.setPlaceholderText("your source")
        self.source.setToolTip(
            "Type a source of your own and press Enter: greedy decoding of it with the "
            "current weights (an empty or too long source, or an unknown token, is refused "
            "with the reason)"
        )
        self._fit_source()
        self.source.returnPressed.connect(self.decode_source)
        self.decoded = QLabel("")
        style.follow_text_size(self.decoded)
        self.decoded.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        decode_row = QHBoxLayout()
        decode_row.addWidget(QLabel("decode:"))
        decode_row.addWidget(self.source, 1)
        decode_row.addWidget(self.decoded, 2)
        layout.addLayout(decode_row)
        self.record: StepRecord | None = None
        self._lines: list[tuple[str, int, int, float]] = []  # drawn links, for the CSV
        self._widest = 1.0  # the longest link's span in x, the tallest arch
        self._rows: Heights | None = None  # the rows' heights in pixels, as last drawn
        self.token_items: list[pg.TextItem] = []  # the input and output rows' labels
        self.plot.getPlotItem().getViewBox().sigResized.connect(self._redraw)

    @classmethod
    def applies(cls, context: RunContext) -> bool:
        return bool(context.spec.seq2seq)

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.record = None
        self.plot.clear()
        self.token_items = []
        applies = context.spec.seq2seq
        self.note.setText(
            ""
            if applies
            else "This view draws encoder-decoders; the Unrolled graph panel draws this model."
        )
        self.note.setVisible(not applies)
        self.plot.setVisible(applies)
        self.source.setEnabled(applies)
        self.decoded.setText("")

    def show_record(self, record: StepRecord, history: History) -> None:
        if record.sample is None or self.context is None or not self.context.spec.seq2seq:
            return
        self.record = record
        self._draw(record.sample)

    def export_tables(self) -> dict[str, Table]:
        """``links``: every drawn link (kind, encoder position i, decoder step j, weight)."""
        if not self._lines:
            return {}
        kinds, enc, dec, weight = zip(*self._lines, strict=True)
        columns = {"kind": kinds, "i": enc, "j": dec, "weight": weight}
        return {"links": columns_table(columns, "encoder-decoder links")}

    def decode_source(self) -> None:
        """Decode the typed source where the trainer lives; a bad one (empty, too long, an
        unknown token) gets the reason in red."""
        request = self.context.request if self.context is not None else None
        if request is None or not self.context.spec.seq2seq:
            return
        text = self.source.text()

        def decode(trainer) -> list[str]:
            return translate(trainer.model, trainer.task, text)

        def show(result) -> None:
            if isinstance(result, Exception):
                self.decoded.setText(str(result))
                self.decoded.setStyleSheet(f"color: {BAD};")
            else:
                self.decoded.setText("→ " + " ".join(result))
                self.decoded.setStyleSheet("")
            self.decoded.setToolTip(self.decoded.text())

        request(decode, show)

    # -- drawing -------------------------------------------------------------------------------
    def _redraw(self, *_) -> None:
        """Draw the shown record again: the rows' fit depends on the view's pixels and fonts."""
        if self.record is not None and self.context is not None and self.context.spec.seq2seq:
            self._draw(self.record.sample)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._redraw()  # a new text size: the labels' fit and the rows' heights change
            self._fit_source()

    def _fit_source(self) -> None:
        """Room for the decode field's whole placeholder at the current text size."""
        metrics = self.source.fontMetrics()
        self.source.setMinimumWidth(metrics.horizontalAdvance(self.source.placeholderText()) + 24)

    def _draw(self, sample) -> None:
        self.plot.clear()
        self._lines = []
        self.token_items = []
        T_in, T_out = len(sample.input_tokens), len(sample.target_tokens)
        dec_x = T_in + 1 + np.arange(T_out)  # one empty column between the halves
        enc_x = np.arange(T_in, dtype=float)
        x_range = (-0.7, dec_x[-1] + 0.7)
        view = self.plot.getPlotItem().getViewBox()
        view_w, view_h = max(view.width(), 1.0), max(view.height(), 1.0)
        column_px = view_w / (x_range[1] - x_range[0])
        node = float(np.clip(column_px - 4, 6, 22))  # nodes of neighbouring columns apart
        fed = ["<bos>", *sample.target_tokens[:-1]]
        outputs = self._outputs(sample)
        inputs_fit = fit_row([*sample.input_tokens, *fed], column_px)
        outputs_fit = fit_row([out for out, _ in outputs], column_px)
        rows = heights(view_h, view_w, inputs_fit, outputs_fit, node)
        self._rows = rows
        self._widest = float(dec_x[-1])  # the longest link: x_1 to the last output
        self._draw_links(sample, enc_x, dec_x, rows.nodes)
        for xs, colour in ((enc_x, ENCODER), (dec_x, DECODER)):
            self._chain(xs, colour, rows.nodes, rows.input_stem)
        for x in dec_x:  # s_j -> its output
            self.plot.plot([x, x], list(rows.output_stem), pen=pg.mkPen("#78909c", width=1))
        self._nodes(enc_x, self._encoder_states(sample), ENCODER, rows.nodes, node)
        self._nodes(dec_x, sample.trace["dec.fwd"]["h"][:T_out], DECODER, rows.nodes, node)
        tokens = [*sample.input_tokens, *fed]
        for x, token, text in zip([*enc_x, *dec_x], tokens, inputs_fit.texts, strict=True):
            self._token(x, rows.inputs, token, text, inputs_fit, "#cfd8dc", below=True)
        for x, (out, right), text in zip(dec_x, outputs, outputs_fit.texts, strict=True):
            self._token(x, rows.outputs, out, text, outputs_fit, GOOD if right else BAD)
        self._title((T_in - 1) / 2, rows.titles, "encoder", ENCODER)
        self._title(dec_x.mean(), rows.titles, "decoder", DECODER)
        self.plot.setRange(xRange=x_range, yRange=(0, view_h), padding=0)
        self._set_summary(sample, inputs_fit.compacted or outputs_fit.compacted)

    def _draw_links(self, sample, enc_x, dec_x, y_node: float) -> None:
        alpha = sample.attention.get("teacher")
        last = len(enc_x) - 1
        if alpha is None:  # the bottleneck: the last encoder state is all the decoder gets
            self._link(enc_x[last], dec_x[0], 1.0, 6, "bottleneck", last, 0, y_node)
            return
        self._link(enc_x[last], dec_x[0], 0.35, 2, "start", last, 0, y_node)
        for j in range(len(dec_x)):
            strongest = int(np.argmax(alpha[j]))
            for i in np.flatnonzero(alpha[j] >= MIN_WEIGHT):
                width = 3 if i == strongest else 1
                self._link(enc_x[i], dec_x[j], float(alpha[j, i]), width, "attention", i, j, y_node)

    def _set_summary(self, sample, compacted: bool) -> None:
        alpha = sample.attention.get("teacher")
        how = "bottleneck only" if alpha is None else "lines: attention weights"
        # (no break inside an entry: "▶" ended a line and "<bos>" began the next)
        marks = f" · {COMPACT['<bos>']}\u00a0<bos>, {COMPACT['<eos>']}\u00a0<eos>"
        marks = marks if compacted else ""
        self.summary.setText(f"teacher forcing · {how} · green: right{marks}")
        self.summary.setToolTip(
            "The displayed sample under teacher forcing: the decoder reads <bos> and the "
            "target; its outputs are green where they equal the target. Nodes: ||state|| / "
            "sqrt(width). "
            + (
                "The thick arrow is the encoder's last state, all the decoder gets."
                if alpha is None
                else "Each arch is an attention weight (opacity), the strongest per output thick."
            )
            + " A token too wide for its column is drawn short or turned; hover it for the "
            "whole token."
        )

    def _encoder_states(self, sample) -> np.ndarray:
        parts = [sample.trace[c]["h"] for c in ("enc.fwd", "enc.bwd") if c in sample.trace]
        return np.concatenate(parts, -1)  # [T_in, D*H]

    def _outputs(self, sample) -> list[tuple[str, bool]]:
        labels = self.context.task.output_labels
        best = np.argmax(sample.y_hat[: len(sample.target_tokens)], -1)
        return [
            (labels[int(k)], labels[int(k)] == target)
            for k, target in zip(best, sample.target_tokens, strict=True)
        ]

    def _link(self, x0, x1, weight, width, kind, i, j, y_node: float) -> None:
        colour = pg.mkColor("#ffd54f")
        colour.setAlphaF(max(0.15, min(1.0, weight)))
        # arch the link above the hidden row so that it does not hide the chain; its height
        # grows with its span, so that nested links (reversal: i + j constant, every arch
        # centred on one point) stay apart instead of meeting at one top
        span = abs(x1 - x0) / max(self._widest, 1.0)  # (0, 1]
        top = self._rows.arch * (0.2 + 0.75 * span) / 0.95
        self.plot.plot(
            np.linspace(x0, x1, 24),
            y_node + top * np.sin(np.linspace(0, np.pi, 24)),
            pen=pg.mkPen(colour, width=width),
        )
        self._lines.append((kind, int(i), int(j), float(weight)))

    def _chain(self, xs: np.ndarray, colour: str, y_node: float, stem: tuple) -> None:
        pen = pg.mkPen(colour, width=2)
        self.plot.plot(xs, np.full_like(xs, y_node), pen=pen)  # the recurrence h_(t-1) -> h_t
        for x in xs:
            self.plot.plot([x, x], list(stem), pen=pg.mkPen("#78909c", width=1))

    def _nodes(self, xs, states: np.ndarray, colour: str, y_node: float, node: float) -> None:
        size = np.linalg.norm(states, axis=1) / np.sqrt(max(states.shape[1], 1))  # [T]
        shades = pg.colormap.get("viridis").map(np.clip(size, 0, 1), mode="qcolor")
        pen = pg.mkPen(colour, width=2 if node >= 12 else 1)
        scatter = pg.ScatterPlotItem(
            x=xs, y=np.full(len(xs), y_node), size=node, brush=shades, pen=pen
        )
        self.plot.addItem(scatter)

    def _token(self, x, y, token: str, text: str, fit, colour: str, below=False) -> None:
        """A token's label as the row's fit draws it, the whole token in its tooltip; a
        turned one ends at its stem (the row ``below`` the nodes: at the row's top)."""
        anchor, angle = (0.5, 0.5), fit.angle
        if angle:  # the anchor is in the text's own (unturned) frame
            y += fit.height / 2 if below else -fit.height / 2
            anchor = (1.0, 0.5) if below else (0.0, 0.5)
            if text in COMPACT.values():  # a mark stays level: "▶" turned would read "▲"
                angle, anchor = 0, (0.5, 0.0) if below else (0.5, 1.0)
        item = self._text(x, y, text, colour, plot_font(fit.delta), angle, anchor)
        item.setToolTip(token)
        self.token_items.append(item)

    def _title(self, x: float, y: float, text: str, colour: str) -> None:
        self._text(x, y, text, colour, plot_font(0), 0)

    def _text(self, x, y, text: str, colour: str, font, angle: int, anchor=(0.5, 0.5)):
        item = pg.TextItem(text, color=colour, anchor=anchor, angle=angle)
        item.textItem.document().setDocumentMargin(0)  # its box is the text's: kept apart
        item.setFont(font)
        item.setPos(float(x), float(y))
        self.plot.addItem(item)
        return item
