"""The segment test behind the legend's place (legend_place.segments_cross): whether a
straight line between two drawn points meets the legend's box, checked against a brute
force that walks each segment in small steps, and the band a raised y-range leaves."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.ui.legend_place import band_top, segments_cross

BOX = (20.0, 10.0, 60.0, 30.0)  # left, top, right, bottom


def brute_force(p0: np.ndarray, p1: np.ndarray, box) -> np.ndarray:
    left, top, right, bottom = box
    t = np.linspace(0.0, 1.0, 4001)[None, :, None]
    walk = p0[:, None, :] + t * (p1 - p0)[:, None, :]
    inside = (
        (walk[..., 0] >= left)
        & (walk[..., 0] <= right)
        & (walk[..., 1] >= top)
        & (walk[..., 1] <= bottom)
    )
    return inside.any(axis=1)


def test_segments_cross_the_box_as_a_walk_along_them_finds():
    rng = np.random.default_rng(0)
    p0 = rng.uniform(-20, 100, size=(1000, 2))
    p1 = rng.uniform(-20, 100, size=(1000, 2))
    # and the edge cases: horizontal, vertical, a point, through a corner, along an edge
    extra0 = np.array([[0, 20], [40, 0], [40, 20], [0, -10], [10, 10], [70, 40]], dtype=float)
    extra1 = np.array([[100, 20], [40, 50], [40, 20], [30, 20], [80, 10], [90, 40]], dtype=float)
    p0, p1 = np.vstack([p0, extra0]), np.vstack([p1, extra1])
    got, want = segments_cross(p0, p1, BOX), brute_force(p0, p1, BOX)
    # a walk in steps can miss a segment that only grazes a corner: compare off the edges
    np.testing.assert_array_equal(got[-6:], [True, True, True, True, True, False])
    disagree = np.flatnonzero(got != want)
    for i in disagree:  # only grazing segments may differ, within a step of the box
        assert got[i] and not want[i], (p0[i], p1[i])
    assert disagree.size <= 5


@pytest.mark.parametrize(("y0", "y1", "band", "height"), [(-3.0, -1.0, 60, 300), (0, 2, 10, 50)])
def test_the_raised_top_leaves_the_band_free(y0, y1, band, height):
    top = band_top(y0, y1, band, height)
    assert (top - y1) / (top - y0) * height == pytest.approx(band)


def test_no_band_in_a_view_too_short():
    assert band_top(0.0, 1.0, 60, 100) is None
