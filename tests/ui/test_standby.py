"""Issue 23, target 5: `rnnviz` starts a training process before it imports Qt (standby.py),
and the window's first run trains in that process, exactly as in one spawned for it."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from rnnviz.ui import standby
from rnnviz.ui.workers import ProcessTrainingWorker
from tests.ui.test_process_worker import TIMEOUT, _headless_losses, settle


@pytest.fixture
def spare(monkeypatch):
    monkeypatch.setenv("RNNVIZ_WORKER", "process")
    standby.start_spare()
    yield standby._spare
    standby.drop_spare()


def test_the_first_run_trains_in_the_spare_started_before_the_window(qtbot, make_window, spare):
    # char_lstm's weights are more than a pipe holds: the run is sent while the spare is
    # still importing torch, and the window's next commands wait behind it
    window = make_window("char_lstm")
    assert isinstance(window.worker, ProcessTrainingWorker)
    assert standby._spare is None  # taken
    assert window.worker.process.pid == spare.process.pid
    assert len(pickle.dumps([window.trainer.state()])) > 65536
    window.run_steps(3)
    settle(qtbot, window, 3)
    np.testing.assert_array_equal(
        window.trainer.history.series("loss"), _headless_losses("char_lstm", 3)
    )
    window.close()
    qtbot.waitUntil(lambda: not spare.process.is_alive(), timeout=TIMEOUT)


def test_a_spare_no_run_took_is_ended(spare):
    assert spare.process.is_alive()
    standby.drop_spare()
    assert standby._spare is None and not spare.process.is_alive()


def test_no_spare_for_a_window_that_trains_on_a_thread(monkeypatch):
    monkeypatch.setenv("RNNVIZ_WORKER", "thread")
    standby.start_spare()
    assert standby._spare is None
