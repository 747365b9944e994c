"""Room for a short plot's legend: a band above the data, or, in a view too short for the
band and the data, the legend's names in the bottom axis label, cut to the plot's width.

Split from legend_place.py (which places a legend at the emptiest corner): this is what the
loss panel's metric plot uses, a quarter of the panel's height and its legend as tall as
its text (issue 16)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from rnnviz.ui.legend_place import MARGIN_PX, band_top, legend_names


def make_room_for_legend(plot: pg.PlotItem, box: pg.PlotDataItem, y0: float, y1: float) -> None:
    """Raise the top of the invisible ``box`` item (two points that auto-range fits, data
    from ``y0`` to ``y1``) so that the data lies below a band the legend's height at the
    top of the view: a top corner of the legend is then free of data whatever its curves
    do. The metric plot is short (a quarter of the loss panel) and its legend as tall as
    its text: a flat "accuracy 1" ran through the middle of the view, under the legend,
    at every corner (issue 16). A view too short for the band and the data (under twice
    the band) shows the names, in their colours, in its bottom axis label instead (outside
    the plot, on a line it has anyway). Done again when the view or the legend change size.
    A plot with a second y axis (the metric plot's right one) calls this for each axis'
    box: both leave the same band, decided once for all."""
    legend, vb = plot.legend, plot.getViewBox()
    box._rnnviz_span = (y0, y1)
    boxes = getattr(plot, "_rnnviz_room_boxes", None)
    if boxes is None:
        boxes = plot._rnnviz_room_boxes = []
        again = lambda *_: _raise_tops(plot)  # noqa: E731
        vb.sigResized.connect(again)
        if legend is not None:
            legend.geometryChanged.connect(again)
    if box not in boxes:
        boxes.append(box)
    _raise_tops(plot)


def headroom_top(y0: float, y1: float, band: float, view_height: float) -> float:
    """The top of a y-range from ``y0`` in which data up to ``y1`` stays out of the top
    ``band`` pixels of a view ``view_height`` pixels tall (``y1`` when there is no room:
    the view is under twice the band): legend_place.band_top, kept at ``y1``."""
    top = band_top(y0, y1, band, view_height)
    return y1 if top is None else top


def names_on_axis(plot: pg.PlotItem) -> bool:
    """Whether ``plot``'s legend is hidden with its names in the bottom axis label."""
    return bool(getattr(plot.legend, "_rnnviz_on_axis", False))


def _raise_tops(plot: pg.PlotItem) -> None:
    """Every registered box's top raised (or the names put on the axis), once: hiding the
    legend or labelling the axis resizes the view, which asks for this again from inside;
    that inner call is skipped and the whole done once more if the view's height changed."""
    if getattr(plot, "_rnnviz_raising", False):
        return
    plot._rnnviz_raising = True
    try:
        for _ in range(2):
            height = plot.getViewBox().height()
            room = _room(plot)
            for box in plot._rnnviz_room_boxes:
                _raise_top(plot, box, room)
            if plot.getViewBox().height() == height:
                break
    finally:
        plot._rnnviz_raising = False


def _room(plot: pg.PlotItem) -> float | None:
    """The band (pixels) above the data, 0 without a legend; None: no room for one (the
    names go to the axis), set here."""
    legend, vb = plot.legend, plot.getViewBox()
    band, room = 0.0, True
    if legend is not None and legend.parentItem() is vb and legend.items:
        band = legend.boundingRect().height() + 2 * MARGIN_PX  # (hidden too: names on axis)
        room = vb.height() >= 2 * band
    _set_names_on_axis(plot, not room)
    return band if room else None


def _raise_top(plot: pg.PlotItem, box: pg.PlotDataItem, band: float | None) -> None:
    x, _y = box.getData()
    span = getattr(box, "_rnnviz_span", None)
    if x is None or len(x) != 2 or span is None:
        return
    y0, y1 = span
    if y1 <= y0:  # a flat series (accuracy 1 from the start): a span around it
        pad = 0.1 * max(abs(y1), 1.0)
        y0, y1 = y0 - pad, y1 + pad
    top = y1 if not band else headroom_top(y0, y1, band, plot.getViewBox().height())
    if list(box.getData()[1]) != [y0, top]:
        box.setData(list(x), [y0, top])


def _set_names_on_axis(plot: pg.PlotItem, on: bool) -> None:
    legend, axis = plot.legend, plot.getAxis("bottom")
    if on:
        vb = plot.getViewBox()
        if not names_on_axis(plot):
            legend._rnnviz_on_axis = True
            legend._rnnviz_axis_text = axis.labelText
            legend._rnnviz_axis_tip = vb.toolTip()
            legend._rnnviz_label_tip = axis.toolTip()
        rows = "".join(f"<br>{name}" for name, _colour in legend_names(legend))
        vb.setToolTip(f"<b>Curves</b> (named under the plot: no room for a legend){rows}")
        axis.setToolTip(f"<b>Curves</b>{rows}")
        names, marks = legend_names(legend), legend_marks(legend)
        _fit_axis_names(axis, names, legend._rnnviz_axis_text, vb.width(), marks)
        legend.setVisible(False)
    elif names_on_axis(plot):
        legend._rnnviz_on_axis = False
        axis.setLabel(legend._rnnviz_axis_text)
        axis.resizeEvent(None)  # centred again for its own width
        plot.getViewBox().setToolTip(getattr(legend, "_rnnviz_axis_tip", ""))
        axis.setToolTip(getattr(legend, "_rnnviz_label_tip", ""))
        legend.setVisible(not getattr(legend, "_rnnviz_hidden", False))


SOLID, DASHED = "\u2501", "\u2505"  # the marks before the names: a line, a dashed line


def distinct_cuts(full: list[str], keep: int) -> list[str]:
    """Each of ``full`` cut to about ``keep`` characters with an ellipsis, never so that two
    read alike ("bit_errors" and "bit_error_rate" both cut to "bit_e…" at 1280x720: issue
    16): the end is cut; where two ends cut read alike, the middle ("bit…ors", "bit…ate");
    where those do too, a cut keeps one character past the start it shares with another."""
    ends = [_cut(name, keep, tail=False) for name in full]
    middles = [
        _cut(name, keep, tail=True) if ends.count(cut) > 1 else cut
        for name, cut in zip(full, ends, strict=True)
    ]
    cuts = []
    for i, name in enumerate(full):
        if middles.count(middles[i]) == 1:
            cuts.append(middles[i])
            continue
        shared = max(
            (_common_start(name, other) for j, other in enumerate(full) if j != i),
            default=0,
        )
        n = max(keep - 1, shared + 1)
        cuts.append(name if len(name) <= n else name[:n].rstrip() + "\u2026")
    return cuts


def _cut(name: str, keep: int, tail: bool) -> str:
    """``name`` in ``keep`` characters: its start and "…" (``tail``: its start, "…" and
    its end)."""
    if len(name) <= keep:
        return name
    if not tail or keep < 3:
        return name[: keep - 1].rstrip() + "\u2026"
    head = (keep - 1 + 1) // 2
    return name[:head].rstrip() + "\u2026" + name[len(name) - (keep - 1 - head) :].lstrip()


def _common_start(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def axis_name_texts(names: list[tuple[str, str]], suffix: str, marks: list[str] | None = None):
    """The bottom axis label's texts for the curves ``names`` ((name, colour) each), the
    fullest first: every name and the axis' own ``suffix`` ("training step"), then the
    names alone (the ticks under them say what the axis is), then the names cut to fewer
    and fewer characters with an ellipsis (``distinct_cuts``: no two alike), last the
    colour marks alone. ``marks``: each curve's mark (``SOLID`` unless given: ``DASHED``
    for a dashed line). The full names are the tooltip's."""
    marks = marks or [SOLID] * len(names)

    def text(shown: list[str], tail: str) -> str:
        parts = "&nbsp;&nbsp;".join(
            f"<span style='color:{colour or '#ffffff'}'>{mark}{' ' + name if name else ''}</span>"
            for name, (_n, colour), mark in zip(shown, names, marks, strict=True)
        )
        return f"{parts}&nbsp;&nbsp;&nbsp;{tail}" if tail else parts

    full = [name for name, _colour in names]
    if suffix:
        yield text(full, suffix)
    yield text(full, "")
    longest = max((len(name) for name in full), default=0)
    for keep in range(longest - 1, 0, -1):
        yield text(distinct_cuts(full, keep), "")
    yield text(["" for _ in full], "")


def legend_marks(legend: pg.LegendItem) -> list[str]:
    """``DASHED`` for each legend entry drawn with a dashed pen, else ``SOLID``."""
    marks = []
    for sample, _label in legend.items:
        pen = (getattr(getattr(sample, "item", None), "opts", None) or {}).get("pen")
        dashed = pen is not None and pg.mkPen(pen).style() == Qt.PenStyle.DashLine
        marks.append(DASHED if dashed else SOLID)
    return marks


def _fit_axis_names(axis: pg.AxisItem, names, suffix: str, width: float, marks=None) -> None:
    """Label ``axis`` with the fullest of ``axis_name_texts`` that is no wider than
    ``width`` (the plot's): a wider label is centred on the axis and cut on both sides
    ("bit_error_rate (LSTM)" at 1600x1000, text size 1.5; issue 16)."""
    chosen = None
    for text in axis_name_texts(names, suffix, marks):
        if axis.labelText != text:
            axis.setLabel(text)
        chosen = text
        if axis.label.boundingRect().width() <= width:
            break
    if chosen is not None:
        axis.resizeEvent(None)  # centred for its new width (setLabel does not move it)
