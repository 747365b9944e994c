"""Panels out of sight at start (not applying to the window's first run, or behind another
tab) are built later (deferred_panel.py): they must work exactly as before once their dock
comes on screen, or anyone reads ``window.panels`` (test_back_tab_panels.py compares what
they draw with panels built at start)."""

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


def test_panels_out_of_sight_wait_and_are_built_for_a_run_they_apply_to(qtbot, make_window):
    window = make_window("lecture_lstm")
    deferred = stand_ins(window)
    # built: exactly the panels on screen; the others wait, those that do not apply to
    # this run with their docks set aside, those behind another tab in their tab group
    on_screen = {k for k in window.docks if window.display.on_screen(k)}
    assert "loss" in on_screen and deferred == set(window.docks) - on_screen
    context = window.run_control.context()
    not_applying = {k for k, p in window.display.panels.items() if not p.applies(context)}
    assert "ctc_lattice" in not_applying and not_applying < deferred
    assert all(window.docks[k].isHidden() for k in not_applying)
    assert set(window.display.applicable_keys()).isdisjoint(not_applying)
    assert deferred - not_applying  # some that apply, behind a tab
    # a CTC run: the lattice's dock is shown; once in front it is built, started for that
    # run, and drawn
    window.load_preset("ctc_repeats")
    assert not window.docks["ctc_lattice"].isHidden()
    window.show_panel("ctc_lattice")
    panel = window.display.panels["ctc_lattice"]
    assert isinstance(panel, CTCLatticePanel) and in_dock(window, "ctc_lattice") is panel
    assert panel.context is not None and panel.context.task is window.trainer.task
    assert "ctc_lattice" not in stand_ins(window) and "ntm_memory" in stand_ins(window)
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
