"""Compare mode: choose a second run to train in lockstep with the first (same task, seed and
batches), so its loss and gradient curves can be overlaid -- e.g. tanh RNN vs LSTM on the
adding problem, or the cliff with and without clipping."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox

from rnnviz.ui.choice_box import choice_box

CHOICES: list[tuple[str, dict | None]] = [
    ("off", None),
    ("tanh RNN", {"label": "tanh RNN", "model": {"kind": "elman", "activation": "tanh"}}),
    ("LSTM", {"label": "LSTM", "model": {"kind": "lstm"}}),
    ("GRU", {"label": "GRU", "model": {"kind": "gru"}}),
    ("IRNN", {"label": "IRNN", "model": {"kind": "irnn"}}),
    (
        "same model, clipped (norm 1)",
        {
            "label": "clipped",
            "train": {"clip_mode": "norm", "clip_threshold": 1.0},
            "keep_weights": True,
        },
    ),
    (
        "same model, no clipping",
        {"label": "unclipped", "train": {"clip_mode": "none"}, "keep_weights": True},
    ),
]


class CompareControls(QGroupBox):
    """A combo box of second runs; ``value()`` is the preset-style ``compare`` dict or None."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__("Compare")
        form = QFormLayout(self)
        self.box = choice_box(
            ((value, text) for text, value in CHOICES),
            "Train a second model in lockstep on the same task, seed and batches, and overlay "
            "its loss, gradient norms and ||dL/dh_t|| on this run's: the fairest way to see "
            "why an LSTM keeps gradients alive where a tanh RNN loses them.",
        )
        form.addRow("run 2", self.box)
        self.box.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def load(self, compare: dict | None) -> None:
        self.box.blockSignals(True)
        try:
            index = next(
                (i for i in range(self.box.count()) if self.box.itemData(i) == compare), -1
            )
            if index < 0:  # a preset's own comparison
                self.box.addItem(f"{compare.get('label', 'second run')} (preset)", compare)
                index = self.box.count() - 1
            self.box.setCurrentIndex(index)
        finally:
            self.box.blockSignals(False)

    def value(self) -> dict | None:
        return self.box.currentData()
