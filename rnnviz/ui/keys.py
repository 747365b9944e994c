"""The window's keymap: keys that do what they say, and never steal a focused widget's keys.

    Space        run / pause training                 (a focused button presses itself)
    S            one training step
    Ctrl+R       reset to step 0 (asks first once a run has unsaved steps)
    ← →  , .     the time step t one back / forward, in every panel
    ↑ ↓          the unit (in the cell panel)
    End          back to the live step (from a step picked on the timeline)

The training keys are window-wide shortcuts, so they work wherever the focus is, except where
the focused widget needs the key itself: Qt asks the focus widget first (a ShortcutOverride
event) and ``KeyArbiter`` accepts it for the keys that widget uses — Space for a button,
arrows for a slider, a spin box, a list or the timeline, every printable key for a text field
or a combo box (it searches its items by letter) — so the key goes to the widget and the
shortcut stays silent. The time-step keys move the shared cursor, so ← and → step t in every
panel the same way (the cell panel's tooltip promises them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

if TYPE_CHECKING:
    from rnnviz.ui.window import MainWindow

#: (keys, what they do), for Help > Keyboard shortcuts and the README
KEYMAP: tuple[tuple[str, str], ...] = (
    ("Space", "Run / pause training"),
    ("S", "One training step (forward, backward through time, update)"),
    ("Ctrl+R", "Reset to step 0 (asks first when the run has unsaved steps)"),
    ("← / →  or  , / .", "Time step t one back / forward, in every panel"),
    ("↑ / ↓", "Unit one up / down (LSTM cell panel)"),
    ("End", "Back to the live step (after picking one on the timeline)"),
    ("Ctrl+S / Ctrl+O", "Save / open a session"),
    ("Ctrl+E", "Export a panel (PNG, SVG, CSV)"),
    ("Ctrl++ / Ctrl+-", "Larger / smaller text (for a projector)"),
    ("F11", "Presentation mode: one panel fills the window, large text (F11 or Esc leaves)"),
    ("Page Down / Page Up", "Next / previous panel (presentation mode)"),
    ("P", "The panel beside the next one, or alone again (presentation mode)"),
)

#: a run with more steps than this asks before Reset throws them away
RESET_ASKS_AFTER = 5

_ARROWS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down}
_TEXT_WIDGETS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)


def widget_wants_key(widget: QWidget | None, key: int, modifiers) -> bool:
    """Whether the focused ``widget`` uses this key itself (so no shortcut may take it)."""
    if widget is None or modifiers & (
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    ):
        return False
    printable = Qt.Key.Key_Space <= key <= Qt.Key.Key_AsciiTilde
    if isinstance(widget, _TEXT_WIDGETS):
        return printable or key in _ARROWS
    if isinstance(widget, QComboBox | QAbstractItemView):
        return printable or key in _ARROWS  # keyboard search by letter, arrows move
    if isinstance(widget, QAbstractSlider | QTabBar):
        return key in _ARROWS
    if isinstance(widget, QAbstractButton):
        return key == Qt.Key.Key_Space
    wants = getattr(widget, "wants_keys", ())  # e.g. the timeline: its own arrow keys
    return key in wants


class KeyArbiter(QObject):
    """Event filter on the focus widget only: lets it keep the keys it uses (see above).

    Qt sends ShortcutOverride to the focus widget, so watching that one widget is enough; an
    application-wide filter would be called from Python for every event of every object (some
    36,000 calls while the window opens alone)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._watched: QWidget | None = None
        app.focusChanged.connect(self._follow_focus)
        self._follow_focus(None, app.focusWidget())

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._watched is not None:
            try:
                self._watched.removeEventFilter(self)
            except RuntimeError:  # the widget was deleted meanwhile
                pass
        self._watched = new
        if new is not None:
            new.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(watched, QWidget):
            if widget_wants_key(watched, event.key(), event.modifiers()):
                event.accept()  # the key goes to the widget as a key press
        return False


def install_keymap(window: MainWindow) -> None:
    """The training shortcuts on the transport's actions, the time-step actions, and the
    arbiter (one per application)."""
    transport = window.transport
    transport.run_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
    transport.step_action.setShortcut(QKeySequence(Qt.Key.Key_S))
    transport.reset_action.setShortcut(QKeySequence("Ctrl+R"))
    back, forward = (Qt.Key.Key_Left, Qt.Key.Key_Comma), (Qt.Key.Key_Right, Qt.Key.Key_Period)
    for keys, delta in ((back, -1), (forward, 1)):
        action = QAction("Time step t " + ("back" if delta < 0 else "forward"), window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False, d=delta: move_t(window, d))
        window.addAction(action)
    live = QAction("Back to the live step", window)
    live.setShortcut(QKeySequence(Qt.Key.Key_End))
    live.triggered.connect(lambda: window.cursor.set_step(None))
    window.addAction(live)
    app = QApplication.instance()
    if app.property("rnnviz_key_arbiter") is None:
        arbiter = KeyArbiter(app)
        app.setProperty("rnnviz_key_arbiter", arbiter)


def shortcuts_html() -> str:
    """The keymap as an HTML table (Help > Keyboard shortcuts)."""
    rows = "".join(
        f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for keys, what in KEYMAP
    )
    return (
        f"<table>{rows}</table><p>A focused text field, list, slider or button keeps the "
        "keys it uses (Space presses a focused button); click a panel to give it the keys.</p>"
    )


def move_t(window: MainWindow, delta: int) -> None:
    """Move the selected time step by ``delta`` within the displayed sequence."""
    trainer = window.trainer
    if trainer is None:
        return
    steps = int(trainer.display_batch.x.shape[0])
    window.cursor.set_t(max(0, min(steps - 1, window.cursor.t + delta)))


def reset_confirmed(window: MainWindow) -> bool:
    """Whether to reset now: at once for a short or saved run, else after asking."""
    from rnnviz.ui.file_actions import ask_yes

    trainer, session = window.trainer, window.run_control.session
    steps = trainer.step_count if trainer is not None else 0
    if steps <= RESET_ASKS_AFTER or not session.modified:
        return True
    return ask_yes(
        window,
        "Reset the run?",
        f"Reset goes back to step 0 and discards the {steps} trained steps, which are not "
        "saved (File > Save keeps them).",
    )
