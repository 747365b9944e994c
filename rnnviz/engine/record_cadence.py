"""When a trainer running flat out should take a full record.

A full record (the displayed sample's trace, dL/dh_t, ...) costs about half a plain step more
(a whole one more with ``gradients_of="batch"``), while a person watching needs it at display
rate at most. So, while training as fast as it can, a runner asks this cadence before every
step: a full record at most ``hz`` times per second, and less often when records are slow, so
that they take at most ``share`` of the training time (the interval after a record that took
s seconds is max(1 / hz, s / share)). The recurrent matrices' spectra are not part of a
record's cost: the viewer computes them (``spectra.py``).

Used by the app's training workers and the benchmarks, so both train at the same cadence.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: at most this many full records per second: the display's rate (ui/display.py DISPLAY_HZ),
#: more are never drawn; at 30 a 64-unit LSTM trained at 0.86x of a plain loop (bench_engine)
FULL_RECORD_HZ = 20.0
#: full records may take at most this share of the training time. At 0.2 the loop ran at
#: 0.86x (LSTM H512) and 0.88x (GRU H64) of a plain loop's throughput, at 0.1 at 0.94x and
#: 0.97x (interleaved, 2026-12-07), with still ~10 full records a second at H64: more than
#: one panel is redrawn
FULL_RECORD_SHARE = 0.1


class RecordCadence:
    """``due()`` before a step says whether to record it; ``recorded(seconds)`` after one."""

    def __init__(
        self,
        hz: float = FULL_RECORD_HZ,
        share: float = FULL_RECORD_SHARE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.min_interval = 1.0 / hz
        self.share = share
        self.clock = clock
        self.interval = self.min_interval
        self.last_full = -float("inf")

    def due(self, force: bool = False) -> bool:
        """Whether to take a full record of the step about to run; ``force``: whatever the
        time, e.g. the last step of a run."""
        now = self.clock()
        full = force or now - self.last_full >= self.interval
        if full:
            self.last_full = now
        return full

    def recorded(self, seconds: float) -> None:
        """A full record took ``seconds``: space the next one to keep within ``share``."""
        self.interval = max(self.min_interval, seconds / self.share)
