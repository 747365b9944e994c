"""The training-step timeline: marks of a real run's history, the cursor moved by mouse
presses, drags and keys, the state label and "Continue from here"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from rnnviz.engine.presets import load_preset
from rnnviz.engine.trainer import Trainer
from rnnviz.session.cursor import Cursor
from rnnviz.ui import style
from rnnviz.ui.timeline import Timeline
from rnnviz.ui.timeline_strip import nice_tick_step

STEPS = 120
LR_AFTER = 60  # the learning rate changes after this many steps


@pytest.fixture(scope="module")
def trained():
    """A real run: 120 steps of lecture_lstm, a full record every 10th (steps 1, 11, ...
    111), checkpoints at 0, 50, 100 and an lr event after step 60."""
    trainer = Trainer.from_preset(load_preset("lecture_lstm"))
    for i in range(STEPS):
        if i == LR_AFTER:
            trainer.set_lr(0.005)
        trainer.step(record=(i % 10 == 0))
    return trainer


@pytest.fixture
def timeline(qtbot, trained):
    cursor = Cursor()
    widget = Timeline(cursor)
    qtbot.addWidget(widget)
    widget.resize(1280, widget.sizeHint().height())
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()  # for keyboard focus
    qtbot.waitActive(widget)
    widget.set_history(trained.history, trained.step_count)
    return widget


def point(widget: Timeline, step: float) -> QPoint:
    """Where the strip draws ``step`` (on the track)."""
    strip = widget.strip
    _, top, bottom, _ = strip._rows()
    return QPoint(round(strip.x_of(step)), round(0.5 * (top + bottom)))


def test_history_is_read(timeline, trained):
    history = trained.history
    assert timeline.kept_steps == list(range(1, STEPS, 10)) == history.kept_steps
    assert timeline.checkpoint_steps == [0, 50, 100]
    assert [(e.step, e.kind) for e in timeline.events] == [(LR_AFTER, "lr")]
    assert timeline.live_step == timeline.axis_end == STEPS
    assert timeline.state_label.text() == f"Live — step {STEPS}"
    assert not timeline.live_button.isEnabled()
    assert not timeline.continue_button.isEnabled()


def test_set_history_redraws_only_on_change(qtbot, timeline, trained):
    assert not timeline.set_history(trained.history, trained.step_count)
    assert timeline.set_history(trained.history, trained.step_count + 1)
    assert timeline.state_label.text() == f"Live — step {STEPS + 1}"
    timeline.set_history(trained.history, trained.step_count)
    qtbot.waitUntil(lambda: timeline.strip.paints > 0)
    paints = timeline.strip.paints
    for _ in range(5):
        assert not timeline.set_history(trained.history, trained.step_count)
    timeline.strip.repaint()  # a forced paint, to be sure no update was left pending
    assert timeline.strip.paints == paints + 1


def test_press_snaps_to_nearest_kept_step(qtbot, timeline):
    cursor = timeline.cursor
    with qtbot.waitSignal(cursor.step_changed) as blocker:
        qtbot.mousePress(timeline.strip, Qt.MouseButton.LeftButton, pos=point(timeline, 48))
    assert blocker.args == [51]
    assert cursor.step == 51
    qtbot.mouseRelease(timeline.strip, Qt.MouseButton.LeftButton, pos=point(timeline, 48))
    assert timeline.state_label.text() == f"Viewing step 51 of {STEPS} — back to Live (End)"
    assert timeline.live_button.isEnabled()
    assert timeline.strip.hasFocus()
    # past the end: the newest kept step, never beyond it
    qtbot.mouseClick(timeline.strip, Qt.MouseButton.LeftButton, pos=point(timeline, STEPS))
    assert cursor.step == 111


def test_drag_follows_the_mouse(qtbot, timeline):
    cursor = timeline.cursor
    strip = timeline.strip
    qtbot.mousePress(strip, Qt.MouseButton.LeftButton, pos=point(timeline, 19))
    assert cursor.step == 21
    seen = []
    cursor.step_changed.connect(seen.append)
    for step, nearest in ((33, 31), (64, 61), (87, 91)):
        QTest.mouseMove(strip, point(timeline, step))
        qtbot.waitUntil(lambda want=nearest: seen[-1:] == [want])
    assert seen == [31, 61, 91]
    qtbot.mouseRelease(strip, Qt.MouseButton.LeftButton, pos=point(timeline, 87))
    # without a button held, moving does nothing
    QTest.mouseMove(strip, point(timeline, 10))
    QApplication.processEvents()
    assert cursor.step == 91
    cursor.step_changed.disconnect(seen.append)


def test_keys_and_live_button(qtbot, timeline):
    cursor = timeline.cursor
    strip = timeline.strip
    timeline.setFocus()
    qtbot.waitUntil(strip.hasFocus)
    qtbot.keyClick(strip, Qt.Key.Key_Left)  # from Live: the newest kept step
    assert cursor.step == 111
    qtbot.keyClick(strip, Qt.Key.Key_Left)
    assert cursor.step == 101
    qtbot.keyClick(strip, Qt.Key.Key_Right)
    assert cursor.step == 111
    with qtbot.waitSignal(cursor.step_changed) as blocker:
        qtbot.keyClick(strip, Qt.Key.Key_End)
    assert blocker.args == [None]
    assert cursor.live
    assert timeline.state_label.text() == f"Live — step {STEPS}"
    qtbot.keyClick(strip, Qt.Key.Key_Home)
    assert cursor.step == 1
    qtbot.keyClick(strip, Qt.Key.Key_Left)  # nothing before the first kept step
    assert cursor.step == 1
    # a step set elsewhere (the loss curve), between kept steps: Right goes to the next
    cursor.set_step(45)
    assert timeline.state_label.text() == f"Viewing step 45 of {STEPS} — back to Live (End)"
    qtbot.keyClick(strip, Qt.Key.Key_Right)
    assert cursor.step == 51
    qtbot.mouseClick(timeline.live_button, Qt.MouseButton.LeftButton)
    assert cursor.live
    assert not timeline.live_button.isEnabled()


def test_continue_from_the_checkpoint_before_the_viewed_step(qtbot, timeline):
    button = timeline.continue_button
    qtbot.mouseClick(timeline.strip, Qt.MouseButton.LeftButton, pos=point(timeline, 80))
    assert timeline.cursor.step == 81
    assert button.isEnabled()
    assert "checkpoint at step 50" in button.toolTip()
    assert "later history is discarded" in button.toolTip()
    with qtbot.waitSignal(timeline.continue_requested) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == [50]
    qtbot.mouseClick(timeline.strip, Qt.MouseButton.LeftButton, pos=point(timeline, 30))
    with qtbot.waitSignal(timeline.continue_requested) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == [0]
    timeline.cursor.set_step(None)
    assert not button.isEnabled()


def test_tooltips_explain_the_marks(timeline):
    strip = timeline.strip
    event_tip = strip.tooltip_at(strip.x_of(LR_AFTER))
    assert "-&gt; 0.005</b> after step 60" in event_tip
    assert "learning rate changed" in event_tip
    assert "Checkpoint at step 50" in strip.tooltip_at(strip.x_of(50))
    assert "Kept record of step 81" in strip.tooltip_at(strip.x_of(81))
    assert "kept records" in strip.tooltip_at(-100)


def test_no_run_and_no_kept_steps(qtbot, timeline):
    cursor = timeline.cursor
    assert timeline.set_history(None, 0)
    assert timeline.state_label.text() == "No run"
    assert timeline.kept_steps == [] and timeline.events == []
    qtbot.mouseClick(timeline.strip, Qt.MouseButton.LeftButton, pos=point(timeline, 0))
    assert cursor.live
    # a run with scalar steps only: nothing to snap to
    trainer = Trainer.from_preset(load_preset("lecture_lstm"))
    for _ in range(3):
        trainer.step(record=False)
    timeline.set_history(trainer.history, trainer.step_count)
    assert timeline.state_label.text() == "Live — step 3"
    qtbot.mouseClick(timeline.strip, Qt.MouseButton.LeftButton, pos=point(timeline, 2))
    assert cursor.live
    qtbot.keyClick(timeline.strip, Qt.Key.Key_Left)
    assert cursor.live


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_text_fits_at_both_text_sizes(qtbot, trained, scale):
    style.set_scale(QApplication.instance(), scale)
    widget = Timeline(Cursor())
    qtbot.addWidget(widget)
    widget.set_history(trained.history, trained.step_count)
    widget.cursor.set_step(51)
    widget.resize(1280, widget.sizeHint().height())
    widget.show()
    qtbot.waitExposed(widget)
    label = widget.state_label
    assert label.text() == f"Viewing step 51 of {STEPS} — back to Live (End)"
    metrics = label.fontMetrics()
    assert label.contentsRect().width() >= metrics.horizontalAdvance(label.text())
    assert label.height() >= metrics.height()
    for button in (widget.live_button, widget.continue_button):
        assert button.width() >= button.sizeHint().width()
    strip = widget.strip
    assert strip.height() >= strip.sizeHint().height()
    line = strip._metrics().height()
    assert strip.sizeHint().height() >= 2.5 * line  # glyphs, track, axis labels
    # narrower: the short wording, still whole
    widget.resize(widget.minimumSizeHint().width(), widget.height())
    qtbot.waitUntil(lambda: label.text() == f"Step 51 of {STEPS} (End: Live)")
    assert label.contentsRect().width() >= metrics.horizontalAdvance(label.text())


def test_nice_tick_steps():
    assert nice_tick_step(120, 1200, 40) == 5
    assert nice_tick_step(3000, 1200, 60) == 200
    assert nice_tick_step(10, 1000, 30) == 1
    assert nice_tick_step(123456, 1200, 80) == 10000
