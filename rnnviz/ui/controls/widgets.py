"""Small editor widgets shared by the control groups: combos, number boxes, option forms."""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
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


def refusal(box: QAbstractSpinBox, text: str, kept: bool) -> str:
    """The sentence for typed input a number box will not take; ``kept``: editing has
    finished and the box went back to its value."""
    name = _form_label(box) or "this box"
    back = f" (kept {box.value():g})" if kept else ""
    try:
        float(text)
    except ValueError:
        return f"{name}: '{text}' is not a number{back}."
    low, high = box.minimum(), box.maximum()
    return f"{name}: {text} is outside the allowed range {low:g} to {high:g}{back}."


def _form_label(box: QWidget) -> str:
    """The text of the row label beside ``box`` in its QFormLayout ('' when none)."""
    layout = box.parentWidget().layout() if box.parentWidget() else None
    label = layout.labelForField(box) if isinstance(layout, QFormLayout) else None
    return label.text() if label is not None else ""


class IntBox(QSpinBox):
    """An integer box that says why it refused typed input (``refused``) instead of silently
    dropping the keystroke or snapping back."""

    refused = Signal(str)

    def __init__(self, lo: int, hi: int, tooltip: str) -> None:
        super().__init__()
        self.setRange(lo, hi)
        self.setKeyboardTracking(False)  # emit when the user finishes typing, not per keystroke
        self.setToolTip(tooltip)

    def validate(self, text: str, pos: int):
        state, text, pos = super().validate(text, pos)
        stripped = text.strip()
        if state == QValidator.State.Invalid and stripped not in ("", "-", "+"):
            self.refused.emit(refusal(self, stripped, kept=False))
        return state, text, pos

    def fixup(self, text: str) -> str:  # editing finished on an unacceptable value
        stripped = text.strip()
        if stripped and stripped != self.specialValueText():
            self.refused.emit(refusal(self, stripped, kept=True))
        return super().fixup(text)


def int_box(lo: int, hi: int, tooltip: str, special: str | None = None) -> IntBox:
    """An integer box; values outside [lo, hi] are refused with a reason. ``special``: text
    for lo."""
    box = IntBox(lo, hi, tooltip)
    if special:
        box.setSpecialValueText(special)
    return box


class FloatBox(QDoubleSpinBox):
    """A float box with an adaptive (log-like) step, for rates and thresholds, that says why
    it refused typed input (``refused``)."""

    refused = Signal(str)

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
        stripped = text.strip()
        if stripped in ("", "-", "+", ".", "e", "1e", "1e-"):
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            if stripped[-1:] in "eE-+.":
                return QValidator.State.Intermediate, text, pos
            self.refused.emit(refusal(self, stripped, kept=False))
            return QValidator.State.Invalid, text, pos
        if not math.isfinite(value):
            self.refused.emit(refusal(self, stripped, kept=False))
            return QValidator.State.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text: str) -> str:  # editing finished on an out-of-range value
        if text.strip():
            self.refused.emit(refusal(self, text.strip(), kept=True))
        return super().fixup(text)


class OptionsForm(QWidget):
    """Editors for a dict of plain options (int, float, bool, str), built from default values.

    ``values()`` returns the edited dict; ``changed`` fires on any edit, ``refused`` with
    the reason when a box refuses typed input.
    """

    changed = Signal()
    refused = Signal(str)

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
            if isinstance(editor, IntBox | FloatBox):
                editor.refused.connect(self.refused)
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
            lo = float(low) if low is not None else -1e6
            box = FloatBox(lo, float(high) if high is not None else 1e6, "", decimals=4)
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
