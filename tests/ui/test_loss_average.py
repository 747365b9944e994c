"""Issue 16 (screenshot pass): the loss plot's "moving average" was the per-step loss for
the first 200 steps (a window of n // 100 = 1 point), so its two legend entries named one
line. The average now spans at least ``MIN_WINDOW`` steps from the start and stays a true
trailing moving average, checked against a mean written here with numpy."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from rnnviz.ui.panels.moving_average import MIN_WINDOW, smoothed

STEPS = 30


def trailing_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Point i: the mean of the finite values among values[i - window + 1 .. i]."""
    out = np.full(values.size, np.nan)
    for i in range(values.size):
        part = values[max(0, i - window + 1) : i + 1]
        part = part[np.isfinite(part)]
        if part.size:
            out[i] = part.mean()
    return out


def test_the_drawn_average_smooths_from_the_first_steps(qtbot, make_window):
    window = make_window("lecture_lstm")
    window.show_panel("loss")
    window.run_steps(STEPS)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == STEPS, timeout=60_000)
    QApplication.processEvents()
    panel = window.panels["loss"]
    steps, raw = panel.raw_curve.getData()
    x, average = panel.smooth_curve.getData()
    assert len(steps) == STEPS
    np.testing.assert_array_equal(x, steps)
    assert panel.loss_plot.ctrl.logYCheck.isChecked()  # drawn as log10 of the values
    loss = 10.0 ** np.asarray(raw, dtype=float)
    expected = trailing_mean(loss, MIN_WINDOW)
    np.testing.assert_allclose(10.0 ** np.asarray(average), expected, rtol=1e-9)
    # two lines, not one: past the first point the average is not the step's own loss
    assert np.count_nonzero(np.asarray(average)[1:] != np.asarray(raw)[1:]) >= STEPS - 2


@pytest.mark.parametrize(("n", "window"), [(5, MIN_WINDOW), (300, MIN_WINDOW), (4000, 40)])
def test_the_average_is_a_trailing_mean_of_its_window(n, window):
    rng = np.random.default_rng(n)
    values = rng.lognormal(size=n)
    values[rng.random(n) < 0.1] = np.nan  # gaps (a non-positive loss on a log axis)
    np.testing.assert_allclose(smoothed(values), trailing_mean(values, window), rtol=1e-9)


def index_formula(values: np.ndarray, window: int) -> np.ndarray:
    """The cumulative-sum average as written before issue 23's rewrite (index arrays)."""
    n = values.size
    finite = np.isfinite(values)
    csum = np.concatenate(([0.0], np.cumsum(np.where(finite, values, 0.0))))
    ccount = np.concatenate(([0], np.cumsum(finite)))
    lo, hi = np.maximum(np.arange(n) - window + 1, 0), np.arange(1, n + 1)
    counts = ccount[hi] - ccount[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, (csum[hi] - csum[lo]) / counts, np.nan)


@pytest.mark.parametrize("n", [1, MIN_WINDOW - 1, MIN_WINDOW, MIN_WINDOW + 1, 4000, 200_000])
def test_the_faster_average_gives_the_same_numbers_bit_for_bit(n):
    """Performance work must not change a number (issue 23): the slices give exactly what
    the index arrays gave, gaps and a long run included."""
    rng = np.random.default_rng(n)
    values = rng.lognormal(size=n)
    values[rng.random(n) < 0.1] = np.nan
    values[n // 3 : n // 3 + 3 * MIN_WINDOW] = np.nan  # a gap longer than the window
    got = smoothed(values)
    want = index_formula(values, max(MIN_WINDOW, n // 100))
    assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=True)
