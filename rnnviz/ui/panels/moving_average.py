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
    finite). NaN-tolerant, O(n) by cumulative sums S (S_0 = 0, S_i = x_0 + ... + x_(i-1)):

        mean_i = (S_(i+1) - S_max(i-w+1, 0)) / (C_(i+1) - C_max(i-w+1, 0))

    with C the running count of finite values. Written with slices rather than index
    arrays: the loss panel computes it at each draw, and at 200 000 steps the index arrays
    and their gathers made it 6-9 ms against 3.7 ms (issue 23); the numbers are the same,
    bit for bit (tests/ui/test_loss_average.py)."""
    n = values.size
    window = average_window(n)
    if n == 0:
        return values
    finite = np.isfinite(values)
    sums, counts = _trailing(np.where(finite, values, 0.0), window), _trailing(finite, window)
    out = np.full(n, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(sums, counts, out=out, where=counts > 0)
    return out


def _trailing(values: np.ndarray, window: int) -> np.ndarray:
    """Sums of the trailing windows: S_(i+1) - S_max(i-w+1, 0) for i = 0 .. n-1."""
    n = values.size
    running = np.zeros(n + 1, dtype=np.cumsum(values[:0]).dtype)  # as cumsum would sum
    np.cumsum(values, out=running[1:])
    head = min(window - 1, n)  # windows that start at the first point
    out = np.empty(n, dtype=running.dtype)
    out[:head] = running[1 : head + 1] - running[0]
    out[head:] = running[head + 1 :] - running[: n - head]
    return out
