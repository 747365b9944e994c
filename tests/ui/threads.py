"""Which Python threads a test may not leave behind."""

from __future__ import annotations

import threading

from rnnviz.ui.workers import spectra_job


def lingering(before: set[threading.Thread] | None = None) -> list[threading.Thread]:
    """Alive threads (started since ``before``, or named rnnviz-* without it), except the
    window's idle spectra helper, which lives as long as the process like torch's own pools."""
    return [
        t
        for t in threading.enumerate()
        if t.is_alive()
        and not isinstance(t, threading._DummyThread)
        and (t not in before if before is not None else t.name.startswith("rnnviz"))
        and not t.name.startswith(spectra_job.THREAD_NAME)
    ]
