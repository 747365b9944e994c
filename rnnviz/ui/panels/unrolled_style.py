"""How the unrolled graph looks: node and edge pens, symbols, the colours of the BPTT
animation, the arrowheads on recurrent edges, and the legend that explains the colours."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextDocument

from rnnviz.ui.panels import unrolled_colours as colours
from rnnviz.ui.panels import unrolled_layout as geo

NODE_PEN = pg.mkPen("#8a8d99", width=1)
SELECTED_PEN = pg.mkPen("#ffffff", width=3)
LOSS_PEN = pg.mkPen("#ffd54f", width=2)  # outputs where the loss counts
SYMBOLS = {"x": "s", "h": "o", "c": "d", "y": "h", "m": "o", "s": "p"}  # m: Clockwork module
DIM_ALPHA = 40
COLOUR_STEP = 8  # node and arrow colours are rounded to this step per channel
FORWARD_EDGE = (170, 200, 230, 220)
DIM_EDGE = (80, 84, 96, 45)
EDGE_DTYPE = [
    ("red", np.ubyte),
    ("green", np.ubyte),
    ("blue", np.ubyte),
    ("alpha", np.ubyte),
    ("width", float),
]


def pen_array(rgba: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Per-edge pens for a GraphItem: colour [E, 4] and width [E] as a record array."""
    pens = np.empty(len(rgba), dtype=EDGE_DTYPE)
    if len(rgba):
        pens["red"], pens["green"], pens["blue"], pens["alpha"] = rgba.T
        pens["width"] = widths
    return pens


def token_text(token: str) -> str:
    """A token as drawn under its column (blanks made visible)."""
    return {" ": "\u2423", "\n": "\u21b5", "\t": "\u21e5"}.get(token, token)


def compact_forms(token: str) -> list[str]:
    """``token`` and narrower ways to write it: a vector input "(1, 0, 0)" is also "(1,0,0)",
    "1,0,0" and its components one above the other (the lecture's inputs elided to "(…"
    in a 1600-pixel window, ~34 pixels a column)."""
    forms = [token]
    if token.startswith("(") and token.endswith(")") and ", " in token:
        inner = token[1:-1].split(", ")
        forms += [token.replace(", ", ","), ",".join(inner), "\n".join(inner)]
    return forms


def token_gap(font) -> float:
    """The blank kept between two input tokens' texts: a space of their font (a label's
    own margins are blank, and may overlap its neighbour's)."""
    return float(QFontMetrics(font).horizontalAdvance(" "))


def whole_form(token: str, font, width_px: float, height_px: float | None = None, level=0):
    """The first of ``compact_forms(token)`` from the ``level``-th on (a word has only
    itself) whose lines are each at most ``width_px`` wide in ``font`` and, all together,
    at most ``height_px`` high (None: any height); None if none is."""
    metrics = QFontMetrics(font)
    forms = compact_forms(token)
    for form in forms[min(level, len(forms) - 1) :]:
        lines = form.split("\n")
        high = height_px is None or len(lines) * metrics.lineSpacing() <= height_px + 0.5
        if high and max(metrics.horizontalAdvance(line) for line in lines) <= width_px:
            return form
    return None


def fit_token(
    token: str, font, width_px: float | None, height_px: float | None = None, level: int = 0
) -> str:
    """``token`` in ``width_px`` x ``height_px`` pixels of ``font`` (None: as it is): whole,
    else its most compact form that fits (``whole_form``, from the ``level``-th form on),
    else its narrowest form on one line elided; where not even one letter and "…" fit, its
    first letter alone if that fits, else nothing (the whole token is in the label's
    tooltip)."""
    if width_px is None or not token:
        return token
    form = whole_form(token, font, width_px, height_px, level)
    if form is not None:
        return form
    metrics = QFontMetrics(font)
    # the narrowest form on one line, cut: "1,…" says more than "(…" of "(1, 0, 0)"
    line = [form for form in compact_forms(token) if "\n" not in form][-1]
    elided = metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(width_px))
    if elided.strip("\u2026"):
        return elided
    return line[0] if metrics.horizontalAdvance(line[0]) <= width_px else ""


def row_level(tokens: list[str], font, width_px: float, height_px: float) -> int | None:
    """The least ``level`` at which every token's form (``compact_forms``, a word's only
    one) is whole in ``width_px`` x ``height_px`` of ``font``, else None: one form for the
    row ("3,-1,0" alone stacked "3 / -1 / 0" among "1,0,0"s at 1920x1080)."""
    forms = [compact_forms(t) for t in tokens if t]
    metrics = QFontMetrics(font)
    for level in range(max((len(each) for each in forms), default=1)):
        chosen = [each[min(level, len(each) - 1)].split("\n") for each in forms]
        if all(
            len(lines) * metrics.lineSpacing() <= height_px + 0.5
            and max(metrics.horizontalAdvance(line) for line in lines) <= width_px
            for lines in chosen
        ):
            return level
    return None


def row_font(tokens: list[str], font, least_pt: int, width_px: float, height_px: float):
    """``font`` at the largest point size down to ``least_pt`` in which every token of the
    row has a whole form in ``width_px`` x ``height_px`` (``row_level``), else None: at
    1280x720 and text size 1.5 a column of the lecture had one line of room, and its inputs
    "(1, 0, 0)" showed their first number only, stacked one per line (issue 16). One size
    for the row, so that no input looks more important than its neighbours."""
    for points in range(font.pointSize(), min(least_pt, font.pointSize()) - 1, -1):
        smaller = QFont(font)
        smaller.setPointSize(points)
        if row_level(tokens, smaller, width_px, height_px) is not None:
            return smaller
    return None


def token_lines(tokens: list[str], font, least_pt: int, width_px: float) -> int:
    """Lines the tokens need in columns ``width_px`` wide: one where each has a form on
    one line that fits (in a font down to ``least_pt``, ``row_font``), else as many as the
    tallest of their narrowest forms in ``font`` ("1\n0\n0" in the lecture's 33-pixel
    columns at 1280x720, text size 1.0)."""
    one_line = QFontMetrics(font).lineSpacing() * 1.5
    if row_font(tokens, font, least_pt, width_px, one_line) is not None:
        return 1
    forms = [whole_form(t, font, width_px) for t in tokens if t]
    return max([form.count("\n") + 1 for form in forms if form is not None], default=1)


def token_bottom(top: float, token_y: float, view_px: float, line_px: float) -> float:
    """The bottom of a y-range up to ``top`` in which a line ``line_px`` pixels high fits
    under ``token_y`` in a view ``view_px`` pixels high: (token_y - b) * view_px / (top - b)
    >= line_px; at least 0.65 rows under ``token_y`` (-0.95 under -0.3)."""
    least = token_y - 0.65
    if view_px <= 2 * line_px:
        return least  # no room for both: the rows keep their size
    return min(least, -(line_px * top - token_y * view_px) / (view_px - line_px))


def hex_colour(rgb) -> str:
    r, g, b = (int(v) for v in rgb[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def arrow_marks(graph: geo.UnrolledLayout, pos: np.ndarray):
    """Arrowheads at 60% along each horizontal recurrent edge (direction of the chain)."""
    indices, points, symbols = [], [], []
    for i, edge in enumerate(graph.edges):
        (x0, y0), (x1, y1) = pos[edge.src], pos[edge.dst]
        if edge.kind not in ("rec_h", "rec_c", "rec_s") or abs(y1 - y0) > 1e-9:
            continue
        indices.append(i)
        points.append((x0 + 0.6 * (x1 - x0), y0))
        symbols.append("t2" if x1 > x0 else "t3")
    return np.array(indices, dtype=int), np.array(points).reshape(-1, 2), symbols


#: the legend's name and glyph of each node kind (SYMBOLS draws them)
NODE_GLYPHS = {
    "x": "x \u25a0",
    "h": "h \u25cf",
    "m": "module h \u25cf",
    "c": "c \u25c6",
    "s": "context s \u2b1f",
    "y": "y \u2b22",
}


def legend_html(
    g_max: float | None = None,
    kinds=("x", "h", "c", "y"),
    decades: float = colours.DECADES,
    padded: bool = False,
    compact: bool = False,
) -> str:
    """What the colours mean (rich text); ``g_max``: the largest gradient drawn; ``kinds``:
    the node kinds the graph has (an Elman network has no c to name); ``decades``: the
    span of the edge scale (edge_strength); ``padded``: the sample has padded steps;
    ``compact``: the one-line form for a short panel (at 1280x720, text 1.5 the full
    legend ran below the fold)."""
    names = ", ".join(glyph for kind, glyph in NODE_GLYPHS.items() if kind in set(kinds))
    stops = colours.DIVERGING_STOPS
    neg, zero, pos = (hex_colour(stops[i, 1:]) for i in (0, 2, 4))
    strong, weak = hex_colour(colours.EDGE_STOPS[-1, 1:]), hex_colour(colours.EDGE_STOPS[1, 1:])
    largest = "" if g_max is None else f" ({g_max:.2g})"
    if compact:  # one short line for a short panel (the full text is the tooltip)
        return (
            f"<span style='color:{neg}'>\u25cf \u2212</span> "
            f"<span style='color:{zero}'>\u25cf 0</span> "
            f"<span style='color:{pos}'>\u25cf +</span> &nbsp; "
            f"edges: <b style='color:{strong}'>\u2501</b> gradient back, log{largest} &nbsp; "
            f"<span style='color:#ffd54f'>\u25ef</span> loss"
        )
    return (
        f"nodes ({names}): "
        f"<span style='color:{neg}'>\u25cf negative</span> "
        f"<span style='color:{zero}'>\u25cf 0</span> "
        f"<span style='color:{pos}'>\u25cf positive</span> &nbsp; "
        f"edges: gradient flowing back, log scale: "
        f"<b style='color:{strong}'>\u2501 largest</b>{largest} "
        f"<span style='color:{weak}'>\u2501 fading</span> "
        f"(gone at 10<sup>-{decades:.2g}</sup> \u00d7 largest)"
        f"{', faint: padding' if padded else ''} &nbsp; "
        f"<span style='color:#ffd54f'>\u25ef</span> loss counted"
    )


def fit_legend(label, full: str, short: str, panel_height: int) -> None:
    """Show the ``full`` legend in ``label`` where it takes at most 30% of the panel's
    height, else the one-line ``short`` form; the full text is the tooltip either way."""
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setHtml(full)
    document.setTextWidth(max(label.width(), 100))
    text = full if document.size().height() <= 0.3 * panel_height else short
    if text != label.text():
        label.setText(text)
    label.setToolTip(full)


def set_axes(plot, graph: geo.UnrolledLayout) -> None:
    """Time steps along the bottom (thinned to ~20 labels); the row names on the left are
    unrolled_fit.py's."""
    stride = max(1, int(np.ceil(graph.n_cols / 20)))
    ticks = [
        (col, "\u2026" if t is None else str(t + 1))  # time steps read 1..T, as in the notes
        for col, t in enumerate(graph.times)
        if t is None or col % stride == 0 or col == graph.n_cols - 1
    ]
    plot.getAxis("bottom").setTicks([ticks])


def node_pens(graph: geo.UnrolledLayout, col: int | None, mask) -> list:
    """Node outlines: the selected column's white, outputs where the loss counts yellow."""
    pens = []
    for node in graph.nodes:
        if col is not None and node.col == col:
            pens.append(SELECTED_PEN)
        elif node.kind == "y" and mask is not None and node.t < len(mask) and mask[node.t]:
            pens.append(LOSS_PEN)
        else:
            pens.append(NODE_PEN)
    return pens


class BrushCache:
    """One brush per colour, its channels rounded to ``COLOUR_STEP``: a few dozen distinct
    brushes, whose symbols pyqtgraph renders once and then reuses (a new colour per node
    and frame had every symbol rendered anew, ~5 ms a frame)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, object] = {}  # (r, g, b, a) -> QBrush

    def brushes(self, rgba: np.ndarray) -> list:
        """One brush per row of ``rgba``."""
        rgb = np.minimum(np.round(rgba[:, :3] / COLOUR_STEP) * COLOUR_STEP, 255).astype(int)
        brushes = []
        for key in zip(*rgb.T, rgba[:, 3].astype(int), strict=True):
            brush = self._cache.get(key)
            if brush is None:
                brush = self._cache[key] = pg.mkBrush(*key)
            brushes.append(brush)
        return brushes
