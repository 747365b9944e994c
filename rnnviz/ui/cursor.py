"""The shared cursor every panel follows: which training step, time step and unit is shown.

Views subscribe to its signals; any panel may move it (clicking a time step in one panel
moves the selection in all). It holds no data, only the selection.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Cursor(QObject):
    """Selection state shared by all panels.

    ``step``: the training step shown, or None to follow the live (newest) record.
    ``t``: the selected time step, 0-based index into the displayed sequence.
    ``unit``: the selected hidden unit; ``chain``: the selected layer/direction ("L0.fwd").
    """

    step_changed = Signal(object)  # int | None
    t_changed = Signal(int)
    unit_changed = Signal(int)
    chain_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._step: int | None = None
        self._t = 0
        self._unit = 0
        self._chain = "L0.fwd"

    @property
    def step(self) -> int | None:
        return self._step

    @property
    def t(self) -> int:
        return self._t

    @property
    def unit(self) -> int:
        return self._unit

    @property
    def chain(self) -> str:
        return self._chain

    def set_step(self, step: int | None) -> None:
        if step != self._step:
            self._step = step
            self.step_changed.emit(step)

    def set_t(self, t: int) -> None:
        t = max(0, int(t))
        if t != self._t:
            self._t = t
            self.t_changed.emit(t)

    def set_unit(self, unit: int) -> None:
        unit = max(0, int(unit))
        if unit != self._unit:
            self._unit = unit
            self.unit_changed.emit(unit)

    def set_chain(self, chain: str) -> None:
        if chain != self._chain:
            self._chain = chain
            self.chain_changed.emit(chain)
