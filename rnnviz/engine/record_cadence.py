"""When a trainer running flat out should take a full record, and when that record's spectra.

A full record (the displayed sample's trace, dL/dh_t, ...) costs about half a plain step more
(a whole one more with ``gradients_of="batch"``), and the recurrent matrices' spectra about
half a step of CPU again (an eigen-decomposition per gate block, on a helper thread), while a
person watching needs neither at more than display rate. So, while training as fast as it
can, a runner asks this cadence before every step:

- a full record at most ``hz`` times per second, and less often when records are slow, so
  that they take at most ``share`` of the training time (the interval after a record that
  took s seconds is max(1 / hz, s / share));
- spectra with a full record at most ``spectra_hz`` times per second.

Used by the app's training workers and the benchmarks, so both train at the same cadence.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: at most this many full records per second
FULL_RECORD_HZ = 30.0
#: full records may take at most this share of the training time
FULL_RECORD_SHARE = 0.2
#: at most this many records per second carry the spectra
SPECTRA_HZ = 5.0


class RecordCadence:
    """``due()`` before a step says (full, spectra); ``recorded(seconds)`` after a full one."""

    def __init__(
        self,
        hz: float = FULL_RECORD_HZ,
        share: float = FULL_RECORD_SHARE,
        spectra_hz: float = SPECTRA_HZ,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.min_interval = 1.0 / hz
        self.share = share
        self.spectra_interval = 1.0 / spectra_hz
        self.clock = clock
        self.interval = self.min_interval
        self.last_full = self.last_spectra = -float("inf")

    def due(self, force: bool = False) -> tuple[bool, bool]:
        """(take a full record, with spectra) for the step about to run; ``force``: a full
        record (and spectra) whatever the time, e.g. the last step of a run."""
        now = self.clock()
        full = force or now - self.last_full >= self.interval
        spectra = full and (force or now - self.last_spectra >= self.spectra_interval)
        if full:
            self.last_full = now
        if spectra:
            self.last_spectra = now
        return full, spectra

    def recorded(self, seconds: float) -> None:
        """A full record took ``seconds``: space the next one to keep within ``share``."""
        self.interval = max(self.min_interval, seconds / self.share)
