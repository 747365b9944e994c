"""How the unrolled graph fits its plot (issue 16: slot_filling_bilstm's four rows of nodes
touched and its words read "a", "T", "N" in a docked panel at 1280x720).

- Columns: each needs room for its word whole or for four letters and "…"
  (``column_px``); where the sentence does not fit at that width, the plot shows a window of
  the columns that do, around the cursor's step (it follows the cursor; drag to scroll),
  rather than shrinking every column. Labels of columns cut by the window's edge are hidden.
- Rows: where the row labels would come closer than a line of the axis font, the h and c
  rows of a chain share one label ("h, c →", ``row_ticks``); where even those do not fit
  beside the legend, the legend makes room (its full text stays in the "?" help).
- Nodes: never larger than the distance to their nearest neighbour (``node_size_cap``).

``UnrolledFit`` is a mixin of ``UnrolledPanel`` (as ``UnrolledLabels`` is).
"""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtGui import QFontMetrics, QFontMetricsF

from rnnviz.ui import style
from rnnviz.ui.panels import unrolled_layout as geo
from rnnviz.ui.panels.unrolled_colours import width_cap
from rnnviz.ui.panels.unrolled_style import compact_forms, token_gap, token_text

MIN_CHARS = 4  # letters an elided word keeps, before its "…"
PEN_PX = 3  # the widest node outline (the selected column's)
#: an h or c row label: its layer, its letter, its direction
_ROW = re.compile(r"^(L\d+ )?([hc])( [\u2190\u2192])?$")


def least_token_px(token: str, metrics: QFontMetricsF) -> float:
    """The narrowest acceptable drawing of ``token``: a compact form whole, or its first
    ``MIN_CHARS`` letters and "…"."""
    widths = [
        max(metrics.horizontalAdvance(line) for line in form.split("\n"))
        for form in compact_forms(token)
    ]
    if len(token) > MIN_CHARS + 1:
        widths.append(metrics.horizontalAdvance(token[:MIN_CHARS] + "\u2026"))
    return min(widths)


def column_px(tokens, font, gap: float) -> float:
    """Pixels a column needs so that every token in it is whole or elided to at least
    ``MIN_CHARS`` letters; ``gap``: the blank between two labels' texts (``token_gap``)."""
    metrics = QFontMetricsF(font)
    widths = [least_token_px(token_text(t), metrics) for t in tokens if t]
    return max(widths, default=0.0) + gap + 1.0  # 1: rounding in the elision


def row_ticks(rows: list[tuple[float, str]], px_per_unit: float, line_px: float) -> list:
    """The left axis's labels: the rows as they are where each is a line apart, else the h
    and c rows of each chain as one label at their middle."""
    ys = sorted(y for y, _ in rows)
    if len(ys) < 2 or min(np.diff(ys)) * px_per_unit >= line_px:
        return list(rows)
    return merged_rows(rows)


def merged_rows(rows: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """``rows`` with each chain's h and c rows as one label ("h, c →") at their middle."""
    chains: dict[tuple[str, str], list[float]] = {}
    others = []
    for y, label in rows:
        match = _ROW.match(label)
        if match is None:
            others.append((y, label))
        else:
            chains.setdefault((match[1] or "", match[3] or ""), []).append(y)
    merged = [
        (float(np.mean(ys)), f"{name}{'h, c' if len(ys) > 1 else 'h'}{arrow}")
        for (name, arrow), ys in chains.items()
    ]
    return sorted(others + merged)


def rows_need_px(rows, top: float, bottom: float, line_px: float) -> float:
    """The view height at which the labels of ``rows`` (merged where need be) are a line
    apart, over the range ``bottom``..``top``."""
    ys = sorted(y for y, _ in merged_rows(rows))
    gap = min(np.diff(ys)) if len(ys) > 1 else 1.0
    return line_px / gap * (top - bottom)


def node_gaps(graph: geo.UnrolledLayout) -> np.ndarray:
    """|dx|, |dy| between every two nodes of two neighbouring columns (every column is laid
    out alike), in view units."""
    cols = sorted({n.col for n in graph.nodes})[:2]
    pos = np.array([(n.x, n.y) for n in graph.nodes if n.col in cols]).reshape(-1, 2)
    first, second = np.triu_indices(len(pos), 1)
    return np.abs(pos[first] - pos[second])


def node_size_cap(gaps: np.ndarray, px_x: float, px_y: float) -> float:
    """The largest node (pixels, outline included) that touches no neighbour: nodes are
    drawn in squares, which overlap when both their x and y distances are below the size."""
    if not len(gaps):
        return np.inf
    apart = np.maximum(gaps[:, 0] * px_x, gaps[:, 1] * px_y)
    return float(apart.min()) - PEN_PX


def set_row_ticks(plot, graph: geo.UnrolledLayout, rows: list[tuple[float, str]]) -> None:
    """The row names on the left: ``rows``, the graph's own or merged."""
    left = plot.getAxis("left")
    left.setTicks([[(y, label) for y, label in rows]])
    # a fixed width that fits the longest row label, merged or not, so that merging them
    # never moves the view (auto-expansion lags one paint behind)
    metrics = QFontMetrics(style.plot_font())
    labels = [label for _, label in graph.rows + merged_rows(graph.rows)]
    left.setWidth(max(metrics.horizontalAdvance(label) for label in labels) + 14)


class UnrolledFit:
    """Columns, rows and node sizes fitted to the plot (see the module docstring)."""

    _column_need = 0.0  # pixels a column needs for its word (0: no words drawn)
    _gaps = np.zeros((0, 2))
    _time_label = "time step t"

    def _px_per_unit(self) -> tuple[float, float]:
        """Pixels per view unit along x and y, from the range just set (``viewPixelSize``
        reads the view's transform, which is updated only when it is next painted)."""
        (x0, x1), (y0, y1) = self.vb.viewRange()
        return self.vb.width() / max(x1 - x0, 1e-9), self.vb.height() / max(y1 - y0, 1e-9)

    def _line_px(self) -> float:
        return QFontMetricsF(style.plot_font()).height() + 2.0  # ReadableAxis's spacing

    # -- columns -------------------------------------------------------------------------------
    def _columns_that_fit(self) -> int:
        """How many columns the view shows (all of them where the words fit)."""
        n = self.graph.n_cols
        width = float(self.vb.width())
        if self._column_need <= 0 or width <= 0:
            return n
        return int(min(n, max(1, np.floor(width / self._column_need))))

    def _measure_columns(self) -> None:
        """The column width the record's words need, then the window that shows them."""
        tokens = self.record.sample.input_tokens if self.record is not None else None
        if self._token_items and tokens:
            font = style.plot_font()
            self._column_need = column_px(tokens, font, token_gap(font))
        else:
            self._column_need = 0.0
        self._refit_x()

    def _x_window(self) -> tuple[float, float]:
        """The x range to show: every column, or a window of those that fit around the
        cursor's column (kept where it is while the cursor is inside it)."""
        n, fit = self.graph.n_cols, self._columns_that_fit()
        if fit >= n:
            return -0.6, n - 0.4
        lo = int(round(self.vb.viewRange()[0][0] + 0.5))
        col = self.graph.col_of(self.cursor.t)
        if col is not None and not lo <= col < lo + fit:
            lo = col - fit // 2
        lo = min(max(lo, 0), n - fit)
        return lo - 0.5, lo + fit - 0.5

    def _refit_x(self, *_) -> None:
        if self.graph is None:
            return
        lo, hi = self._x_window()
        whole = hi - lo >= self.graph.n_cols
        # no zooming out beyond the words' width (scrolling, i.e. dragging, stays)
        self.vb.setLimits(maxXRange=None if whole else hi - lo)
        if not np.allclose(self.vb.viewRange()[0], (lo, hi), atol=1e-3):
            self.vb.setXRange(lo, hi, padding=0)

    def _label_time_axis(self) -> None:
        """ "time step t", and which steps a window shows ("time step t (1–5 of 9)")."""
        graph, text = self.graph, "time step t"
        lo, hi = self.vb.viewRange()[0]
        shown = [t for col, t in enumerate(graph.times) if t is not None and lo < col < hi]
        if shown and self._columns_that_fit() < graph.n_cols:
            text += f" ({shown[0] + 1}\u2013{shown[-1] + 1} of {graph.T})"
        if text != self._time_label:
            self._time_label = text
            self.plot.getPlotItem().setLabel("bottom", text)

    def _token_whole_in_view(self, col: int) -> bool:
        lo, hi = self.vb.viewRange()[0]
        return lo - 1e-6 <= col - 0.5 and col + 0.5 <= hi + 1e-6

    # -- rows ----------------------------------------------------------------------------------
    def _fit_rows(self) -> None:
        """The left axis's labels for the rows' spacing now."""
        uy = self._px_per_unit()[1]
        if uy > 0:
            set_row_ticks(self.plot, self.graph, row_ticks(self.graph.rows, uy, self._line_px()))

    def _place_legend(self) -> None:
        shown = self._legend_has_room()
        if shown != self.legend.isVisibleTo(self):
            self.legend.setVisible(shown)

    def _legend_has_room(self) -> bool:
        """Whether the legend leaves the plot the height its row labels need."""
        if self.graph is None:
            return True
        layout = self.layout()
        top, bottom = max(y for y, _ in self.graph.rows) + 0.45, self._y_range()[1]
        line = self._line_px()
        need = rows_need_px(self.graph.rows, top, bottom, line)
        axes = self.plot.height() - self.vb.height()  # the time axis under the view
        header = layout.itemAt(0).geometry().height()
        legend = self.legend.heightForWidth(max(self.legend.width(), 100))
        margins = layout.contentsMargins()
        room = self.height() - margins.top() - margins.bottom() - header - legend
        return bool(room - 2 * layout.spacing() - axes >= need)

    # -- nodes ---------------------------------------------------------------------------------
    def _update_sizes(self, *_) -> None:
        if self.graph is None:
            return
        ux, uy = self._px_per_unit()
        if not (ux > 0 and uy > 0):
            return
        per_unit = min(ux, uy)
        cap = width_cap(ux)
        if abs(cap - self._width_cap) > 0.05:
            self._width_cap = cap
            if not self.timer.isActive():
                self._apply_static()
        size = float(np.clip(0.55 * self.graph.node_scale * per_unit, 5, 44))
        size = max(2.0, min(size, node_size_cap(self._gaps, ux, uy)))
        self.nodes_item.setSize(size)
        self.arrows_item.setSize(max(5.0, 0.5 * size))
        self._update_tokens()
        self._label_time_axis()
