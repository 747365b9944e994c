"""The heap trim gives freed C-heap memory back to the OS (what kept the window's resident
size creeping up in a live soak), and runs no more often than asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnviz.ui.workers import heap_trim
from rnnviz.ui.workers.heap_trim import HeapTrimmer, release_free_heap


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(heap_trim._TRIM is None, reason="no malloc_trim (not glibc)")
def test_trim_returns_a_fragmented_heap_to_the_os():
    # 2 KiB blocks come from malloc (not Python's small-object arenas); keeping every 100th
    # pins the heap, so freeing the rest does not shrink it until the trim
    blocks = [bytes(2048) for _ in range(40_000)]  # ~80 MiB
    kept = blocks[::100]
    del blocks
    before = resident_mib()
    assert release_free_heap()
    after = resident_mib()
    assert before - after > 40, (before, after)  # most of the ~79 MiB freed comes back
    assert len(kept) == 400


def test_trimmer_runs_at_most_once_per_period(monkeypatch):
    calls = []
    monkeypatch.setattr(heap_trim, "release_free_heap", lambda: calls.append(1) or True)
    clock = iter([0.0, 10.0, 29.0, 31.0, 40.0, 62.0])
    monkeypatch.setattr(heap_trim.time, "monotonic", lambda: next(clock))
    trimmer = HeapTrimmer(every_s=30.0)  # made at 0
    for _ in range(5):  # at 10, 29, 31, 40, 62 s
        trimmer.maybe()
    assert len(calls) == 2  # at 31 s and 62 s


def test_no_trim_where_the_c_library_has_none(monkeypatch):
    monkeypatch.setattr(heap_trim, "_TRIM", None)
    assert release_free_heap() is False
