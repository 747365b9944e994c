"""Legends that keep off the data: a plot's legend moves to the corner of its view where it
covers the fewest drawn points.

pyqtgraph anchors a legend at one fixed corner; a loss curve that flattens at the top right,
or eight gradient curves, disappear under it. ``keep_legend_off_data(plot)`` counts, for
each corner, the curve points that the legend's box would cover there (in pixels, as drawn:
log axes and inverted axes included) and anchors it at the emptiest one, staying where it is
on a tie so it does not jump between records.

A legend that cannot keep off the data at all is hidden: one taller or wider than its view,
or covering more than ``MAX_AREA_FRACTION`` of it (an 8-layer LSTM's sixteen curves at
1280x720 made a legend three times the plot's height). Its names, in their colours, are
then the view's tooltip; it comes back when the view grows enough (``sigResized``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

#: (x, y) fractions of the view box where the legend may sit: top right first (the usual)
CORNERS = ((1.0, 0.0), (0.0, 0.0), (1.0, 1.0), (0.0, 1.0))
MARGIN_PX = 10.0
MAX_POINTS = 4000  # per curve; a longer one is sampled evenly
#: the largest share of its view's area a legend may cover before it is hidden
MAX_AREA_FRACTION = 0.4


def keep_legend_off_data(plot: pg.PlotItem) -> tuple[float, float] | None:
    """Anchor ``plot``'s legend at the corner covering the fewest points; returns the corner
    (None when there is no visible legend inside the view or the view has no size)."""
    legend = plot.legend
    vb = plot.getViewBox()
    if legend is None or vb.width() <= 0 or vb.height() <= 0:
        return None
    if legend.parentItem() is not vb:  # a legend in a row of its own (gradient norm)
        return None
    if not legend.isVisible() and not getattr(legend, "_rnnviz_hidden", False):
        return None  # hidden by its panel, not here
    _follow_resizes(plot)
    width, height = legend.boundingRect().width(), legend.boundingRect().height()
    if not legend_fits(width, height, vb.width(), vb.height()):
        _hide_legend(legend, vb)
        return None
    _show_legend(legend, vb)
    points = _points_in_pixels(plot)
    current = getattr(legend, "_rnnviz_corner", CORNERS[0])
    best, best_count = current, _covered(points, current, width, height, vb)
    for corner in CORNERS:
        count = _covered(points, corner, width, height, vb)
        if count < best_count:
            best, best_count = corner, count
    if best != current or not hasattr(legend, "_rnnviz_corner"):
        fx, fy = best
        offset = (MARGIN_PX if fx == 0 else -MARGIN_PX, MARGIN_PX if fy == 0 else -MARGIN_PX)
        legend.anchor(itemPos=best, parentPos=best, offset=offset)
        legend._rnnviz_corner = best
    return best


def set_legend_text_size(legend: pg.LegendItem, size: str) -> None:
    """Draw ``legend``'s names at ``size`` (CSS, e.g. "18pt"), the entries it has and those
    added later, and fit its box to them. pyqtgraph's ``setLabelTextSize`` only stores the
    size for new entries: after a text-size change (window.set_text_size) the legends kept
    their names at the old size (issue 16: "loss (each step)" at 12 pt beside 18-pt axes).
    The place of a legend that grew is chosen again where its panel draws next (and hidden
    if it no longer fits its view, as ``keep_legend_off_data`` does)."""
    legend.setLabelTextSize(size)
    for _sample, label in legend.items:
        label.setText(label.text, size=size)
    legend.layout.activate()
    legend.updateSize()


def legends_follow_text_size(views, size: str) -> None:
    """Every legend in the scenes of ``views`` (plots' own and those in a row of their own)
    at ``size``; each plot's legend then placed again at its new size, off the data."""
    for view in views:
        items = view.scene().items()
        for item in items:
            if isinstance(item, pg.LegendItem):
                set_legend_text_size(item, size)
        for item in items:
            if isinstance(item, pg.PlotItem) and item.legend is not None:
                keep_legend_off_data(item)


def legend_fits(width: float, height: float, view_width: float, view_height: float) -> bool:
    """Whether a legend of ``width`` x ``height`` pixels can sit inside a view of that size
    without hiding its data: no taller or wider than the view, and over at most
    ``MAX_AREA_FRACTION`` of its area."""
    if height > view_height or width > view_width:
        return False
    return width * height <= MAX_AREA_FRACTION * view_width * view_height


def legend_names(legend: pg.LegendItem) -> list[tuple[str, str]]:
    """(name, colour) of each legend entry, as its label and its curve's pen show them."""
    names = []
    for sample, label in legend.items:
        item = getattr(sample, "item", None)
        opts = getattr(item, "opts", {}) or {}
        pen = opts.get("pen") if opts.get("pen") is not None else opts.get("symbolBrush")
        try:
            colour = pg.mkColor(pg.mkPen(pen).color()).name() if pen is not None else ""
        except Exception:  # noqa: BLE001 (an unusual pen: the name without its colour)
            colour = ""
        names.append((label.text, colour))
    return names


def _hide_legend(legend: pg.LegendItem, vb: pg.ViewBox) -> None:
    if not getattr(legend, "_rnnviz_hidden", False):
        legend._rnnviz_tip = vb.toolTip()
        legend._rnnviz_hidden = True
    legend.setVisible(False)
    rows = "".join(
        f"<br><span style='color:{colour or '#ffffff'}'>&#9632;</span> {name}"
        for name, colour in legend_names(legend)
    )
    vb.setToolTip(f"<b>Curves</b> (the legend is hidden: it would cover the plot){rows}")


def _show_legend(legend: pg.LegendItem, vb: pg.ViewBox) -> None:
    if getattr(legend, "_rnnviz_hidden", False):
        legend._rnnviz_hidden = False
        legend.setVisible(True)
        vb.setToolTip(getattr(legend, "_rnnviz_tip", ""))


def legend_hidden(plot: pg.PlotItem) -> bool:
    """Whether ``plot``'s legend was hidden here for covering the plot (tests)."""
    return bool(getattr(plot.legend, "_rnnviz_hidden", False))


def _follow_resizes(plot: pg.PlotItem) -> None:
    """Decide again when the view changes size (a window resized, a text size changed)."""
    vb = plot.getViewBox()
    if not getattr(vb, "_rnnviz_legend_follow", False):
        vb._rnnviz_legend_follow = True
        vb.sigResized.connect(lambda _vb: keep_legend_off_data(plot))


def covered_points(plot: pg.PlotItem) -> int:
    """How many drawn points the legend's box covers where it is now (tests)."""
    legend = plot.legend
    corner = getattr(legend, "_rnnviz_corner", CORNERS[0])
    rect = legend.boundingRect()
    return _covered(_points_in_pixels(plot), corner, rect.width(), rect.height(), plot.vb)


def _points_in_pixels(plot: pg.PlotItem) -> np.ndarray:
    """Every visible curve's points as [N, 2] pixel positions in the view box."""
    vb = plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    if x1 == x0 or y1 == y0:
        return np.empty((0, 2))
    chunks = []
    for item in plot.listDataItems():
        if not item.isVisible():
            continue
        x, y = item.getData()
        if x is None or y is None or len(x) == 0:
            continue
        stride = max(1, len(x) // MAX_POINTS)
        x, y = np.asarray(x[::stride], dtype=float), np.asarray(y[::stride], dtype=float)
        keep = np.isfinite(x) & np.isfinite(y)
        px = (x[keep] - x0) / (x1 - x0) * vb.width()
        fy = (y[keep] - y0) / (y1 - y0)
        py = fy * vb.height() if vb.state["yInverted"] else (1.0 - fy) * vb.height()
        chunks.append(np.column_stack([px, py]))
    return np.concatenate(chunks) if chunks else np.empty((0, 2))


def _covered(points: np.ndarray, corner, width: float, height: float, vb) -> int:
    """Points inside the legend's box anchored at ``corner`` (pixels, with the margin)."""
    fx, fy = corner
    left = MARGIN_PX if fx == 0 else vb.width() - MARGIN_PX - width
    top = MARGIN_PX if fy == 0 else vb.height() - MARGIN_PX - height
    inside = (
        (points[:, 0] >= left)
        & (points[:, 0] <= left + width)
        & (points[:, 1] >= top)
        & (points[:, 1] <= top + height)
    )
    return int(np.count_nonzero(inside))
