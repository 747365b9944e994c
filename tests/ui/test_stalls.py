"""What the window does off its GUI thread to keep resets, preset switches and closing short
(issue 23, target 6) must not change what it shows: step 0 is still the untrained model,
a heatmap panel behind another tab is built when it is raised, and closing leaves nothing
running."""

from __future__ import annotations

import multiprocessing

import numpy as np
import psutil
import pytest

from rnnviz.ui.workers import ProcessTrainingWorker

TIMEOUT = 60_000  # a hang guard: children import torch, slow on a loaded machine


@pytest.mark.parametrize("worker", ["thread", "process"])
def test_step_zero_after_a_reset_is_the_untrained_model(qtbot, make_window, monkeypatch, worker):
    """After training and a reset, the memory panel shows the preview of a fresh trainer of
    the same settings (the same seed: the same initial weights), computed here; the process
    worker's window has it computed off the GUI thread."""
    monkeypatch.setenv("RNNVIZ_WORKER", worker)
    window = make_window("adding_lstm")
    window.show_panel("memory")
    window.run_steps(3)
    qtbot.waitUntil(lambda: window.shown_step == 3 and not window.running, timeout=TIMEOUT)
    with qtbot.waitSignal(window.display.step_zero_drawn, timeout=TIMEOUT):
        window.reset()
    assert window.trainer.step_count == 0
    fresh = window.run_settings.make_trainer()
    for name, value in fresh.weights().items():
        np.testing.assert_array_equal(window.trainer.weights()[name], value)
    expected = fresh.preview().sample.trace
    panel = window.panels["memory"]
    assert panel.sample is not None
    for key in ("c", "h"):
        np.testing.assert_allclose(
            panel.sample.trace[panel.chain][key], expected[panel.chain][key], rtol=1e-6
        )
    assert panel._stack_built and panel.stack.images["h"].image is not None


def test_a_heatmap_panel_behind_a_tab_is_built_when_raised(qtbot, make_window, monkeypatch):
    """The app's default worker (step 0 arrives from a helper thread after the reset)."""
    monkeypatch.setenv("RNNVIZ_WORKER", "process")
    window = make_window("adding_lstm")
    window.tabifyDockWidget(window.docks["memory"], window.docks["gates"])
    window.show_panel("memory")
    qtbot.waitUntil(lambda: window.docks["gates"].visibleRegion().isEmpty(), timeout=TIMEOUT)
    with qtbot.waitSignal(window.display.step_zero_drawn, timeout=TIMEOUT):
        window.reset()
    gates = window.panels["gates"]
    assert not gates._stack_built  # behind the memory tab: not built by the reset
    window.show_panel("gates")
    qtbot.waitUntil(lambda: gates._stack_built and gates.sample is not None, timeout=TIMEOUT)
    expected = window.run_settings.make_trainer().preview().sample.trace[gates.chain]
    for key in ("i", "f", "o"):
        shown = gates.stack.images[key].image
        assert shown is not None
        np.testing.assert_allclose(shown, expected[key], rtol=1e-6)


def test_a_rebuilt_stack_reuses_its_plots_for_as_many_rows(qtbot, make_window):
    """A reset keeps the gate panel's plots; a GRU's two gate rows take two of them back."""
    window = make_window("adding_lstm")
    window.show_panel("gates")
    gates = window.panels["gates"]
    qtbot.waitUntil(lambda: gates._stack_built, timeout=TIMEOUT)
    plots = dict(gates.stack.plots)
    window.reset()
    qtbot.waitUntil(lambda: gates._stack_built, timeout=TIMEOUT)
    assert gates.stack.plots == plots
    window.new_from_preset("sine_gru")
    window.show_panel("gates")
    qtbot.waitUntil(lambda: gates._stack_built and gates.sample is not None, timeout=TIMEOUT)
    assert sorted(gates.stack.plots) == ["r", "u"]
    assert set(gates.stack.plots.values()) < set(plots.values())  # 2 of the 3 made before
    expected = window.run_settings.make_trainer().preview().sample.trace[gates.chain]
    np.testing.assert_allclose(gates.stack.images["u"].image, expected["u"], rtol=1e-6)


@pytest.mark.parametrize("reset_first", [False, True])
def test_closing_while_training_leaves_no_child_process(
    qtbot, make_window, monkeypatch, reset_first
):
    """Closing while the process worker trains ends its child (and, after a reset, the
    discarded run's child left to a reaper): no process and no thread is left."""
    monkeypatch.setenv("RNNVIZ_WORKER", "process")
    window = make_window("lecture_lstm")
    window.run()
    qtbot.waitUntil(lambda: window.shown_step > 0, timeout=TIMEOUT)
    if reset_first:
        window.reset()
        window.run()
    window.close()
    assert not ProcessTrainingWorker._live
    assert multiprocessing.active_children() == []
    assert not [c for c in psutil.Process().children(recursive=True) if _spawned(c)]


def _spawned(process: psutil.Process) -> bool:
    """A child started by multiprocessing's spawn (a training process; not Xvfb nor
    multiprocessing's resource tracker)."""
    try:
        return "spawn_main" in " ".join(process.cmdline())
    except psutil.Error:  # ended meanwhile
        return False
