"""Every panel's header names the training step it shows: live, and after scrubbing the
timeline to an earlier kept step in the real window; a click on the loss curve is labelled
as the way to select a step."""

from PySide6.QtCore import QPoint, Qt

from tests.ui.test_sessions_window import TIMEOUT, _train


def _trained(qtbot, make_window):
    """adding_lstm trained 40 steps in runs of 10 (each run keeps its last step's record)."""
    window = make_window("adding_lstm")
    window.transport.set_speed(None)
    for _ in range(4):
        _train(qtbot, window, 10)
    return window


def _visible_panels(window) -> list[str]:
    return [key for key in window.panels if window.display.on_screen(key)]


def _header_names(panel, step: int) -> bool:
    tag = panel.step_tag
    return tag.isVisible() and tag.text().split(" ·")[0] == f"step {step}"


def test_every_panel_header_names_the_viewed_step(qtbot, make_window):
    window = _trained(qtbot, make_window)
    history = window.trainer.history
    kept = history.kept_steps
    assert len(kept) >= 3
    live = window.trainer.step_count
    # live: the panels on screen name the newest step they drew, and say it is live
    for key in _visible_panels(window):
        tag = window.panels[key].step_tag
        qtbot.waitUntil(lambda tag=tag: tag.text().endswith("· live"), timeout=TIMEOUT)
    assert window.panels["loss"].step_tag.text() == f"step {live} · live"

    # scrub the timeline (a press on the strip) to an earlier kept step
    target = kept[len(kept) // 2]
    strip = window.timeline.strip
    pos = QPoint(round(strip.x_of(target)), strip.height() // 2)
    qtbot.mousePress(strip, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(strip, Qt.MouseButton.LeftButton, pos=pos)
    assert window.cursor.step == target and target != live
    # every panel, each brought to the front in turn, names that step
    for key in window.panels:
        window.show_panel(key)
        panel = window.panels[key]
        qtbot.waitUntil(lambda p=panel: _header_names(p, target), timeout=TIMEOUT)
        assert "live" not in panel.step_tag.text()
    assert history.record_at(target).step == target

    # back to Live: the tags follow the newest step again
    window.timeline.go_live()
    for key in _visible_panels(window):
        panel = window.panels[key]
        qtbot.waitUntil(lambda p=panel: p.step_tag.text() == f"step {live} · live", timeout=TIMEOUT)


def test_clicking_the_loss_curve_is_labelled_and_selects_a_kept_step(qtbot, make_window):
    window = _trained(qtbot, make_window)
    loss = window.panels["loss"]
    assert loss.click_hint.isVisible() and "click" in loss.click_hint.text()
    assert "Click the loss curve" in loss.plots.toolTip()
    kept = window.trainer.history.kept_steps
    # between two kept steps: the kept one before it is shown
    before = next(a for a, b in zip(kept, kept[1:], strict=False) if b - a >= 3)
    target = before + 2
    vb = loss.loss_plot.vb
    qtbot.waitUntil(lambda: loss._drawn_len > 0, timeout=TIMEOUT)
    middle = vb.viewRect().center()
    middle.setX(target)
    pos = loss.plots.mapFromScene(vb.mapViewToScene(middle))
    qtbot.mouseClick(loss.plots.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: window.cursor.step is not None, timeout=TIMEOUT)
    assert window.cursor.step == before
    qtbot.waitUntil(lambda: _header_names(loss, before), timeout=TIMEOUT)
