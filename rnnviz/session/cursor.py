"""The shared cursor every panel follows: which training step, time step and unit is shown.

Qt-free (psygnal signals): views subscribe to its signals; any view may move it (clicking a
time step in one panel moves the selection in all). It holds no data, only the selection.
Signals are emitted on the thread that moves the cursor (the GUI thread in the window).
"""

from __future__ import annotations

from psygnal import Signal


class Cursor:
    """Selection state shared by all panels.

    ``step``: the training step shown, or None to follow the live (newest) record.
    ``t``: the selected time step, 0-based index into the displayed sequence.
    ``unit``: the selected hidden unit; ``chain``: the selected layer/direction ("L0.fwd").
    """

    step_changed = Signal(object)  # int | None
    t_changed = Signal(int)
    unit_changed = Signal(int)
    chain_changed = Signal(str)

    def __init__(self) -> None:
        self._step: int | None = None
        self._t = 0
        self._unit = 0
        self._chain = "L0.fwd"

    @property
    def step(self) -> int | None:
        return self._step

    @property
    def live(self) -> bool:
        """Following the newest trained step (not viewing an earlier one)."""
        return self._step is None

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
        step = None if step is None else int(step)
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

    def to_dict(self) -> dict:
        return {"step": self._step, "t": self._t, "unit": self._unit, "chain": self._chain}

    def restore(self, data: dict) -> None:
        """Move to a saved position (``to_dict``), emitting what changed."""
        self.set_chain(str(data.get("chain", "L0.fwd")))
        self.set_unit(int(data.get("unit", 0)))
        self.set_t(int(data.get("t", 0)))
        step = data.get("step")
        self.set_step(None if step is None else int(step))
