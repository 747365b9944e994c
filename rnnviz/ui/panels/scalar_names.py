"""The exact plane's parameter lists: one row per trained scalar, named when shown.

A QComboBox filled with ``addItems`` holds a Python and a Qt string per weight: millions for
a big model, seconds of the GUI thread and hundreds of MB each time the surface panel meets
a new run. This model names a row only when the list asks for it (the names are those of
``planes.scalar_labels``: ``rnn.weight_hh_l0[2, 0]``, or the bare name of a 1-element
tensor), so a combo over it costs nothing until it is opened.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt


class ScalarNames(QAbstractListModel):
    """Rows: the flat indices of the trained scalars, in ``names`` order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names: tuple[str, ...] = ()
        self._shapes: tuple[tuple[int, ...], ...] = ()
        self._starts: list[int] = [0]  # flat index where each tensor begins, then the total

    def set_params(self, names: Sequence[str], shapes: Sequence[tuple[int, ...]]) -> None:
        self.beginResetModel()
        self._names, self._shapes = tuple(names), tuple(tuple(s) for s in shapes)
        sizes = [int(np.prod(shape)) if shape else 1 for shape in self._shapes]
        self._starts = [0, *np.cumsum(sizes, dtype=np.int64).tolist()]
        self.endResetModel()

    def lists(self, names: Sequence[str], shapes: Sequence[tuple[int, ...]]) -> bool:
        """Whether these are the parameters listed now."""
        return (tuple(names), tuple(tuple(s) for s in shapes)) == (self._names, self._shapes)

    @property
    def total(self) -> int:
        return self._starts[-1]

    def name(self, flat: int) -> str:
        """The label of scalar ``flat`` (0 <= flat < total)."""
        tensor = bisect_right(self._starts, flat) - 1
        name, shape = self._names[tensor], self._shapes[tensor]
        if not shape or int(np.prod(shape)) == 1:
            return name
        index = np.unravel_index(flat - self._starts[tensor], shape)
        return f"{name}[{', '.join(str(int(i)) for i in index)}]"

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else self.total

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self.name(index.row())
