"""The bounded history: scalars for every step, thinned full records, flat memory."""

import gc
import tracemalloc

import numpy as np

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord


def _record(step: int, full: bool) -> StepRecord:
    return StepRecord(
        step=step,
        loss=1.0 / step,
        lr=0.01,
        grad_norm=2.0,
        grad_norm_clipped=1.0,
        clipped=True,
        metrics={"accuracy": 0.5},
        full=full,
        dh_norm={"L0.fwd": np.ones(50)} if full else {},
        spectral={"L0.fwd W_hh": (0.9, 1.1)} if full else {},
    )


def test_scalars_for_every_step_and_records_thinned():
    h = History(max_records=16)
    for step in range(1, 1001):
        h.append(_record(step, full=step % 3 == 0))
    assert len(h) == 1000
    np.testing.assert_array_equal(h.series("step"), np.arange(1, 1001))
    np.testing.assert_allclose(h.series("loss"), 1.0 / np.arange(1, 1001))
    assert h.metric_names() == ["accuracy"]
    kept = h.kept_steps
    assert len(kept) <= 16 and kept[-1] == 999
    assert kept == sorted(kept) and kept[0] < 200  # spread over the whole run
    assert h.record_at(500).step <= 500
    steps, rows = h.dh_map("L0.fwd")
    assert rows.shape[1] == 50 and len(steps) == rows.shape[0]


def test_memory_stays_flat_past_the_caps():
    h = History(max_records=50, max_rows=200, max_points=20_000)
    for step in range(1, 25_001):  # past the caps: every store has reached its bound
        h.append(_record(step, full=step % 10 == 0))
    # Python keeps freed blocks in free lists, which a full collection empties; refilled
    # while traced they count as allocated: up to 2,000 tuples of 200 B here, 100 kB every
    # 5,000 steps until full (the likely cause of 286 kB once in the whole suite).
    # With the collector paused (a history makes no cycles) the first 20,000 steps traced
    # fill them, and the growth is taken over the next 10,000.
    gc.disable()
    try:
        tracemalloc.start()
        for step in range(25_001, 45_001):
            h.append(_record(step, full=step % 10 == 0))
        base, _ = tracemalloc.get_traced_memory()
        for step in range(45_001, 55_001):
            h.append(_record(step, full=step % 10 == 0))
        grown = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
    finally:
        gc.enable()
    assert len(h.kept_steps) <= 50
    assert len(h.series("loss")) <= 20_000
    assert h.series("step")[-1] == 55_000
    # 10,000 more steps (1,000 of them full records with [50] arrays) add under 200 kB.
    assert grown < 200_000, grown


def test_memory_counts_the_arrays_of_each_part():
    def history(row: int) -> History:
        h = History(max_records=4, max_points=1000)
        for step in range(1, 101):
            record = _record(step, full=step % 10 == 0)
            if record.full:
                record.dh_norm["L0.fwd"] = np.ones(row)
            h.append(record)
        return h

    short, long = history(50), history(150)
    # 8 series (7 scalars + accuracy), grown by doubling from 64 to 128 float64s each
    assert short.memory()["series"] == 8 * 128 * 8
    kept = len(short.kept_steps)
    assert kept == len(long.kept_steps) and kept > 0
    # each kept record holds its [T] row of ||dL/dh_t||: 100 more float64s per record, and
    # the sparse rows of every full record (10 of them) too
    assert long.memory()["records"] - short.memory()["records"] == kept * 100 * 8
    assert long.memory()["sparse"] - short.memory()["sparse"] == 10 * 100 * 8
    short.add_trajectory_point(100, np.zeros(250, dtype=np.float32))
    assert short.memory()["trajectory"] == 250 * 4
    assert short.memory()["checkpoints"] == 0


def test_checkpoints_are_a_ring():
    h = History(max_checkpoints=3)
    for s in range(0, 500, 50):
        h.add_checkpoint(s, {"w": np.full(2, s)})
    assert [s for s, _ in h.checkpoints] == [350, 400, 450]
    assert h.checkpoint_at(420)[0] == 400
