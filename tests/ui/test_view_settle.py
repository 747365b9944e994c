"""Issue 23, target 7: a panel drawn once is painted once (view_settle.py). pyqtgraph fitted
an auto-ranged view to new data inside the paint, and the range it set asked for a second
paint of the whole view. Checked in the real window: the loss panel drawn by the display for
records whose loss leaves the view's range each time, its view's paints counted."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from rnnviz.engine.record import StepRecord

DRAWS = 6


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def drain() -> None:
    for _ in range(5):  # a paint that asks for another is served by a later turn
        QApplication.processEvents()


def test_each_draw_of_a_growing_loss_is_painted_once(qtbot, make_window):
    window = make_window("lecture_lstm")
    window.show_panel("loss")
    panel = window.panels["loss"]
    counter = PaintCounter()
    panel.plots.viewport().installEventFilter(counter)
    history = window.trainer.history  # the run's, as training fills it
    assert len(history) == 0
    state = window.display._frame_state()
    for step in range(1, 40 + DRAWS):
        # each step's loss 10^(1/4) times the last: the view's range changes with every draw
        record = StepRecord(step, 10.0 ** (step / 4), 0.1, 1.0, 1.0, False)
        history.append(record)
        if step >= 39:  # the first draw lays the plot out for data (axes, legend): not counted
            window.display._draw_panel("loss", record, state)
            drain()
        if step == 39:
            counter.paints = 0
    assert counter.paints == DRAWS
