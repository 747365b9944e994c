"""How the Encoder-decoder panel's rows fit the view it has (issue 16).

Token labels: each drawn in its column, never wider than it. A row is drawn level at the
largest font whose labels fit, a special token too wide for its column in a compact form
(``<eos>`` as "■", ``<bos>`` as "▶"); a row of words that fit no level font (a parse's
"(NP", "Adj") is drawn turned a quarter, one line per column, its specials compact, each
label's end at its stem. The full token is each label's tooltip.

Heights: the view's y axis is in pixels, so the labels, the short stems between them and
the nodes keep their pixel sizes at any window size, and the attention arches take the
height that is left (up to about half the view's width, where they are round; the block is
centred in a taller view rather than stretching its stems).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFontMetricsF

from rnnviz.ui.panels.heatmap_labels import display_token, plot_font

#: special tokens' compact forms, for a column too narrow for the whole token
COMPACT = {"<eos>": "\u25a0", "<bos>": "\u25b6", "<pad>": "\u00b7", "<unk>": "?"}
#: font sizes (points from the plot font) tried for a row, largest first
LEVEL_DELTAS = (0, -2, -4)
#: the smallest font (points) of a turned row: a parse's 40 columns at 1280x720 need it
MIN_TURNED_PT = 7
#: pixels kept free between two neighbouring labels
LABEL_GAP = 3.0
PAD = 4.0  # pixels above and below the drawing


@dataclass
class RowFit:
    """A row of token labels: the texts drawn, their font delta, 0 or 90 degrees, and the
    row's height in pixels."""

    texts: list[str]
    delta: int
    angle: int
    height: float

    @property
    def compacted(self) -> bool:
        return any(text in COMPACT.values() for text in self.texts)


def text_width(text: str, delta: int) -> float:
    return QFontMetricsF(plot_font(delta)).horizontalAdvance(text)


def line_height(delta: int) -> float:
    return QFontMetricsF(plot_font(delta)).height()


def fit_row(tokens: list[str], column_px: float) -> RowFit:
    """The labels of ``tokens`` in columns ``column_px`` pixels wide (see the docstring)."""
    room = column_px - LABEL_GAP
    for delta in LEVEL_DELTAS:
        texts = [display_token(token, 10) for token in tokens]
        texts = [
            COMPACT.get(token, text) if text_width(text, delta) > room else text
            for token, text in zip(tokens, texts, strict=True)
        ]
        if all(text_width(text, delta) <= room for text in texts):
            return RowFit(texts, delta, 0, line_height(delta))
    turned = range(0, min(0, MIN_TURNED_PT - plot_font(0).pointSize()) - 1, -1)
    delta = next((d for d in turned if line_height(d) <= room), turned[-1])
    # turned, a row is as tall as its longest label: specials short, the arches keep room
    texts = [COMPACT.get(token, display_token(token, 10)) for token in tokens]
    return RowFit(texts, delta, 90, max(text_width(text, delta) for text in texts))


@dataclass
class Heights:
    """The rows' y in pixels from the view's bottom: input labels, nodes, outputs, titles;
    ``arch``: the tallest arch above the nodes; the stems' ends."""

    inputs: float
    nodes: float
    outputs: float
    titles: float
    arch: float
    input_stem: tuple[float, float]
    output_stem: tuple[float, float]


def heights(view_h: float, view_w: float, inputs: RowFit, outputs: RowFit, node: float):
    """Place the rows in a view ``view_h`` x ``view_w`` pixels, nodes ``node`` wide."""
    line, title = line_height(-2), line_height(0)
    stem = max(6.0, 0.6 * line)
    fixed = PAD + inputs.height + stem + node + stem + outputs.height + 2 + title + PAD
    arch = max(12.0, min(view_h - fixed, 0.45 * view_w))
    bottom = PAD + max(0.0, (view_h - fixed - arch) / 2)  # centred in a taller view
    y_in = bottom + inputs.height / 2
    y_node = bottom + inputs.height + stem + node / 2
    out_low = y_node + node / 2 + arch + stem
    y_out = out_low + outputs.height / 2
    y_title = out_low + outputs.height + 2 + title / 2
    return Heights(
        inputs=y_in,
        nodes=y_node,
        outputs=y_out,
        titles=y_title,
        arch=arch,
        input_stem=(bottom + inputs.height + 2, y_node - node / 2 - 2),
        output_stem=(y_node + node / 2 + 2, out_low - 2),
    )
