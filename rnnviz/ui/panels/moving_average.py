"""The loss plot's moving average: a trailing mean over ~1 % of the run, at least
``MIN_WINDOW`` steps, that skips the steps whose loss is not drawn (NaN)."""

from __future__ import annotations

import numpy as np

#: the fewest steps the moving average spans
MIN_WINDOW = 10


def average_window(n: int) -> int:
    """The moving average's window for a run of ``n`` steps: ~1% of the run, and never
    under ``MIN_WINDOW`` steps. One percent alone was a window of 1 for the first 200 steps
    (issue 16): the "moving average" was the per-step loss itself, and the legend's two
    entries named one line. Ten steps take the noise of a minibatch's loss down by ~3x
    (the square root of 10) from the first steps on, while the average lags the early
    plunge by only ~5 steps; on a long run 1% of it is the wider, smoother window."""
    return max(MIN_WINDOW, n // 100)


def smoothed(values: np.ndarray) -> np.ndarray:
    """Trailing moving average: point i is the mean of the finite values among the last
    ``average_window(n)`` points up to i (fewer at the start of the run; NaN where none is
    finite). NaN-tolerant, O(n) by cumulative sums."""
    n = values.size
    window = average_window(n)
    if n == 0:
        return values
    finite = np.isfinite(values)
    clean = np.where(finite, values, 0.0)
    csum = np.concatenate(([0.0], np.cumsum(clean)))
    ccount = np.concatenate(([0], np.cumsum(finite)))
    lo = np.maximum(np.arange(n) - window + 1, 0)
    hi = np.arange(1, n + 1)
    counts = ccount[hi] - ccount[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, (csum[hi] - csum[lo]) / counts, np.nan)
