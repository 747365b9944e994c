"""Give the C heap's free memory back to the operating system now and then (glibc only).

Why: a live run allocates and frees many short-lived buffers on several threads (records
unpickled from the training child, images, paths, the queue's feeder). glibc keeps what is
freed inside its heaps and per-thread arenas, so the resident size of the window crept up by
~30 MiB in 15 minutes of slot_filling_lstm although nothing leaked: ``malloc_trim(0)`` gave
back all but ~1-5 MiB of it (bench_ui.py --soak, issue 23 target 8). Elsewhere (macOS,
Windows, musl) there is no such call and this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import time

#: seconds between two trims; a trim walks the heaps (a few ms at ~500 MiB)
TRIM_EVERY_S = 30.0


def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)  # glibc has it, musl does not
    if trim is not None:
        trim.argtypes = [ctypes.c_size_t]
        trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def release_free_heap() -> bool:
    """Return the heap's free pages to the OS; False where the C library cannot."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


class HeapTrimmer:
    """Calls :func:`release_free_heap` at most once every ``every_s`` seconds, from a loop
    that already runs often (the display's timer, the training child's step loop)."""

    def __init__(self, every_s: float = TRIM_EVERY_S) -> None:
        self.every_s = every_s
        self.last = time.monotonic()

    def maybe(self) -> None:
        now = time.monotonic()
        if now - self.last >= self.every_s:
            self.last = now
            release_free_heap()
