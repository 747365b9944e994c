"""The process training worker (RNNVIZ_WORKER=process): the window trains in a child process
and its trainer is a mirror that must match a headless run exactly."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from rnnviz.engine.presets import load_preset
from rnnviz.engine.trainer import Trainer
from rnnviz.ui.workers import ProcessTrainingWorker, training_child
from tests.ui.threads import lingering

TIMEOUT = 60_000  # the first start spawns the child and imports torch there (20 s under load)


@pytest.fixture
def process_window(make_window, monkeypatch):
    monkeypatch.setenv("RNNVIZ_WORKER", "process")

    def make(preset: str = "lecture_lstm"):
        window = make_window(preset)
        assert isinstance(window.worker, ProcessTrainingWorker)
        return window

    return make


def loss_points(window) -> int:
    x, _ = window.panels["loss"].raw_curve.getData()
    return 0 if x is None else len(x)


def settle(qtbot, window, step: int) -> None:
    qtbot.waitUntil(lambda: window.shown_step == step and not window.running, timeout=TIMEOUT)


def test_run_step_pause_and_close_leave_no_child(qtbot, process_window):
    window = process_window("lecture_lstm")
    window.step_once()
    settle(qtbot, window, 1)
    assert window.trainer.step_count == 1 and len(window.trainer.history) == 1
    window.step_once()
    settle(qtbot, window, 2)
    assert window.trainer.step_count == 2
    window.run()
    assert window.running
    qtbot.waitUntil(lambda: window.shown_step >= 8 and loss_points(window) >= 8, timeout=TIMEOUT)
    window.pause()
    assert not window.running
    stopped_at = window.trainer.step_count
    assert window.shown_step == stopped_at  # everything the child trained is in the mirror
    assert len(window.trainer.history) == stopped_at
    assert window.worker.process.is_alive()  # pause keeps the child for the next start
    window.step_once()
    settle(qtbot, window, stopped_at + 1)
    child = window.worker.process
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= stopped_at + 3, timeout=TIMEOUT)
    window.close()  # while training
    assert not window.running and not child.is_alive()
    assert not multiprocessing.active_children()
    assert not lingering()


def test_mirror_history_equals_a_headless_run(qtbot, process_window):
    window = process_window("adding_rnn")
    window.run_steps(30)
    settle(qtbot, window, 30)
    headless = Trainer.from_preset(load_preset("adding_rnn"))
    for _ in range(30):
        headless.step(record=False)
    mirror = window.trainer.history
    np.testing.assert_array_equal(mirror.series("loss"), headless.history.series("loss"))
    np.testing.assert_array_equal(mirror.series("grad_norm"), headless.history.series("grad_norm"))
    expected = headless.weights()
    got = window.trainer.weights()
    assert all(np.array_equal(expected[k], got[k]) for k in expected)
    steps, _ = mirror.trajectory_array()
    assert steps[-1] == 30
    assert [s for s, _ in mirror.checkpoints] == [s for s, _ in headless.history.checkpoints]


def test_reset_returns_to_step_zero_with_seed_weights(qtbot, process_window):
    window = process_window("adding_rnn")
    initial = window.trainer.weights()
    window.run_steps(5)
    settle(qtbot, window, 5)
    old = window.worker.process
    assert any(not np.array_equal(initial[k], v) for k, v in window.trainer.weights().items())
    window.reset()
    # the old child is told to stop and reaped off the GUI thread (issue 23, target 6: the
    # window waited up to 1 s for it): gone soon, never waited for
    qtbot.waitUntil(lambda: not old.is_alive(), timeout=TIMEOUT)
    assert window.trainer.step_count == 0 and window.shown_step == 0
    assert len(window.trainer.history) == 0 and loss_points(window) == 0
    after = window.trainer.weights()
    assert all(np.array_equal(initial[k], after[k]) for k in initial)
    new = window.worker.process  # a fresh child, started at once for the next run
    assert new is not None and new is not old and new.is_alive()
    window.run_steps(2)
    settle(qtbot, window, 2)
    fresh = Trainer.from_preset(load_preset("adding_rnn"))
    assert [r.loss for r in (fresh.step(record=False), fresh.step(record=False))] == list(
        window.trainer.history.series("loss")
    )


def test_live_lr_change_is_applied_and_marked(qtbot, process_window):
    window = process_window("adding_rnn")
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= 3, timeout=TIMEOUT)
    lr = window.trainer.config.lr / 2
    window.sidebar.training.lr.setValue(lr)
    qtbot.waitUntil(lambda: bool(window.trainer.history.events), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.trainer.history.last.lr == lr, timeout=TIMEOUT)
    window.pause()
    event = window.trainer.history.events[0]
    assert event.text.startswith("lr ")
    lrs = window.trainer.history.series("lr")
    steps = window.trainer.history.series("step")
    # the mark is at the step after which the child applied it
    assert np.all(lrs[steps > event.step] == lr) and np.all(lrs[steps <= event.step] != lr)
    assert window.trainer.config.lr == lr


def test_live_gradients_of_reaches_the_child(qtbot, process_window):
    window = process_window("adding_lstm")
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= 3, timeout=TIMEOUT)
    combo = window.sidebar.training.gradients_of
    combo.setCurrentIndex(combo.findData("batch"))
    history = window.trainer.history
    qtbot.waitUntil(
        lambda: history.record_at(history.last.step).gradients_of == "batch", timeout=TIMEOUT
    )
    window.pause()
    assert window.trainer.config.gradients_of == "batch"
    assert [e.text for e in history.events] == ["dL/dh_t of the batch"]


def test_divergence_auto_pauses_with_the_message(qtbot, process_window):
    window = process_window("exploding_linear")
    window.sidebar.training.lr.setValue(10.0)
    window.run()
    qtbot.waitUntil(lambda: not window.running, timeout=TIMEOUT)
    assert window.trainer.diverged
    assert "exploded" in window.banner_text
    assert window.status_state.text() == "diverged"
    window.run()  # refused
    assert not window.running and "Reset" in window.banner_text


def test_the_child_starts_with_the_window_and_its_death_is_reported(qtbot, process_window):
    window = process_window()
    assert window.worker.process is not None and window.worker.process.is_alive()  # prestarted
    window.run()
    qtbot.waitUntil(lambda: window.shown_step > 0, timeout=TIMEOUT)
    window.worker.process.kill()
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=TIMEOUT)
    assert "the training process ended unexpectedly" in window.banner_text
    assert not window.running


def _headless_losses(preset: str, steps: int) -> np.ndarray:
    headless = Trainer.from_preset(load_preset(preset))
    for _ in range(steps):
        headless.step(record=False)
    return headless.history.series("loss")


def test_a_child_killed_while_paused_is_replaced_from_the_exact_state(qtbot, process_window):
    """Issue 17, defect 8: the window holds the paused run's exact state, so Run goes on in
    a new process as if nothing had happened (the same losses as a headless run)."""
    window = process_window("adding_rnn")
    window.run_steps(12)
    settle(qtbot, window, 12)
    dead = window.worker.process
    dead.kill()
    dead.join(5)
    window.run_steps(8)
    settle(qtbot, window, 20)
    assert window.worker.process is not dead and window.worker.process.is_alive()
    np.testing.assert_array_equal(
        window.trainer.history.series("loss"), _headless_losses("adding_rnn", 20)
    )
    assert window.last_error is None


def test_a_child_killed_mid_run_goes_on_from_the_last_checkpoint(qtbot, process_window):
    window = process_window("adding_rnn")
    window.transport.set_speed(None)
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= 60, timeout=60_000)
    window.worker.process.kill()
    qtbot.waitUntil(lambda: window.last_error is not None and not window.running, timeout=TIMEOUT)
    assert "Run continues from the last checkpoint" in window.banner_text
    # steps arrive in batches, so the child may have died well past step 60: the run goes on
    # from the newest checkpoint (every 50 steps) at or before the last step received
    lost_at = window.trainer.step_count
    checkpoint = lost_at // 50 * 50
    assert checkpoint >= 50
    window.run_steps(5)
    assert f"training goes on from the checkpoint at step {checkpoint}" in window.banner_text
    settle(qtbot, window, checkpoint + 5)
    np.testing.assert_array_equal(
        window.trainer.history.series("loss"), _headless_losses("adding_rnn", checkpoint + 5)
    )


def test_a_stopped_child_is_reported_in_the_window_and_reset_recovers(qtbot, process_window):
    import os
    import signal

    window = process_window("adding_rnn")
    window.run_steps(2)
    settle(qtbot, window, 2)
    window.run()
    qtbot.waitUntil(lambda: window.shown_step >= 4, timeout=TIMEOUT)
    child = window.worker.process
    os.kill(child.pid, signal.SIGSTOP)
    try:  # the window never reads a half-written message of a stopped child: no freeze
        qtbot.waitUntil(
            lambda: "the training process is stopped" in window.banner_text, timeout=TIMEOUT
        )
        window.pause()
        assert "The training process does not answer" in window.banner_text
    finally:
        os.kill(child.pid, signal.SIGCONT)
    window.reset()
    assert window.trainer.step_count == 0
    # a reset leaves the discarded child to a reaper thread (the window does not wait)
    qtbot.waitUntil(lambda: not child.is_alive(), timeout=TIMEOUT)
    window.run_steps(2)
    settle(qtbot, window, 2)


def test_a_preset_switch_does_not_wait_for_a_child_still_starting(qtbot, process_window):
    """Issue 23, target 6: a reset or another preset waited out the full 1 s shutdown when
    the child was still importing torch (it reads "stop" only once it serves). Now the old
    child is left to a reaper thread and nothing is reported as stuck."""
    window = process_window("adding_rnn")
    warnings = []
    window.run_control.warned.connect(warnings.append)
    starting = window.worker.process
    window.new_from_preset("sine_gru")  # at once: the child is still starting
    assert window.worker.process is not starting
    assert not [w for w in warnings if "does not answer" in w]
    reapers = list(training_child.REAPERS)
    assert reapers, "the starting child was handed to a reaper"
    qtbot.waitUntil(lambda: not starting.is_alive(), timeout=TIMEOUT)
    window.close()
    assert not any(r.is_alive() for r in reapers)


def test_a_run_waiting_for_the_child_to_start_says_so(qtbot, process_window):
    """Issue 16, defect 4: after Run, seconds of "running / 0 steps/s" passed in silence
    while the training process imported torch."""
    window = process_window("adding_rnn")
    window.run()
    if not window.worker.starting:
        pytest.skip("the training process was ready before Run (nothing to wait for)")
    qtbot.waitUntil(lambda: window.status_rate.text() == "starting the trainer…")
    qtbot.waitUntil(lambda: window.shown_step > 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.status_rate.text().endswith("steps/s"))
    window.pause()
