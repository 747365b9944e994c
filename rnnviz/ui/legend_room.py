"""Room for a short plot's legend: a band above the data, or, in a view too short for the
band and the data, the legend's names in the bottom axis label, cut to the plot's width.

Split from legend_place.py (which places a legend at the emptiest corner): this is what the
loss panel's metric plot uses, a quarter of the panel's height and its legend as tall as
its text (issue 16)."""

from __future__ import annotations

import pyqtgraph as pg

from rnnviz.ui.legend_place import MARGIN_PX, band_top, legend_names


def make_room_for_legend(plot: pg.PlotItem, box: pg.PlotDataItem, y0: float, y1: float) -> None:
    """Raise the top of the invisible ``box`` item (two points that auto-range fits, data
    from ``y0`` to ``y1``) so that the data lies below a band the legend's height at the
    top of the view: a top corner of the legend is then free of data whatever its curves
    do. The metric plot is short (a quarter of the loss panel) and its legend as tall as
    its text: a flat "accuracy 1" ran through the middle of the view, under the legend,
    at every corner (issue 16). A view too short for the band and the data (under twice
    the band) shows the names, in their colours, in its bottom axis label instead (outside
    the plot, on a line it has anyway). Done again when the view or the legend change size."""
    legend, vb = plot.legend, plot.getViewBox()
    box._rnnviz_span = (y0, y1)
    if not getattr(box, "_rnnviz_room_follows", False):
        box._rnnviz_room_follows = True
        again = lambda *_: _raise_top(plot, box)  # noqa: E731
        vb.sigResized.connect(again)
        if legend is not None:
            legend.geometryChanged.connect(again)
    _raise_top(plot, box)


def headroom_top(y0: float, y1: float, band: float, view_height: float) -> float:
    """The top of a y-range from ``y0`` in which data up to ``y1`` stays out of the top
    ``band`` pixels of a view ``view_height`` pixels tall (``y1`` when there is no room:
    the view is under twice the band): legend_place.band_top, kept at ``y1``."""
    top = band_top(y0, y1, band, view_height)
    return y1 if top is None else top


def names_on_axis(plot: pg.PlotItem) -> bool:
    """Whether ``plot``'s legend is hidden with its names in the bottom axis label."""
    return bool(getattr(plot.legend, "_rnnviz_on_axis", False))


def _raise_top(plot: pg.PlotItem, box: pg.PlotDataItem) -> None:
    x, _y = box.getData()
    span = getattr(box, "_rnnviz_span", None)
    if x is None or len(x) != 2 or span is None:
        return
    y0, y1 = span
    if y1 <= y0:  # a flat series (accuracy 1 from the start): a span around it
        pad = 0.1 * max(abs(y1), 1.0)
        y0, y1 = y0 - pad, y1 + pad
    legend, vb = plot.legend, plot.getViewBox()
    top, room = y1, True
    if legend is not None and legend.parentItem() is vb and legend.items:
        band = legend.boundingRect().height() + 2 * MARGIN_PX  # (hidden too: names on axis)
        room = vb.height() >= 2 * band
        if room:
            top = headroom_top(y0, y1, band, vb.height())
    _set_names_on_axis(plot, not room)
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
        _fit_axis_names(axis, legend_names(legend), legend._rnnviz_axis_text, vb.width())
        legend.setVisible(False)
    elif names_on_axis(plot):
        legend._rnnviz_on_axis = False
        axis.setLabel(legend._rnnviz_axis_text)
        axis.resizeEvent(None)  # centred again for its own width
        plot.getViewBox().setToolTip(getattr(legend, "_rnnviz_axis_tip", ""))
        axis.setToolTip(getattr(legend, "_rnnviz_label_tip", ""))
        legend.setVisible(not getattr(legend, "_rnnviz_hidden", False))


def axis_name_texts(names: list[tuple[str, str]], suffix: str):
    """The bottom axis label's texts for the curves ``names`` ((name, colour) each), the
    fullest first: every name and the axis' own ``suffix`` ("training step"), then the
    names alone (the ticks under them say what the axis is), then the names cut to fewer
    and fewer characters with an ellipsis, last the colour marks alone. The full names are
    the tooltip's."""

    def text(shown: list[str], tail: str) -> str:
        parts = "&nbsp;&nbsp;".join(
            f"<span style='color:{colour or '#ffffff'}'>&#9473;{' ' + name if name else ''}</span>"
            for name, (_n, colour) in zip(shown, names, strict=True)
        )
        return f"{parts}&nbsp;&nbsp;&nbsp;{tail}" if tail else parts

    full = [name for name, _colour in names]
    if suffix:
        yield text(full, suffix)
    yield text(full, "")
    longest = max((len(name) for name in full), default=0)
    for keep in range(longest - 1, 0, -1):
        yield text([n if len(n) <= keep else n[: keep - 1].rstrip() + "\u2026" for n in full], "")
    yield text(["" for _ in full], "")


def _fit_axis_names(axis: pg.AxisItem, names, suffix: str, width: float) -> None:
    """Label ``axis`` with the fullest of ``axis_name_texts`` that is no wider than
    ``width`` (the plot's): a wider label is centred on the axis and cut on both sides
    ("bit_error_rate (LSTM)" at 1600x1000, text size 1.5; issue 16)."""
    chosen = None
    for text in axis_name_texts(names, suffix):
        if axis.labelText != text:
            axis.setLabel(text)
        chosen = text
        if axis.label.boundingRect().width() <= width:
            break
    if chosen is not None:
        axis.resizeEvent(None)  # centred for its new width (setLabel does not move it)
