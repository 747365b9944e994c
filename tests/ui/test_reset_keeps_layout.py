"""A Reset starts the same run again and keeps the window's layout: after training a few
steps and pressing Reset, the tab groups, their titles and where they lie are those of a
window started on the preset, in the compact layout of a small window with large text (where
the tab titles are fitted) and at a larger size. (Issue 23: a Reset that skipped laying the
tab groups out took half the GUI thread's time in its call, but the layout then ran in the
next turn of the event loop, which grew by as much: the longest stall did not shrink.)"""

from __future__ import annotations

import pytest

from tests.ui.test_refit_layouts import assert_same_layout, layout_of, started_on
from tests.ui.test_tab_refit import shown
from tests.ui.test_transport import TIMEOUT, click


@pytest.mark.parametrize(
    ("size", "scale", "preset"),
    [((1280, 720), 1.5, "date_attention"), ((1600, 1000), 1.0, "lecture_lstm")],
)
def test_reset_keeps_the_layout_of_a_window_started_on_the_preset(
    qtbot, tmp_path, size, scale, preset
):
    want = started_on(qtbot, tmp_path, preset, size, scale)
    window = shown(qtbot, tmp_path, size, scale, preset)
    window.confirm_discard = False
    window.run_steps(3)
    qtbot.waitUntil(lambda: window.shown_step == 3 and not window.running, timeout=TIMEOUT)
    click(qtbot, window, window.transport.reset_action)
    qtbot.waitUntil(lambda: window.trainer.step_count == 0, timeout=TIMEOUT)
    assert_same_layout(layout_of(window), want)
    window.close()
