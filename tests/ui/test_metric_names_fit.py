"""Issue 16 (screenshot pass): in a metric plot too short for a legend, the metrics' names
go, in their colours, into the bottom axis label; with long or several names
("bit_error_rate (LSTM)" on ntm_copy, "bits_per_char (simple RNN)" on scrn_memory) the
label was wider than the plot and, centred on it, cut on both sides. It now drops
"training step", then cuts the names with an ellipsis, never wider than the plot; the full
names are the axis' and the plot's tooltip. Checked in scene coordinates: the label's
rectangle lies inside the plot's horizontal extent."""

from __future__ import annotations

import html
import re

import pytest

from rnnviz.ui.legend_room import names_on_axis
from tests.ui.layout_check import trained_panel_at


def is_cut_of(cut: str, name: str) -> bool:
    """Whether ``cut`` is ``name``'s start, "…" and maybe its end (legend_room.distinct_cuts)."""
    head, mark, tail = cut.partition("\u2026")
    return bool(mark) and name.startswith(head) and name.endswith(tail)


TIMEOUT = 120_000
STEPS = 6
CASES = [
    ("ntm_copy", (1600, 1000), 1.5),
    ("ntm_copy", (1280, 720), 1.0),
    ("scrn_memory", (1600, 1000), 1.5),
    ("clockwork_sines", (1600, 1000), 1.5),
]


def shown_names(label: str) -> list[str]:
    """The names a label shows, in order (the text after each colour mark)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", label)).replace("\xa0", " ")
    return [part.strip() for part in re.split("[\u2501\u2505]", text)[1:]]


@pytest.mark.parametrize(("preset", "size", "scale"), CASES)
def test_the_names_under_a_short_metric_plot_fit_its_width(qtbot, tmp_path, preset, size, scale):
    window, panel = trained_panel_at(
        qtbot, tmp_path / "names.ini", preset, "loss", size, scale, STEPS, bool, TIMEOUT
    )
    plot = panel.metric_plot
    assert plot.isVisible()
    names = [label.text for _sample, label in plot.legend.items]
    assert names
    if not names_on_axis(plot):
        assert plot.legend.isVisible()
        return
    vb, axis = plot.getViewBox(), plot.getAxis("bottom")
    label = axis.label.sceneBoundingRect()
    area = vb.sceneBoundingRect()
    assert axis.label.isVisible()
    assert label.left() >= area.left() - 1 and label.right() <= area.right() + 1, (
        label,
        area,
        axis.labelText,
    )
    shown = shown_names(axis.labelText)
    assert len(shown) == len(names)
    for full, seen in zip(names, shown, strict=True):
        # the whole name, or its start cut with an ellipsis (maybe "training step" after)
        assert seen.startswith(full) or seen == "" or is_cut_of(seen, full), (full, seen)
    for full in names:  # every full name where the pointer finds it
        assert full in axis.toolTip() and full in vb.toolTip()
