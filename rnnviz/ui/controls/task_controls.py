"""Task settings: which problem the network learns, and that task's own options."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QVBoxLayout

from rnnviz.ui.controls.widgets import OptionsForm, set_combo

#: one sentence of science per task kind (tooltip); unknown kinds fall back to the task title
TASK_TIPS = {
    "lecture": "The lecture's LSTM memory example: add x1 to a memory when x2 = 1, reset it "
    "when x2 = -1, output it when x3 = 1 -- one LSTM cell can learn it.",
    "adding": "The adding problem (Hochreiter & Schmidhuber 1997): output the sum of two "
    "marked numbers far apart in a long sequence; a tanh RNN fails, gated or IRNN cells succeed.",
    "copy": "Remember a short sequence and repeat it after a delay: tests how long a memory "
    "the network keeps.",
    "sine": "Predict the next value of a noisy sine wave: a simple time-series regression.",
    "char_lm": "A character-level language model: predict the next character of a text, then "
    "generate text one character at a time.",
    "slot_filling": "Slot filling: label every word of a sentence (e.g. 'Taipei' -> dest, "
    "'November' -> time), a many-to-many tagging task.",
    "linear_toy": "The one-neuron linear RNN: input 1 then zeros, so y_T = w^(T-1) -- "
    "w > 1 explodes, w < 1 vanishes.",
    "cliff": "Pascanu et al.'s one-unit RNN whose loss surface has a steep cliff: watch "
    "gradient clipping save the descent.",
    "csv": "Your own time series (File > Open data...): predict one column of a CSV some rows "
    "ahead from windows of its rows.",
    "text": "Your own UTF-8 text (File > Open data...) for the character-level language model.",
    "labelled_csv": "Your own labelled sequences (File > Open data...): a sequence column and a "
    "label column, classified many-to-one.",
}


def task_classes() -> dict:
    from rnnviz.engine.tasks import TASKS

    return dict(TASKS)


class TaskControls(QGroupBox):
    """Edits (task kind, options). ``values()`` -> (kind, options dict)."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__("Task", parent)
        layout = QVBoxLayout(self)
        self.kind = QComboBox()
        self.kind.setToolTip("The problem the network learns to solve.")
        self.options = OptionsForm()
        layout.addWidget(self.kind)
        layout.addWidget(self.options)
        self._classes: dict = {}
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.options.changed.connect(self.changed)

    def populate(self) -> None:
        self._classes = task_classes()
        self.kind.blockSignals(True)
        self.kind.clear()
        for kind, cls in self._classes.items():
            self.kind.addItem(getattr(cls, "title", kind), kind)
            tip = TASK_TIPS.get(kind, getattr(cls, "title", kind))
            self.kind.setItemData(self.kind.count() - 1, tip, _tooltip_role())
        self.kind.blockSignals(False)

    def load(self, kind: str, options: dict) -> None:
        if not self._classes:
            self.populate()
        self.kind.blockSignals(True)
        set_combo(self.kind, kind)
        self.kind.blockSignals(False)
        self._show_options(kind, options)

    def values(self) -> tuple[str, dict]:
        return self.kind.currentData(), self.options.values()

    def _kind_changed(self) -> None:
        self._show_options(self.kind.currentData(), {})
        self.changed.emit()

    def _show_options(self, kind: str, options: dict) -> None:
        cls = self._classes.get(kind)
        self.kind.setToolTip(TASK_TIPS.get(kind, getattr(cls, "title", str(kind))))
        if cls is None:
            self.options.set_options({})
            return
        try:
            resolved = cls.resolve_options(options)
        except Exception:  # a preset with an odd option: show the defaults
            resolved = dict(cls.option_defaults)
        self.options.set_options(
            resolved, tooltips=dict(cls.option_help), bounds=dict(cls.option_bounds)
        )


def _tooltip_role():
    from PySide6.QtCore import Qt

    return Qt.ItemDataRole.ToolTipRole
