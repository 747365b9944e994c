"""A combo box of fixed choices: each item's text, the value it stands for, one tooltip."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox


def choice_box(choices: Iterable[tuple[object, str]], tooltip: str) -> QComboBox:
    """``choices``: (value, text) pairs, in order; ``currentData()`` is the chosen value."""
    box = QComboBox()
    for value, text in choices:
        box.addItem(text, value)
    box.setToolTip(tooltip)
    return box
