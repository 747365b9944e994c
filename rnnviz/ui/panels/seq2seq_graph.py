"""The encoder-decoder unrolled: the encoder over the source (left), the decoder over the
target (right), of the displayed sample under teacher forcing.

Rows: inputs (source tokens; the decoder's fed tokens ``<bos>``, y_1 ..), hidden states
(encoder states h_i, decoder states s_j; coloured by ||state|| / sqrt(width)), and the
decoder's outputs (the argmax per step, green where it is the target, ending in ``<eos>``).
Without attention one thick arrow carries the encoder's last state to the decoder: the
bottleneck. With attention each decoder state has an arch to every encoder state it weighs at
``MIN_WEIGHT`` or more, as opaque as its weight alpha_{j,i}, the strongest one drawn thickest;
an arch's height grows with its span, so nested links stay apart.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSizePolicy

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.engine.seq2seq_decoding import translate
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.heatmap_labels import display_token, plot_font, style_plot

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
        self.source.setPlaceholderText("a source of your own, then Enter")
        self.source.setToolTip("Greedy decoding of what you type, with the current weights")
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

    @classmethod
    def applies(cls, context: RunContext) -> bool:
        return bool(context.spec.seq2seq)

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.record = None
        self.plot.clear()
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
        """Decode the typed source where the trainer lives; a bad one gets the task's
        sentence (empty, too long, an unknown token)."""
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
    def _draw(self, sample) -> None:
        self.plot.clear()
        self._lines = []
        T_in, T_out = len(sample.input_tokens), len(sample.target_tokens)
        dec_x = T_in + 1 + np.arange(T_out)  # one empty column between the halves
        self._widest = float(dec_x[-1])  # the longest link: x_1 to the last output
        enc_x = np.arange(T_in, dtype=float)
        enc_h = self._encoder_states(sample)  # [T_in, S]
        dec_h = sample.trace["dec.fwd"]["h"][:T_out]  # [T_out, S]
        alpha = sample.attention.get("teacher")
        last = T_in - 1
        if alpha is None:  # the bottleneck: the last encoder state is all the decoder gets
            self._link(enc_x[last], dec_x[0], 1.0, 6, "bottleneck", last, 0)
        else:
            self._link(enc_x[last], dec_x[0], 0.35, 2, "start", last, 0)
            for j in range(T_out):
                strongest = int(np.argmax(alpha[j]))
                for i in np.flatnonzero(alpha[j] >= MIN_WEIGHT):
                    width = 3 if i == strongest else 1
                    self._link(enc_x[i], dec_x[j], float(alpha[j, i]), width, "attention", i, j)
        for xs, colour in ((enc_x, ENCODER), (dec_x, DECODER)):
            self._chain(xs, colour)
        for x in dec_x:  # s_j -> its output
            self.plot.plot([x, x], [1.2, 2.05], pen=pg.mkPen("#78909c", width=1))
        fed = ["<bos>", *sample.target_tokens[:-1]]
        outputs = self._outputs(sample)
        self._nodes(enc_x, enc_h, ENCODER)
        self._nodes(dec_x, dec_h, DECODER)
        for x, token in zip(enc_x, sample.input_tokens, strict=True):
            self._text(x, 0, token, "#cfd8dc")
        for x, token, (out, right) in zip(dec_x, fed, outputs, strict=True):
            self._text(x, 0, token, "#cfd8dc")
            self._text(x, 2.25, out, GOOD if right else BAD)
        self._text((T_in - 1) / 2, 2.8, "encoder", ENCODER, label=True)
        self._text(dec_x.mean(), 2.8, "decoder", DECODER, label=True)
        self.plot.setRange(xRange=(-0.7, dec_x[-1] + 0.7), yRange=(-0.4, 3.1), padding=0)
        how = "bottleneck only" if alpha is None else "lines: attention weights"
        self.summary.setText(f"teacher forcing · {how} · green: right")
        self.summary.setToolTip(
            "The displayed sample under teacher forcing: the decoder reads <bos> and the "
            "target; its outputs are green where they equal the target. Nodes: ||state|| / "
            "sqrt(width). "
            + (
                "The thick arrow is the encoder's last state, all the decoder gets."
                if alpha is None
                else "Each arch is an attention weight (opacity), the strongest per output thick."
            )
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

    def _link(self, x0, x1, weight, width, kind, i, j) -> None:
        colour = pg.mkColor("#ffd54f")
        colour.setAlphaF(max(0.15, min(1.0, weight)))
        # arch the link above the hidden row so that it does not hide the chain; its height
        # grows with its span, so that nested links (reversal: i + j constant, every arch
        # centred on one point) stay apart instead of meeting at one top
        span = abs(x1 - x0) / max(self._widest, 1.0)  # (0, 1]
        self.plot.plot(
            np.linspace(x0, x1, 24),
            1 + (0.2 + 0.75 * span) * np.sin(np.linspace(0, np.pi, 24)),
            pen=pg.mkPen(colour, width=width),
        )
        self._lines.append((kind, int(i), int(j), float(weight)))

    def _chain(self, xs: np.ndarray, colour: str) -> None:
        pen = pg.mkPen(colour, width=2)
        self.plot.plot(xs, np.ones_like(xs), pen=pen)  # the recurrence h_(t-1) -> h_t
        for x in xs:
            self.plot.plot([x, x], [0.2, 0.8], pen=pg.mkPen("#78909c", width=1))

    def _nodes(self, xs: np.ndarray, states: np.ndarray, colour: str) -> None:
        size = np.linalg.norm(states, axis=1) / np.sqrt(max(states.shape[1], 1))  # [T]
        shades = pg.colormap.get("viridis").map(np.clip(size, 0, 1), mode="qcolor")
        scatter = pg.ScatterPlotItem(
            x=xs, y=np.ones_like(xs), size=22, brush=shades, pen=pg.mkPen(colour, width=2)
        )
        self.plot.addItem(scatter)

    def _text(self, x: float, y: float, text: str, colour: str, label: bool = False) -> None:
        """A token (a long one like <eos> in a smaller font, to keep to its column) or,
        with ``label``, a title."""
        shown = text if label else display_token(text, 6)
        item = pg.TextItem(shown, color=colour, anchor=(0.5, 0.5))
        item.setFont(plot_font(0 if label or len(shown) <= 2 else -4))
        item.setPos(float(x), float(y))
        self.plot.addItem(item)
