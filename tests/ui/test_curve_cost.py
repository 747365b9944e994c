"""Issue 23, target 7: the per-step curves hand the painter no more points than their view
can show (curve_cost.py), and what they draw stays true: the per-step loss keeps every spike
and dip (its min and max per pixel column), the moving average passes through its own
values. Checked in the real window's loss panel on a long history written here."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from rnnviz.engine.history import History
from rnnviz.engine.record import StepRecord
from rnnviz.ui.panels.curve_cost import SMOOTH_PX

STEPS = 6000


def long_history() -> tuple[History, np.ndarray]:
    rng = np.random.default_rng(7)
    loss = np.exp(rng.normal(size=STEPS)) * np.linspace(2.0, 0.1, STEPS)
    loss[1234] = 1e3  # a spike and a dip, each one step wide
    loss[4321] = 1e-6
    loss[-2] = 1e4  # and a spike among the newest steps, which a user watching looks at
    history = History()
    for step, value in enumerate(loss, start=1):
        history.append(StepRecord(step, float(value), 0.1, 1.0, 1.0, False))
    return history, loss


def test_long_curves_are_drawn_with_few_points_and_keep_their_extremes(qtbot, make_window):
    window = make_window("lecture_lstm")
    window.show_panel("loss")
    panel = window.panels["loss"]
    history, loss = long_history()
    panel.show_record(history.last, history)
    QApplication.processEvents()
    width = panel.loss_plot.vb.width()
    assert 200 < width < STEPS / 4  # the curves have many more points than pixels

    x, y = panel.raw_curve.curve.getData()  # what is painted (log10 of the loss)
    assert len(x) <= 2 * (width + 2) + STEPS / width  # (the newest bin's points)
    assert x[-1] == STEPS  # on to the newest step
    drawn = 10.0 ** np.asarray(y, dtype=float)
    np.testing.assert_allclose(drawn.max(), loss.max(), rtol=1e-9)  # the spike
    np.testing.assert_allclose(drawn.min(), loss.min(), rtol=1e-9)  # and the dip

    x, y = panel.smooth_curve.curve.getData()
    assert len(x) <= width / SMOOTH_PX + 4
    steps = np.asarray(x, dtype=int)
    assert np.all(np.diff(steps) > 0) and steps[0] <= 5 and steps[-1] == STEPS
    _, average = panel.smooth_curve.getOriginalDataset()  # (getData: what is painted)
    # each drawn point is the average's own value at its step (log10 on the log axis)
    np.testing.assert_allclose(10.0 ** np.asarray(y), average[steps - 1], rtol=1e-9)
