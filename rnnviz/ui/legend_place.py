"""Legends that keep off the data: a plot's legend moves to the corner of its view where it
covers the fewest drawn points.

pyqtgraph anchors a legend at one fixed corner; a loss curve that flattens at the top right,
or eight gradient curves, disappear under it. ``keep_legend_off_data(plot)`` counts, for
each place (the corners, then the middles of the top and bottom edges), the curve points
that the legend's box would cover there and the line segments between points that cross it
(in pixels, as drawn: log axes and inverted axes included; a line between two points
outside the box still runs behind it: issue 16, a gradient curve from t = 2 to t = 3 behind
the legend) and anchors it at the emptiest one, staying where it is on a tie so it does not
jump between records. Where no place is free, a panel that owns its y-range can leave a band
for the legend above the data (``band_top``).

A legend that cannot keep off the data at all is hidden: one taller or wider than its view,
or covering more than ``MAX_AREA_FRACTION`` of it (an 8-layer LSTM's sixteen curves at
1280x720 made a legend three times the plot's height). Its names, in their colours, are
then the view's tooltip; it comes back when the view grows enough (``sigResized``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyqtgraph as pg

#: (x, y) fractions of the view box where the legend may sit: top right first (the usual)
CORNERS = ((1.0, 0.0), (0.0, 0.0), (1.0, 1.0), (0.0, 1.0))
#: the corners first (a legend in a corner hides the least of the view's middle), then the
#: middles of the top and bottom edges
PLACES = (*CORNERS, (0.5, 0.0), (0.5, 1.0))
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
    curves = _curves_in_pixels(plot)
    current = getattr(legend, "_rnnviz_corner", CORNERS[0])
    best, best_count = current, _covered(curves, current, width, height, vb)
    for place in PLACES:
        count = _covered(curves, place, width, height, vb)
        if count < best_count:
            best, best_count = place, count
    if best != current or not hasattr(legend, "_rnnviz_corner"):
        legend.anchor(itemPos=best, parentPos=best, offset=_offset(best))
        legend._rnnviz_corner = best
    return best


def _offset(place) -> tuple[float, float]:
    """The margin between the legend and the view's edges at ``place``."""
    fx, fy = place
    ox = MARGIN_PX if fx == 0 else -MARGIN_PX if fx == 1 else 0.0
    return ox, MARGIN_PX if fy == 0 else -MARGIN_PX


def band_top(y0: float, y1: float, band: float, view_height: float) -> float | None:
    """The top of a y-range from ``y0`` (view units, e.g. log10 on a log axis) in which data
    up to ``y1`` stays out of the top ``band`` pixels of a view ``view_height`` pixels tall;
    None when the view is under twice the band (no room for both)."""
    if view_height < 2 * band or y1 <= y0:
        return None
    return y1 + (y1 - y0) * band / (view_height - band)


def leave_band_for_legend(plot: pg.PlotItem, data_top: float) -> bool:
    """Place ``plot``'s legend; where it covers a point or a line at every place (curves
    across the whole view: gradient norms over t), raise the top of the y-range so that the
    data, up to ``data_top`` (view units: log10 on a log axis), stays below a band the
    legend's height, and place it again (a top corner is then free). For panels that set
    their own y-range; returns whether it was raised."""
    keep_legend_off_data(plot)
    legend, vb = plot.legend, plot.getViewBox()
    if legend is None or not legend.isVisible() or vb.state["yInverted"]:
        return False
    if legend.parentItem() is not vb or covered_points(plot) == 0:
        return False
    y0, y1 = vb.viewRange()[1]
    top = band_top(y0, data_top, legend_band(plot), vb.height())
    if top is None or top <= y1:
        return False
    vb.setYRange(y0, top, padding=0)
    keep_legend_off_data(plot)
    return True


def legend_band(plot: pg.PlotItem) -> float:
    """The height in pixels a legend at the top of ``plot``'s view needs (0: no legend)."""
    legend = plot.legend
    if legend is None or not legend.isVisible() or not legend.items:
        return 0.0
    return legend.boundingRect().height() + 2 * MARGIN_PX


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
    """How many drawn points and segments the legend's box covers where it is now."""
    legend = plot.legend
    place = getattr(legend, "_rnnviz_corner", CORNERS[0])
    rect = legend.boundingRect()
    return _covered(_curves_in_pixels(plot), place, rect.width(), rect.height(), plot.vb)


def place_counts(plot: pg.PlotItem) -> dict[tuple[float, float], int]:
    """The points and segments the legend's box would cover at each of ``PLACES`` (tests)."""
    rect, curves = plot.legend.boundingRect(), _curves_in_pixels(plot)
    return {p: _covered(curves, p, rect.width(), rect.height(), plot.vb) for p in PLACES}


def _curves_in_pixels(plot: pg.PlotItem) -> list[_Pixels]:
    """Every visible curve's drawn points in pixels of the view box, and the segments of
    its line (see ``_Pixels``)."""
    vb = plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    if x1 == x0 or y1 == y0:
        return []
    curves = []
    for item in plot.listDataItems():
        if not item.isVisible():
            continue
        x, y = item.getData()
        if x is None or y is None or len(x) == 0:
            continue
        stride = max(1, len(x) // MAX_POINTS)
        x, y = np.asarray(x[::stride], dtype=float), np.asarray(y[::stride], dtype=float)
        px = (x - x0) / (x1 - x0) * vb.width()
        fy = (y - y0) / (y1 - y0)
        py = fy * vb.height() if vb.state["yInverted"] else (1.0 - fy) * vb.height()
        pen = (getattr(item, "opts", None) or {}).get("pen")
        joined = pen is not None and pg.mkPen(pen).style() != pg.QtCore.Qt.PenStyle.NoPen
        curves.append(_Pixels.of(np.column_stack([px, py]), joined))
    return curves


class _Pixels(NamedTuple):
    """One curve as drawn, in pixels: ``points`` [N, 2] (the finite ones), and the
    segments of its line between two finite neighbours, ``p0`` -> ``p1`` [M, 2] each, with
    their bounding boxes ``low`` / ``high`` [M, 2] (M = 0 for markers without a line).
    Made once per decision: the places tried share them."""

    points: np.ndarray
    p0: np.ndarray
    p1: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def of(cls, points: np.ndarray, joined: bool) -> _Pixels:
        finite = np.isfinite(points).all(axis=1)
        both = finite[:-1] & finite[1:] if joined else np.zeros(max(len(points) - 1, 0), bool)
        p0, p1 = points[:-1][both], points[1:][both]
        return cls(points[finite], p0, p1, np.minimum(p0, p1), np.maximum(p0, p1))


def _covered(curves: list[_Pixels], place, width: float, height: float, vb) -> int:
    """Points inside the legend's box anchored at ``place`` (pixels, with the margin), plus
    the line segments between drawn points that cross the box."""
    fx, fy = place
    ox, oy = _offset(place)
    left = fx * (vb.width() - width) + ox
    top = fy * (vb.height() - height) + oy
    box = (left, top, left + width, top + height)
    count = 0
    for curve in curves:
        p = curve.points
        across = (p[:, 0] >= box[0]) & (p[:, 0] <= box[2])
        count += int(np.count_nonzero(across & (p[:, 1] >= box[1]) & (p[:, 1] <= box[3])))
        # only a segment whose bounding box meets the box can cross it: clip those alone
        near = (curve.low[:, 0] <= box[2]) & (curve.high[:, 0] >= box[0])
        near &= (curve.low[:, 1] <= box[3]) & (curve.high[:, 1] >= box[1])
        if near.any():
            count += int(np.count_nonzero(segments_cross(curve.p0[near], curve.p1[near], box)))
    return count


def segments_cross(p0: np.ndarray, p1: np.ndarray, box) -> np.ndarray:
    """Whether each segment p0[i] -> p1[i] ([N, 2] each) meets the rectangle ``box``
    (left, top, right, bottom): Liang-Barsky clipping, for all segments at once."""
    left, top, right, bottom = box
    d = p1 - p0
    t0, t1 = np.zeros(len(p0)), np.ones(len(p0))
    outside = np.zeros(len(p0), dtype=bool)
    for step, room in (
        (-d[:, 0], p0[:, 0] - left),
        (d[:, 0], right - p0[:, 0]),
        (-d[:, 1], p0[:, 1] - top),
        (d[:, 1], bottom - p0[:, 1]),
    ):
        parallel = step == 0
        outside |= parallel & (room < 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(parallel, 0.0, room / np.where(parallel, 1.0, step))
        t0 = np.where(step < 0, np.maximum(t0, ratio), t0)
        t1 = np.where(step > 0, np.minimum(t1, ratio), t1)
    return ~outside & (t0 <= t1)
