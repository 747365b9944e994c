"""The Neural Turing Machine's rows of the model settings (shown for kind ``ntm`` only)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout

from rnnviz.engine.spec import MODEL_FIELDS, NTM_CONTROLLERS, ModelSpec
from rnnviz.ui.controls.widgets import combo, int_box, set_combo

TIPS = {
    "controller": "NTM: the network that reads the input and the last read vectors and drives "
    "the heads: an LSTM, or a feedforward layer whose only memory is the memory matrix.",
    "memory_slots": "NTM: N, the rows of the memory matrix (places a head can address).",
    "memory_width": "NTM: W, the numbers in each memory row (what one write stores).",
    "read_heads": "NTM: heads that each read a weighted sum of the memory rows every step.",
    "write_heads": "NTM: heads that each erase and add to the memory rows they weigh.",
    "shift_range": "NTM: s, how far a head can move in one step (shifts -s .. s, circular); "
    "2s + 1 must not exceed the memory slots.",
}
#: (field, row label), in the form's order
ROWS = (
    ("controller", "controller"),
    ("memory_slots", "memory slots N"),
    ("memory_width", "memory width W"),
    ("read_heads", "read heads"),
    ("write_heads", "write heads"),
    ("shift_range", "shift range s"),
)


class NTMRows:
    """Adds the NTM's rows to ``form``; ``edited`` is called on every change."""

    def __init__(self, form: QFormLayout, edited: Callable[[], None]) -> None:
        self._form = form
        self.boxes = {}
        for name, label in ROWS:
            if name == "controller":
                box = combo(NTM_CONTROLLERS, TIPS[name])
                box.currentIndexChanged.connect(edited)
            else:
                field = MODEL_FIELDS[name]
                box = int_box(int(field.low), int(field.high), TIPS[name])
                box.valueChanged.connect(edited)
            box.setObjectName(f"ntm_{name}")
            form.addRow(label, box)
            self.boxes[name] = box

    def load(self, spec: ModelSpec) -> None:
        for name, box in self.boxes.items():
            box.blockSignals(True)
            try:
                if name == "controller":
                    set_combo(box, spec.controller)
                else:
                    box.setValue(getattr(spec, name))
            finally:
                box.blockSignals(False)

    def values(self) -> dict:
        return {
            name: box.currentData() if name == "controller" else box.value()
            for name, box in self.boxes.items()
        }

    def set_visible(self, visible: bool) -> None:
        for box in self.boxes.values():
            self._form.setRowVisible(box, visible)
