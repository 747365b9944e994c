"""The memory panel's text colours, looked up for all tokens at once, are exactly the
colours looked up one token at a time (the reference)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from rnnviz.ui.panels.memory import DIVERGING, token_colour, token_colours


def test_token_colours_equal_one_lookup_per_token():
    """The vectorised colours (one colour-map lookup) are the per-token ones, exactly,
    including non-finite values and values beyond the scale."""
    colour_map = pg.colormap.get(DIVERGING)
    rng = np.random.default_rng(0)
    values = np.concatenate(
        [rng.normal(0, 1, 200), [np.nan, np.inf, -np.inf, 0.0, 3.0, -3.0, 1e30]]
    ).astype(np.float32)
    for scale in (1.0, 0.37, float(np.float32(2.5))):
        expected = [token_colour(colour_map, float(v), scale) for v in values]
        assert token_colours(colour_map, values, scale) == expected
    assert token_colours(colour_map, values[:0], 1.0) == []
