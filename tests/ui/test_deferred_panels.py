"""Panels that do not apply to the window's first run are built later (deferred_panel.py):
they must work exactly as before once a run they apply to starts, their dock is shown, or
anyone reads ``window.panels``."""

from __future__ import annotations

from rnnviz.ui.deferred_panel import DeferredPanel
from rnnviz.ui.panels.ctc_lattice import CTCLatticePanel
from rnnviz.ui.panels.ntm_memory import NTMMemoryPanel

TIMEOUT = 20_000


def stand_ins(window) -> set[str]:
    return {k for k, p in window.display.panels.items() if isinstance(p, DeferredPanel)}


def in_dock(window, key):
    """The panel the dock of ``key`` holds (scroll area -> holder -> panel)."""
    return window.docks[key].widget().widget().panel


def test_panels_of_other_runs_wait_and_are_built_for_a_run_they_apply_to(qtbot, make_window):
    window = make_window("lecture_lstm")
    deferred = stand_ins(window)
    # exactly the panels that do not apply to this run, and their docks are set aside
    context = window.run_control.context()
    applying = {k for k, p in window.display.panels.items() if p.applies(context)}
    assert "ctc_lattice" in deferred and not (deferred & applying) and "loss" not in deferred
    assert all(window.docks[k].isHidden() for k in deferred)
    assert set(window.display.applicable_keys()).isdisjoint(deferred)
    # a CTC run: the lattice is built in its dock, started for that run, and drawn
    window.load_preset("ctc_repeats")
    panel = window.display.panels["ctc_lattice"]
    assert isinstance(panel, CTCLatticePanel) and in_dock(window, "ctc_lattice") is panel
    assert panel.context is not None and panel.context.task is window.trainer.task
    assert "ctc_lattice" not in stand_ins(window) and "ntm_memory" in stand_ins(window)
    window.show_panel("ctc_lattice")
    qtbot.waitUntil(lambda: panel.view is not None, timeout=TIMEOUT)


def test_a_stand_in_shown_from_the_view_menu_is_built_and_says_what_it_is_for(qtbot, make_window):
    window = make_window("lecture_lstm")
    assert "ntm_memory" in stand_ins(window)
    window.docks["ntm_memory"].toggleViewAction().trigger()  # View ▸ NTM memory,
    window.docks["ntm_memory"].raise_()  # then its tab
    qtbot.waitUntil(lambda: "ntm_memory" not in stand_ins(window), timeout=TIMEOUT)
    panel = window.display.panels["ntm_memory"]
    assert isinstance(panel, NTMMemoryPanel) and in_dock(window, "ntm_memory") is panel
    assert panel.context is window.display.panels["loss"].context  # this run's
    assert panel.isVisible()


def test_window_panels_hands_out_built_panels_only(make_window):
    window = make_window("lecture_lstm")
    assert stand_ins(window)
    panels = window.panels
    assert not stand_ins(window)
    assert not any(isinstance(p, DeferredPanel) for p in panels.values())
    assert all(in_dock(window, k) is p for k, p in panels.items())
    assert list(panels) == list(window.docks)  # the dock order is kept
