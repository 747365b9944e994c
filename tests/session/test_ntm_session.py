"""An NTM run saved to a session file and opened again: its records keep the memory and the
weightings of the shown sample, and it continues bit for bit."""

from __future__ import annotations

import numpy as np

from rnnviz.session.session import Session
from tests.session.test_continue import _assert_same_run, _train


def test_ntm_session_keeps_the_memory_trace_and_continues_exactly(tmp_path):
    straight, saved = Session(), Session()
    for session in (straight, saved):
        session.load_preset("ntm_copy")
        for trainer in session.trainers():
            _train(trainer, 4)
    path = saved.save(tmp_path / "ntm")
    opened = Session()
    opened.open(path)
    step = saved.trainer.history.kept_steps[-1]
    before = saved.trainer.history.record_at(step).sample.trace["ntm"]
    after = opened.trainer.history.record_at(step).sample.trace["ntm"]
    assert before.keys() == after.keys() and after["memory"].shape == (17, 32, 12)
    for name in before:
        assert np.array_equal(before[name], after[name]), name
    for a, b in zip(straight.trainers(), opened.trainers(), strict=True):
        _train(a, 2)
        _train(b, 2)
        _assert_same_run(a, b)
