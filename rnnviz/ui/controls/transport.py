"""Transport: Run / Pause, Step, Reset and the training speed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QSlider, QStyle, QToolBar, QWidget

#: speed slider positions, in steps per second; None = as fast as possible
SPEEDS: tuple[float | None, ...] = (0.2, 0.33, 0.5, 1, 2, 5, 10, 20, 50, 100, 300, None)


def speed_text(speed: float | None) -> str:
    if speed is None:
        return "max speed"
    if speed < 1:
        return f"1 step / {1 / speed:.0f} s"
    return f"{speed:g} steps/s"


class TransportBar(QToolBar):
    """A toolbar whose actions the window connects; their keys are set by ``ui/keys.py``."""

    speed_changed = Signal(object)  # float | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Transport", parent)
        self.setObjectName("transport")
        self.setMovable(False)
        # the style's own icons: a font may lack the media glyphs (DejaVu has no U+23F8 pause)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icon = self.style().standardIcon
        self._run_icon = icon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = icon(QStyle.StandardPixmap.SP_MediaPause)
        self.run_action = QAction(self._run_icon, "Run", self)
        self.run_action.setCheckable(True)
        self.run_action.setToolTip("Train continuously (Space); press again to pause.")
        self.step_action = QAction(icon(QStyle.StandardPixmap.SP_MediaSkipForward), "Step", self)
        self.step_action.setToolTip(
            "One training step: forward, backward through time, update (S)."
        )
        self.reset_action = QAction(icon(QStyle.StandardPixmap.SP_BrowserReload), "Reset", self)
        self.reset_action.setToolTip(
            "Back to step 0 with the seed's initial weights; the history is cleared (Ctrl+R)."
        )
        for action in (self.run_action, self.step_action, self.reset_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self.addSeparator()
        label = QLabel("  Speed ")
        self.addWidget(label)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(len(SPEEDS) - 1)
        self.speed.setFixedWidth(220)
        self.speed.setToolTip(
            "Training steps per second: slow enough to follow one step at a time in a "
            "lecture, or as fast as the machine can go."
        )
        self.speed.setObjectName("speedSlider")
        self.addWidget(self.speed)
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(150)
        self.addWidget(self.speed_label)
        self.speed.valueChanged.connect(self._speed_moved)
        self._speed_moved(self.speed.value())

    @property
    def steps_per_second(self) -> float | None:
        return SPEEDS[self.speed.value()]

    def set_speed(self, speed: float | None) -> None:
        """Move the slider to the position nearest ``speed`` (None: max)."""
        if speed is None:
            self.speed.setValue(len(SPEEDS) - 1)
            return
        finite = [(abs(s - speed), i) for i, s in enumerate(SPEEDS) if s is not None]
        self.speed.setValue(min(finite)[1])

    def set_running(self, running: bool) -> None:
        self.run_action.blockSignals(True)
        self.run_action.setChecked(running)
        self.run_action.blockSignals(False)
        self.run_action.setText("Pause" if running else "Run")
        self.run_action.setIcon(self._pause_icon if running else self._run_icon)
        self.step_action.setEnabled(not running)

    def _speed_moved(self, index: int) -> None:
        self.speed_label.setText(" " + speed_text(SPEEDS[index]))
        self.speed_changed.emit(SPEEDS[index])
