"""Issue 16: the lesson strip's "more" (and "walk through") must be on screen at 1280x720 in
presentation mode, at text size 1.0 and 1.5. In a tool bar, items that do not fit go into
its "»" overflow menu, and the strip's one-line label claimed the whole width: "more" was
hidden there. Checked by geometry against what the window shows (layout_check.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication

from tests.ui.layout_check import visible_rect

TEXT_SIZES = (1.0, 1.5)


@pytest.fixture
def small_window(qtbot, make_window):
    """A window on ``preset`` at 1280x720, text size 1.0 (its own settings file)."""

    def make(preset: str):
        window = make_window(preset)
        window.resize(1280, 720)
        qtbot.waitUntil(lambda: window.width() == 1280)
        return window

    yield make


def whole_on_screen(button, window) -> list[str]:
    """What is wrong with ``button`` as the window shows it (empty: nothing)."""
    problems = []
    if not button.isVisible():
        return [f"{button.text()!r} hidden (in the tool bar's overflow menu)"]
    if visible_rect(button, window) != button.rect():
        problems.append(f"{button.text()!r} clipped to {visible_rect(button, window)}")
    top_left = button.mapTo(window, QPoint(0, 0))
    if not window.rect().contains(QRect(top_left, button.size())):
        problems.append(f"{button.text()!r} outside the window at {top_left}")
    if button.width() < button.sizeHint().width():
        problems.append(f"{button.text()!r} narrower than its text")
    return problems


@pytest.mark.parametrize("preset", ["lecture_lstm", "char_lstm", "slot_filling_bilstm"])
def test_more_fits_at_1280x720_in_presentation_mode(qtbot, small_window, preset):
    window = small_window(preset)
    strip = window.lesson
    assert not strip.more.isHidden(), "the preset's description is longer than a sentence"
    window.presentation.enter()
    assert window.presentation.active
    problems = []
    for text_size in TEXT_SIZES:
        window.set_text_size(text_size)
        for expanded in (False, True, False):
            strip.more.setChecked(expanded)
            QApplication.processEvents()
            assert (window.width(), window.height()) == (1280, 720)
            where = f"text {text_size}, {'unfolded' if expanded else 'one line'}"
            buttons = [strip.more] + ([strip.walk] if not strip.walk.isHidden() else [])
            for button in buttons:
                problems += [f"{where}: {p}" for p in whole_on_screen(button, window)]
            # the text ends before the buttons begin
            right = strip.label.mapTo(window, QPoint(strip.label.width(), 0)).x()
            left = min(b.mapTo(window, QPoint(0, 0)).x() for b in buttons)
            if right > left:
                problems.append(f"{where}: the text runs under the buttons ({right} > {left})")
    window.presentation.leave()
    assert not problems, "\n".join(problems)


def test_more_still_unfolds_the_description(qtbot, small_window):
    window = small_window("char_lstm")
    strip = window.lesson
    window.presentation.enter()
    QApplication.processEvents()
    strip.more.click()
    assert strip.more.isChecked() and " ".join(strip.description.split()) in strip.text
    strip.more.click()
    assert not strip.more.isChecked()
    window.presentation.leave()


def test_the_lesson_line_never_widens_the_window(qtbot, small_window):
    """After the first step the strip's line becomes the preset's first sentence; as a tool
    bar item its whole text was the window's minimum width: adding_lstm's window grew from
    1600 to 2230 pixels after a step."""
    window = small_window("adding_lstm")
    strip = window.lesson
    strip.trained()  # the hint gives way to the first sentence (what a trained step does)
    assert strip.label.fontMetrics().horizontalAdvance(strip.text) > 1280
    assert window.minimumSizeHint().width() <= 1280 and window.width() == 1280
