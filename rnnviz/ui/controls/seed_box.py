"""A box for the random seed: any integer 0 <= seed < 2^63, as the engine takes.

A QSpinBox holds 32-bit ints only, so a session whose seed is 2^40 would show (and, on the
next Apply, train with) 2^31 - 1: a silently different run. This box keeps the exact value.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit

from rnnviz.engine.schema import SEED_LIMIT


class SeedBox(QLineEdit):
    """``value()`` / ``setValue()`` like a spin box; ``valueChanged(int)`` when the user
    finishes editing a new, valid seed; ``refused(reason)`` when the typed text is not one."""

    valueChanged = Signal(object)  # a Python int: Qt's int signals are 32-bit
    refused = Signal(str)

    def __init__(self, tooltip: str) -> None:
        super().__init__("0")
        self._value = 0
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"\s*\d{0,40}\s*")))
        self.setToolTip(tooltip)
        self.editingFinished.connect(self._finish)

    def value(self) -> int:
        return self._value

    def setValue(self, seed: int) -> None:  # noqa: N802 (the spin boxes' Qt name)
        if not 0 <= int(seed) < SEED_LIMIT:
            raise ValueError(f"seed {seed} is outside 0 to 2^63 - 1")
        changed = int(seed) != self._value
        self._value = int(seed)
        self.setText(str(self._value))
        if changed and not self.signalsBlocked():
            self.valueChanged.emit(self._value)

    def _finish(self) -> None:
        text = self.text().strip()
        seed = int(text) if text else None
        if seed is None or seed >= SEED_LIMIT:
            shown = text or "(empty)"
            self.refused.emit(
                f"seed: {shown} is not a seed from 0 to 2^63 - 1 (kept {self._value})."
            )
            self.setText(str(self._value))
            return
        self.setValue(seed)
