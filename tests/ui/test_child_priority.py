"""The training child runs nicer than the window (child_priority.py): the GUI thread then
gets a CPU when it wakes to draw, on a machine whose cores the training keeps busy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rnnviz.ui.child_priority import CHILD_NICE, child_nice, lower_priority
from rnnviz.ui.workers import ProcessTrainingWorker

pytestmark = pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX priorities")


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_lower_priority_adds_the_increment_to_our_niceness(monkeypatch):
    monkeypatch.delenv("RNNVIZ_CHILD_NICE", raising=False)
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    child = _sleeper()
    try:
        assert lower_priority(child.pid)
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == min(19, mine + CHILD_NICE)
    finally:
        child.kill()
        child.wait()


def test_an_increment_of_zero_leaves_the_priority_alone(monkeypatch):
    monkeypatch.setenv("RNNVIZ_CHILD_NICE", "0")
    child = _sleeper()
    try:
        assert not lower_priority(child.pid)
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == os.getpriority(os.PRIO_PROCESS, 0)
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize(("text", "increment"), [("3", 3), ("-5", 0), ("x", CHILD_NICE)])
def test_the_override_is_read_safely(monkeypatch, text, increment):
    monkeypatch.setenv("RNNVIZ_CHILD_NICE", text)
    assert child_nice() == increment


def test_the_windows_training_child_runs_nicer(qtbot, make_window, monkeypatch):
    monkeypatch.setenv("RNNVIZ_WORKER", "process")
    monkeypatch.delenv("RNNVIZ_CHILD_NICE", raising=False)
    window = make_window("lecture_lstm")
    assert isinstance(window.worker, ProcessTrainingWorker)
    pid = window.worker.process.pid  # prestarted with the window
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, mine + CHILD_NICE)
