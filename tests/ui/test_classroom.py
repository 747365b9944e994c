"""In front of a class (issue 16): presentation mode driven by its keys in the real window,
and step 0 showing the untrained model instead of blank panels."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from rnnviz.engine.models import LECTURE_Y
from rnnviz.ui import style
from rnnviz.ui.lesson import FIRST_STEP_HINT
from rnnviz.ui.presentation import PROJECTOR_SCALE

TIMEOUT = 10_000


def _on_screen(window) -> list[str]:
    return [k for k, d in window.docks.items() if d.isVisible() and not d.isFloating()]


def _key(qtbot, window, key) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    qtbot.keyClick(window.focusWidget() or window, key)


def test_presentation_mode_shows_one_panel_large_and_gives_everything_back(qtbot, make_window):
    window = make_window("lecture_lstm")
    window.show_panel("cell_diagram")
    before = {k: d.isVisible() for k, d in window.docks.items()}
    assert style.SCALE == 1.0 and window.sidebar_dock.isVisible()

    _key(qtbot, window, Qt.Key.Key_F11)
    assert window.presentation.active
    assert not window.sidebar_dock.isVisible() and not window.timeline_dock.isVisible()
    assert style.SCALE == PROJECTOR_SCALE
    assert _on_screen(window) == ["cell_diagram"]
    dock = window.docks["cell_diagram"]
    assert dock.width() > 0.9 * window.width()  # it fills the window

    keys = list(window.docks)
    _key(qtbot, window, Qt.Key.Key_PageDown)
    following = keys[(keys.index("cell_diagram") + 1) % len(keys)]
    assert _on_screen(window) == [following]
    _key(qtbot, window, Qt.Key.Key_PageUp)
    assert _on_screen(window) == ["cell_diagram"]

    _key(qtbot, window, Qt.Key.Key_P)  # a pair, side by side
    assert sorted(_on_screen(window)) == sorted(["cell_diagram", following])
    left, right = window.docks["cell_diagram"], window.docks[following]
    qtbot.waitUntil(lambda: right.geometry().left() >= left.geometry().right(), timeout=TIMEOUT)
    # the halves are applied once the split has its place in the layout (a later turn)
    qtbot.waitUntil(
        lambda: min(left.width(), right.width()) > 0.3 * window.width(), timeout=TIMEOUT
    )

    _key(qtbot, window, Qt.Key.Key_Escape)
    assert not window.presentation.active and style.SCALE == 1.0
    assert window.sidebar_dock.isVisible() and window.timeline_dock.isVisible()
    assert {k: d.isVisible() for k, d in window.docks.items()} == before


def test_presentation_keys_leave_the_widgets_alone_outside_presentation_mode(qtbot, make_window):
    window = make_window("lecture_lstm")
    before = _on_screen(window)
    _key(qtbot, window, Qt.Key.Key_PageDown)
    _key(qtbot, window, Qt.Key.Key_P)
    assert not window.presentation.active and _on_screen(window) == before


def test_closing_in_presentation_mode_saves_the_working_layout(qtbot, make_window, settings_file):
    window = make_window("lecture_lstm")
    window.presentation.enter("loss")
    window.close()
    assert not window.presentation.active and style.SCALE == 1.0
    again = make_window("lecture_lstm")
    assert again.sidebar_dock.isVisible() and len(_on_screen(again)) > 2


def test_step_zero_shows_the_untrained_model(qtbot, make_window):
    """Before any training step the panels draw the model as it is: the lecture's hand-wired
    LSTM already answers the notes' sequence (0 0 0 0 0 7 0 0 6), rounded as the notes write
    it, with the full value in the tooltip."""
    window = make_window("lecture_lstm")
    window.show_panel("cell_diagram")
    assert window.trainer.step_count == 0
    cell = window.panels["cell_diagram"]
    qtbot.waitUntil(lambda: bool(cell.values), timeout=TIMEOUT)
    assert cell.step_tag.text() == "step 0 · live"
    window.show_panel("predictions")
    table = window.panels["predictions"].table
    qtbot.waitUntil(lambda: table.columnCount() == len(LECTURE_Y), timeout=TIMEOUT)
    predicted = [table.item(2, t).text() for t in range(table.columnCount())]
    assert predicted == [str(int(v)) for v in LECTURE_Y]  # the notes' 0 0 0 0 0 7 0 0 6
    exact = {t: table.item(2, t).toolTip() for t in range(len(LECTURE_Y))}
    assert any(exact.values())  # e.g. 2.06e-09 at t = 1, shown as 0
    for t, text in exact.items():
        if text:
            assert abs(float(text) - LECTURE_Y[t]) < 0.005 and text != predicted[t]
    assert window.trainer.step_count == 0 and len(window.trainer.history) == 0


def test_every_presets_show_names_a_panel_of_the_window(qtbot, make_window):
    from rnnviz.engine.presets import scan_presets

    window = make_window("lecture_lstm")
    for name, preset, _reason in scan_presets():
        assert preset is not None, name
        for key in preset.show:
            assert key in window.docks, (name, key)


def test_a_preset_opens_on_the_panel_its_description_points_to(qtbot, make_window):
    window = make_window("lecture_lstm")  # "step through t ... off the cell diagram"
    assert "cell diagram" in window.run_settings.description
    dock = window.docks["cell_diagram"]
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty(), timeout=TIMEOUT)
    window.new_from_preset("sine_gru")  # "the update gate shows how much ..."
    gates = window.docks["gates"]
    qtbot.waitUntil(lambda: not gates.visibleRegion().isEmpty(), timeout=TIMEOUT)


def test_the_lesson_strip_says_what_the_preset_teaches_and_how_to_start(qtbot, make_window):
    window = make_window("adding_rnn")
    strip = window.lesson
    title, description = window.run_settings.title, window.run_settings.description
    first = description[: description.index(". ") + 1]
    shown = html_plain(strip.text)
    # one line: the keys to press before the first step
    assert strip.isVisible() and shown == f"{title} — {FIRST_STEP_HINT}"
    assert not strip.walk.isVisible()  # no tour in this preset
    assert strip.label.height() < 2.5 * strip.label.fontMetrics().height()
    qtbot.mouseClick(strip.more, Qt.MouseButton.LeftButton)  # the whole lesson
    assert description in html_plain(strip.text) and FIRST_STEP_HINT in html_plain(strip.text)
    qtbot.mouseClick(strip.more, Qt.MouseButton.LeftButton)
    window.step_once()
    qtbot.waitUntil(lambda: FIRST_STEP_HINT not in html_plain(strip.text), timeout=TIMEOUT)
    assert html_plain(strip.text) == f"{title} — {first}"
    window.new_from_preset("lecture_lstm")
    assert html_plain(strip.text) == f"{window.run_settings.title} — {FIRST_STEP_HINT}"


def html_plain(text: str) -> str:
    """The strip's rich text as plain text."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))


def test_every_panel_has_a_question_mark_that_explains_it(qtbot, make_window):
    from PySide6.QtWidgets import QWhatsThis

    from rnnviz.ui.panel_help import PANEL_HELP

    window = make_window("lecture_lstm")
    assert set(PANEL_HELP) == set(window.docks)  # no panel without its explanation
    for key, dock in window.docks.items():
        window.show_panel(key)
        title = dock.titleBarWidget()
        assert title.help_button.isVisible() and title.help_html == PANEL_HELP[key]
        assert title.label.text() == window.panels[key].title
        qtbot.mouseClick(title.help_button, Qt.MouseButton.LeftButton)
        popups = [
            w for w in QApplication.topLevelWidgets() if w.metaObject().className() == "QWhatsThat"
        ]
        qtbot.waitUntil(
            lambda p=popups: any(w.isVisible() for w in p) if p else False, timeout=TIMEOUT
        )
        QWhatsThis.hideText()
    dock = window.docks["loss"]
    qtbot.mouseClick(dock.titleBarWidget().float_button, Qt.MouseButton.LeftButton)
    assert dock.isFloating()
    qtbot.mouseClick(dock.titleBarWidget().close_button, Qt.MouseButton.LeftButton)
    assert not dock.isVisible()


#: the notes' worked example: the memory after each step (the outputs are LECTURE_Y)
NOTES_MEMORY = [0, 3, 3, 7, 7, 7, 0, 6, 6]


def test_the_lecture_walk_through_tells_the_worked_example_in_nine_presses(qtbot, make_window):
    """Each caption's numbers are the notes' (c, output), the weights' pre-activations
    (z_i = 100 x2 - 10, z_f = 100 x2 + 10, z_o = 100 x3 - 10) and the cell panel's own live
    numbers at that t; → moves the story on in every panel."""
    import re

    from rnnviz.engine.models import LECTURE_X

    window = make_window("lecture_lstm")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    strip, cell = window.lesson, window.panels["cell_diagram"]
    assert strip.walk.isVisible()
    window.cursor.set_t(4)
    qtbot.mouseClick(strip.walk, Qt.MouseButton.LeftButton)
    assert window.cursor.t == 0
    cell.setFocus()
    for t in range(len(LECTURE_Y)):
        shown = html_plain(strip.text)
        assert f"t = {t + 1} of 9" in shown and window.run_settings.tour[t] in shown
        x1, x2, x3 = (int(v) for v in LECTURE_X[t])
        numbers = dict(
            re.findall(r"\b(z_i|z_f|z_o|c|output) = (-?\d+)", window.run_settings.tour[t])
        )
        assert numbers == {
            "z_i": str(100 * x2 - 10),
            "z_f": str(100 * x2 + 10),
            "z_o": str(100 * x3 - 10),
            "c": str(NOTES_MEMORY[t]),
            "output": str(int(LECTURE_Y[t])),
        }
        qtbot.waitUntil(lambda t=t: cell.values.get("c'") == str(NOTES_MEMORY[t]), timeout=TIMEOUT)
        qtbot.keyClick(cell, Qt.Key.Key_Right)
    assert window.trainer.step_count == 0  # the arrows told the story, trained nothing
    window.apply_settings(
        replace(
            window.run_settings,
            spec=replace(window.run_settings.spec, kind="gru"),
            weights=None,
            tour=(),
        )
    )
    assert not strip.walk.isVisible() and strip.more.isEnabled()
    qtbot.waitUntil(lambda: not strip.walk.isVisible(), timeout=TIMEOUT)


def test_an_edited_model_drops_the_tour_it_no_longer_fits(qtbot, make_window):
    window = make_window("lecture_lstm")
    edited = window.run_settings.edited(
        replace(window.run_settings.spec, kind="gru"),
        "lecture",
        {"seq_len": 9},
        window.run_settings.config,
        True,
    )
    assert edited.tour == () and window.run_settings.tour


def test_the_presentation_hint_fits_the_status_bar_at_1280x720(qtbot, make_window):
    """At text 1.5 the status bar's step, loss and speed leave ~700 px for the hint; the
    longer one ended "... Page Down / Page Up ne" (issue 16)."""
    from PySide6.QtWidgets import QLabel

    window = make_window("ctc_speech")  # a loss of two digits before the point
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    window.run_steps(5)  # the status bar then shows the speed too
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 5, timeout=60_000)
    window.presentation.enter("loss")
    QApplication.processEvents()
    bar = window.statusBar()
    hint = bar.currentMessage()
    assert "Esc" in hint
    shown = [w for w in bar.findChildren(QLabel) if w.isVisible() and w.text()]
    room = min(w.mapTo(bar, w.rect().topLeft()).x() for w in shown) if shown else bar.width()
    assert bar.fontMetrics().horizontalAdvance(hint) + 8 <= room, (hint, room)
    window.presentation.leave()
