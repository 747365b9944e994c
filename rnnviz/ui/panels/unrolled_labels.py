"""The words on and under the unrolled graph: the "…" of a shortened sequence, the input
tokens under their columns (elided to the column, with a line of the plot font kept for
them), the summary line and the legend fitted to the panel's height.

``UnrolledLabels`` is a mixin of ``UnrolledPanel`` (as ``BpttAnimation`` is): it uses the
panel's ``plot``, ``vb``, ``graph``, ``record``, ``cursor``, ``summary`` and ``legend``.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontMetrics

from rnnviz.ui import style
from rnnviz.ui.panels import unrolled_layout as geo
from rnnviz.ui.panels.unrolled_style import (
    fit_legend,
    fit_token,
    legend_html,
    row_font,
    row_level,
    token_bottom,
    token_gap,
    token_lines,
    token_text,
)

TOKEN_Y = -0.3  # the top of the input tokens' line, under the x row (y = 0)


class UnrolledLabels:
    """Texts of the unrolled graph (see the module docstring)."""

    _token_lines = 1  # lines of the plot font the input tokens need (token_lines)

    def _build_texts(self, graph: geo.UnrolledLayout) -> None:
        for text in self._texts + self._token_items:
            self.plot.removeItem(text)
        self._texts, self._token_items = [], []
        font = style.plot_font()
        if graph.gap_col is not None:
            for y, _ in graph.rows:
                text = pg.TextItem("\u2026", color="#d0d0d4", anchor=(0.5, 0.5))
                text.setFont(font)
                text.setPos(graph.gap_col, y)
                self.plot.addItem(text, ignoreBounds=True)
                self._texts.append(text)
        if self._show_tokens(graph):
            for col, t in enumerate(graph.times):
                if t is None:
                    continue
                text = pg.TextItem("", color="#ffe082", anchor=(0.5, 0.0))
                text.setFont(font)
                text.setPos(col, TOKEN_Y)
                self.plot.addItem(text, ignoreBounds=True)
                self._token_items.append(text)

    def _show_tokens(self, graph: geo.UnrolledLayout) -> bool:
        task = self.context.task if self.context is not None else None
        wordy = task is not None and getattr(task, "input_vocab", None) is not None
        return wordy or graph.n_cols <= 16

    def _fit(self) -> None:
        graph = self.graph
        top, bottom = self._y_range()
        self.vb.setLimits(xMin=-1.5, xMax=graph.n_cols + 0.5, yMin=bottom - 0.5, yMax=top + 1)
        self.vb.setRange(xRange=self._x_window(), yRange=(bottom, top), padding=0)
        self._fit_rows()

    def _y_range(self) -> tuple[float, float]:
        """Top and bottom of the rows, with the tokens' lines of the plot font under them
        (``_token_lines``; one where they would take more than a third of the view): a fixed
        0.65 rows was ~19 px in the short plot of 1280x720 at text size 1.5, and cut the
        tokens in half (issue 16)."""
        top = max(y for y, _ in self.graph.rows) + 0.45
        if not self._token_items:
            return top, -0.45
        view_px = float(self.vb.height())
        line = QFontMetrics(style.plot_font()).lineSpacing()
        lines = self._token_lines if self._token_lines * line <= view_px / 3 else 1
        margin = self._token_items[0].textItem.document().documentMargin()  # over the text
        return top, token_bottom(top, TOKEN_Y, view_px, lines * line + margin)

    def _refit_y(self, *_) -> None:
        """A new plot height: the tokens' line again (the x range, maybe panned, stays)."""
        if self.graph is not None and self._token_items:
            top, bottom = self._y_range()
            self.vb.setLimits(yMin=bottom - 0.5)
            self.vb.setYRange(bottom, top, padding=0)
        if self.graph is not None:
            self._fit_rows()

    def _update_tokens(self) -> None:
        """The input tokens under their columns, each elided to its column's width and the
        line's height: whole words ran into each other at text size 1.5
        ("arriveTaipeiNovember2nd", issue 16). Where a smaller font (down to that of text
        size 1.0) keeps every token of the row whole, the row takes it."""
        if not self._token_items or self.record is None:
            return
        tokens = self.record.sample.input_tokens or []
        shown = [t for t in self.graph.times if t is not None]
        cols = [col for col, t in enumerate(self.graph.times) if t is not None]
        texts = [token_text(tokens[t]) if t < len(tokens) else "" for t in shown]
        column_px, row_px = self._token_room()
        font, level = style.plot_font(), 0
        if column_px is not None:
            lines = token_lines(texts, font, style.normal_plot_pt(), column_px)
            if lines != self._token_lines:  # room for them under the rows, then fit them
                self._token_lines = lines
                self._refit_y()
                column_px, row_px = self._token_room()
            font = row_font(texts, font, style.normal_plot_pt(), column_px, row_px) or font
            level = row_level(texts, font, column_px, row_px) or 0  # one form for the row
        for item, full, col in zip(self._token_items, texts, cols, strict=False):
            if item.textItem.font() != font:
                item.setFont(font)
            # a word cut by the edge of a window of the steps is not drawn in part
            whole = self._token_whole_in_view(col)
            item.setText(fit_token(full, font, column_px, row_px, level) if whole else "")
            item.setToolTip(full)

    def _token_room(self) -> tuple[float | None, float | None]:
        """Pixels a token's text has: its column's width less a space, and the height from
        its line's top to the view's bottom less the label's top margin (the label's margins
        are blank: only its text must not touch a neighbour's or be cut); None before the
        view is laid out."""
        px_x, px_y = self._px_per_unit()
        if px_x <= 0:
            return None, None
        gap = token_gap(style.plot_font())
        margin = self._token_items[0].textItem.document().documentMargin()
        bottom = self.vb.viewRange()[1][0]
        return px_x - gap, (TOKEN_Y - bottom) * px_y - margin

    def _update_summary(self) -> None:
        record = self.record
        if record is None or self.graph is None:
            return
        # "nodes:" is the combo box's label beside it; the summary names only the unit
        # (it read "t = 1 nodes: unit 0 nodes: [selected unit]", issue 16)
        what = f" \u00b7 unit {self.cursor.unit}" if self._mode() == "unit" else ""
        # (the step is named by the step tag beside it)
        text = f"t = {self.cursor.t + 1}{what}"
        if self.context is not None and self.context.spec.kind == "ntm":
            # the memory path h -> heads -> r -> next h is not drawn here
            text += " \u00b7 the NTM's controller only; its memory and heads: NTM memory panel"
        self.summary.setText(text)
        self._set_legend(self._g_max)

    def _set_legend(self, g_max: float | None) -> None:
        kinds = {node.kind for node in self.graph.nodes}
        padded = bool(self._padded.any())
        self._legend_texts = (
            legend_html(g_max, kinds, self._decades, padded),
            legend_html(g_max, kinds, self._decades, padded, compact=True),
        )
        self._fit_legend()

    def _fit_legend(self) -> None:
        fit_legend(self.legend, *self._legend_texts, self.height())
        # in a short dock the graph's rows come first (the legend is in the "?" help); after
        # this resize is laid out, not inside it
        QTimer.singleShot(0, self._place_legend)
