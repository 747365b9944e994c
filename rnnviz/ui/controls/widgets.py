"""Small editor widgets shared by the control groups: combos, number boxes, option forms."""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)


def combo(items, tooltip: str, labels: dict[str, str] | None = None) -> QComboBox:
    """A combo box holding ``items`` as data, shown as ``labels[item]`` (or the item)."""
    box = QComboBox()
    for item in items:
        box.addItem((labels or {}).get(item, str(item)), item)
    box.setToolTip(tooltip)
    return box


def set_combo(box: QComboBox, value) -> None:
    index = box.findData(value)
    if index < 0:
        box.addItem(str(value), value)
        index = box.count() - 1
    box.setCurrentIndex(index)


def int_box(lo: int, hi: int, tooltip: str, special: str | None = None) -> QSpinBox:
    """An integer box; values outside [lo, hi] cannot be entered. ``special``: text for lo."""
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setKeyboardTracking(False)  # emit when the user finishes typing, not per keystroke
    box.setToolTip(tooltip)
    if special:
        box.setSpecialValueText(special)
    return box


class FloatBox(QDoubleSpinBox):
    """A positive float box with an adaptive (log-like) step, for rates and thresholds."""

    def __init__(self, lo: float, hi: float, tooltip: str, decimals: int = 6) -> None:
        super().__init__()
        self.setDecimals(decimals)
        self.setRange(lo, hi)
        self.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.setKeyboardTracking(False)
        self.setToolTip(tooltip)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt override)
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt override)
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):  # accept 1e-3 style input
        from PySide6.QtGui import QValidator

        stripped = text.strip()
        if stripped in ("", "-", "+", ".", "e", "1e", "1e-"):
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            if stripped[-1:] in "eE-+.":
                return QValidator.State.Intermediate, text, pos
            return QValidator.State.Invalid, text, pos
        if not math.isfinite(value):
            return QValidator.State.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos


class OptionsForm(QWidget):
    """Editors for a dict of plain options (int, float, bool, str), built from default values.

    ``values()`` returns the edited dict; ``changed`` fires on any edit.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._editors: dict[str, tuple[type, QWidget]] = {}

    def set_options(
        self,
        options: dict,
        tooltips: dict[str, str] | None = None,
        bounds: dict[str, tuple] | None = None,
    ) -> None:
        """Rebuild the editors for ``options`` (name -> current value); ``bounds``: name ->
        (low, high) with None for open ends, enforced by the editor."""
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._editors.clear()
        for name, value in options.items():
            low, high = (bounds or {}).get(name, (None, None))
            editor = self._editor_for(value, low, high)
            if editor is None:
                continue
            tip = (tooltips or {}).get(name, "")
            if tip:
                editor.setToolTip(tip[:1].upper() + tip[1:])
            self._editors[name] = (type(value), editor)
            self._layout.addRow(name.replace("_", " "), editor)

    def _editor_for(self, value, low=None, high=None) -> QWidget | None:
        if isinstance(value, bool):
            box = QCheckBox()
            box.setChecked(value)
            box.toggled.connect(self.changed)
            return box
        if isinstance(value, int):
            lo = int(low) if low is not None else -1_000_000
            hi = int(high) if high is not None else 1_000_000
            box = int_box(lo, min(hi, 2**31 - 1), "")
            box.setValue(value)
            box.valueChanged.connect(self.changed)
            return box
        if isinstance(value, float):
            box = QDoubleSpinBox()
            box.setDecimals(4)
            box.setRange(
                float(low) if low is not None else -1e6, float(high) if high is not None else 1e6
            )
            box.setKeyboardTracking(False)
            box.setValue(value)
            box.valueChanged.connect(self.changed)
            return box
        if isinstance(value, str):
            line = QLineEdit(value)
            line.editingFinished.connect(self.changed)
            return line
        return None  # lists / arrays are not edited here

    def editor(self, name: str) -> QWidget | None:
        entry = self._editors.get(name)
        return entry[1] if entry else None

    def values(self) -> dict:
        out = {}
        for name, (kind, editor) in self._editors.items():
            if kind is bool:
                out[name] = editor.isChecked()
            elif kind is int:
                out[name] = int(editor.value())
            elif kind is float:
                out[name] = float(editor.value())
            else:
                out[name] = editor.text()
        return out
