"""The parse tree (parsing as translation): the displayed sentence's greedy decoding drawn as a
tree when it is a well-formed bracket sequence, marked (where and why) when it is not, beside
the target tree. It follows the training-step cursor, and the selected output step t: the
node that step wrote is ringed.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel

from rnnviz.engine.history import History
from rnnviz.engine.parse_tree import Node, layout, parse_brackets, problem
from rnnviz.engine.record import StepRecord
from rnnviz.ui import style
from rnnviz.ui.export import Table, columns_table
from rnnviz.ui.panels.base import Panel, RunContext, panel_frame
from rnnviz.ui.panels.heatmap_labels import CURSOR_COLOUR, plot_font, style_plot

EOS = "<eos>"
RIGHT, DIFFERENT, WRONG, TARGET = "#81c784", "#ffb74d", "#ef5350", "#90a4ae"


def token_nodes(tokens: list[str]) -> list[int]:
    """For a well-formed sequence: the index (in ``layout`` order) of the node each token
    opens, is, or closes."""
    out, stack, count = [], [], 0
    for token in tokens:
        if token.startswith(")"):
            out.append(stack.pop())
            continue
        out.append(count)
        if token.startswith("("):
            stack.append(count)
        count += 1
    return out


class _Plots(pg.GraphicsLayoutWidget):
    MIN_HEIGHT = 200

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(self.MIN_HEIGHT)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().sizeHint().width(), self.MIN_HEIGHT)


class ParseTreePanel(Panel):
    title = "Parse tree"
    key = "parse_tree"
    area = "model"
    needs_full = True  # the decoding is on recorded steps only

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        layout_, self.summary = panel_frame(self)
        style.follow_text_size(self.summary, -1)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(self.step_tag, 0, Qt.AlignmentFlag.AlignTop)
        layout_.addLayout(header)
        self.note = QLabel(
            "The parse tree applies to the task parse_tiny (a tree written as a bracket "
            "sequence).\n\nOpen the preset parse_seq2seq to see it."
        )
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.follow_text_size(self.note, 2)
        layout_.addWidget(self.note, 1)
        self.graphics = _Plots()
        layout_.addWidget(self.graphics, 4)
        self.tokens_label = QLabel("")
        self.tokens_label.setTextFormat(Qt.TextFormat.RichText)
        self.tokens_label.setWordWrap(True)
        style.follow_text_size(self.tokens_label, -1)
        layout_.addWidget(self.tokens_label)
        self.decoded_plot = self._tree_plot(0, "greedy decoding")
        self.target_plot = self._tree_plot(1, "target")
        self.decoded: list[str] = []  # the decoded tokens, without <eos>
        self.target: list[str] = []
        self.bad: tuple[int, str] | None = None
        self.nodes: list[Node] = []  # the decoded tree's, when it is one
        self.ring = pg.ScatterPlotItem(
            size=34, symbol="o", pen=pg.mkPen(CURSOR_COLOUR, width=2), brush=None
        )
        cursor.t_changed.connect(self._t_moved)
        self._show_applies(False)

    def _tree_plot(self, col: int, title: str) -> pg.PlotItem:
        plot = self.graphics.addPlot(row=0, col=col, enableMenu=False)  # no view menu (slow)
        style_plot(plot)
        plot.setTitle(title, size=f"{plot_font(-1).pointSize()}pt")
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        return plot

    # -- Panel hooks ---------------------------------------------------------------------------
    @classmethod
    def applies(cls, context: RunContext) -> bool:
        return bool(getattr(context.task, "name", "") == "parse_tiny")

    def reset(self, context: RunContext) -> None:
        super().reset(context)
        self.decoded, self.target, self.nodes, self.bad = [], [], [], None
        self.summary.setText("")
        self.tokens_label.setText("")
        self._show_applies(getattr(context.task, "name", "") == "parse_tiny")

    def show_record(self, record: StepRecord, history: History) -> None:
        if record.sample is None or getattr(self.context.task, "name", "") != "parse_tiny":
            return
        sample = record.sample
        decoded = list(sample.predicted_tokens)
        ended = decoded[-1:] == [EOS]
        self.decoded = decoded[:-1] if ended else decoded
        self.target = [t for t in sample.target_tokens if t and t != EOS]
        self.words = list(sample.input_tokens)
        self.bad = problem(self.decoded)
        if self.bad is None and not ended:
            self.bad = (len(self.decoded), "the decoding never wrote <eos>")
        self._draw()

    def export_tables(self) -> dict[str, Table]:
        """``sequences``: the decoded and the target tokens, step by step."""
        if not self.target:
            return {}
        return {
            "sequences": columns_table(
                {
                    "j": list(range(1, max(len(self.decoded), len(self.target)) + 1)),
                    "decoded": self.decoded,
                    "target": self.target,
                },
                "greedy decoding and target",
            )
        }

    # -- drawing -------------------------------------------------------------------------------
    def _show_applies(self, applies: bool) -> None:
        self.note.setVisible(not applies)
        self.graphics.setVisible(applies)
        self.tokens_label.setVisible(applies)

    def _draw(self) -> None:
        exact = self.decoded == self.target
        self.nodes = []
        self.decoded_plot.clear()
        if self.bad is None:
            self.nodes = layout(parse_brackets(self.decoded))
            colour = RIGHT if exact else DIFFERENT
            self._draw_tree(self.decoded_plot, self.nodes, colour)
            self.decoded_plot.addItem(self.ring)
        else:
            message = pg.TextItem("not a tree", color=WRONG, anchor=(0.5, 0.5))
            message.setFont(plot_font(4))
            self.decoded_plot.addItem(message)
            self.decoded_plot.setRange(xRange=(-1, 1), yRange=(-1, 1))
        self.target_plot.clear()
        self._draw_tree(self.target_plot, layout(parse_brackets(self.target)), TARGET)
        verdict = (
            f"<span style='color:{RIGHT}'>the right tree</span>"
            if exact
            else f"<span style='color:{DIFFERENT}'>a tree, not the target</span>"
            if self.bad is None
            else f"<span style='color:{WRONG}'>not well formed: {html.escape(self.bad[1])}</span>"
        )
        self.summary.setText(f"“{' '.join(self.words)}” → {verdict}")
        self._draw_cursor()

    def _draw_tree(self, plot: pg.PlotItem, nodes: list[Node], colour: str) -> None:
        edges = []
        for node in nodes:
            if node.parent >= 0:
                parent = nodes[node.parent]
                edges += [(parent.x, -parent.depth), (node.x, -node.depth)]
        if edges:
            xy = np.array(edges, dtype=float)
            plot.addItem(pg.PlotDataItem(xy[:, 0], xy[:, 1], connect="pairs", pen=pg.mkPen(colour)))
        leaves = [n for n in nodes if n.leaf]
        show_words = len(leaves) == len(self.words)
        bottom = max(n.depth for n in nodes) + 1
        for node in nodes:
            item = pg.TextItem(node.label, color=colour, anchor=(0.5, 0.5), fill=(30, 30, 30, 220))
            item.setFont(plot_font(-1))
            item.setPos(node.x, -node.depth)
            plot.addItem(item)
        if show_words:  # on two staggered rows: neighbouring words would overlap
            for i, (leaf, word) in enumerate(zip(leaves, self.words, strict=True)):
                item = pg.TextItem(word, color="#eceff1", anchor=(0.5, 0.5))
                item.setFont(plot_font(-2))
                item.setPos(leaf.x, -bottom - 0.6 * (i % 2))
                plot.addItem(item)
        width = max(n.x for n in nodes)
        plot.setRange(xRange=(-0.7, width + 0.7), yRange=(-bottom - 1.0, 0.5), padding=0)

    def _draw_cursor(self) -> None:
        t = self.cursor.t
        cells = []
        for j, token in enumerate(self.decoded):
            style = "text-decoration:underline;" if j == t else ""
            if self.bad is not None and j == self.bad[0]:
                style += f"color:{WRONG};font-weight:bold;"
            cells.append(f"<span style='{style}'>{html.escape(token)}</span>")
        if self.bad is not None and self.bad[0] >= len(self.decoded):
            cells.append(f"<span style='color:{WRONG}'>▯</span>")
        self.tokens_label.setText("decoded: " + " ".join(cells))
        if self.nodes and t < len(self.decoded):
            node = self.nodes[token_nodes(self.decoded)[t]]
            self.ring.setData([node.x], [-node.depth])
        else:
            self.ring.setData([], [])

    def _t_moved(self, _t: int) -> None:
        if self.target:
            self._draw_cursor()
