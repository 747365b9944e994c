"""Training ▸ Edit weights…: a table per weight matrix of a small model (at most
``MAX_EDIT_UNITS`` units per layer), so that hand-wired weights -- the lecture's LSTM -- are
visible and editable.

The tables show the weights of the run's newest step. Like every other model change, applying
them resets training: a new run starts at step 0 from the edited weights (they become the
run's hand-set weights, which Reset returns to and Save settings as preset… writes).
Untouched cells keep every bit of their value; an edited cell must be a finite number, else
it turns red, the message names it and Apply waits.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

if TYPE_CHECKING:
    from rnnviz.ui.window import MainWindow

#: tables of a wider model are too big to read or to edit by hand
MAX_EDIT_UNITS = 8
_BAD = QColor("#b00020")


def row_labels(name: str, rows: int, gates: tuple[str, ...], hidden: int) -> list[str]:
    """ "i 0", "f 0", ... for packed gate rows (torch's order), else the row index."""
    if name.startswith("rnn.") and len(gates) > 1 and rows == len(gates) * hidden:
        return [f"{gate} {unit}" for gate in gates for unit in range(hidden)]
    if name.startswith("head."):
        return [f"y{r}" for r in range(rows)]
    return [str(r) for r in range(rows)]


def column_labels(name: str, columns: int, value_ndim: int) -> list[str]:
    """What each column multiplies: x_j (layer 0's input), h_j, or the layer below's output."""
    if value_ndim < 2:
        return ["value"]
    base = name.rpartition(".")[2]
    if base.startswith("weight_ih_l0"):
        return [f"x{c}" for c in range(columns)]
    if base.startswith("weight_ih"):
        return [f"in {c}" for c in range(columns)]
    if base.startswith("weight_hh") or name == "head.weight":
        return [f"h{c}" for c in range(columns)]
    return [str(c) for c in range(columns)]


class WeightEditorDialog(QDialog):
    """One tab per parameter of ``weights`` (name -> array); ``edited`` after Apply."""

    def __init__(self, weights: dict[str, np.ndarray], gates, hidden: int, step: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Edit weights")
        self.weights = {name: np.array(value, dtype=np.float32) for name, value in weights.items()}
        self.bad: dict[tuple[str, int, int], str] = {}
        self.changed = False
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"The model's weights at step {step}. Apply resets training: a new run starts at "
            "step 0 from these weights (Reset returns to them)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for name, value in self.weights.items():
            table = self._table(name, value, tuple(gates), hidden)
            self.tables[name] = table
            self.tabs.addTab(table, name.replace("rnn.", ""))
        layout.addWidget(self.tabs)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton(
            "Apply (resets training)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(720, 420)

    def _table(self, name: str, value: np.ndarray, gates, hidden: int) -> QTableWidget:
        grid = value.reshape(value.shape[0], -1) if value.ndim else value.reshape(1, 1)
        table = QTableWidget(grid.shape[0], grid.shape[1])
        table.setVerticalHeaderLabels(row_labels(name, grid.shape[0], gates, hidden))
        table.setHorizontalHeaderLabels(column_labels(name, grid.shape[1], value.ndim))
        for r in range(grid.shape[0]):
            for c in range(grid.shape[1]):
                item = QTableWidgetItem(f"{grid[r, c]:.6g}")
                item.setToolTip(repr(float(grid[r, c])))  # every digit
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.itemChanged.connect(lambda item, n=name: self._edited(n, item))
        return table

    def _edited(self, name: str, item: QTableWidgetItem) -> None:
        """Parse an edited cell into the array (or mark it refused)."""
        r, c = item.row(), item.column()
        text = item.text().strip()
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        key = (name, r, c)
        if not math.isfinite(value) or abs(value) > 1e6:
            table = self.tables[name]
            where = f"{table.verticalHeaderItem(r).text()}, {table.horizontalHeaderItem(c).text()}"
            self.bad[key] = f"{name} [{where}]: {text[:20]!r} is not a number between -1e6 and 1e6"
            item.setForeground(_BAD)
        else:
            self.bad.pop(key, None)
            item.setForeground(self.tables[name].palette().text().color())
            self.weights[name].reshape(self.weights[name].shape[0], -1)[r, c] = value
            self.changed = True
        first = next(iter(self.bad.values()), "")
        self.message.setText(
            f"<span style='color:#b00020'>Not applied: {first}</span>" if first else ""
        )
        self.apply_button.setEnabled(self.changed and not self.bad)


def open_weight_editor(window: MainWindow) -> bool:
    """Show the editor for the run's model; apply the edits as a new run (True if applied)."""
    trainer, settings = window.trainer, window.run_settings
    if trainer is None or settings is None:
        return False
    spec = trainer.spec
    if spec.hidden_size > MAX_EDIT_UNITS:
        QMessageBox.information(
            window,
            "Edit weights",
            f"The weight editor is for small models (at most {MAX_EDIT_UNITS} units per layer); "
            f"this one has {spec.hidden_size}. Lower model.hidden_size, or edit weights in "
            "a preset file (Save settings as preset…).",
        )
        return False
    gates = getattr(trainer.model, "gate_names", ("",))
    dialog = WeightEditorDialog(
        trainer.model.get_weights(), gates, spec.hidden_size, trainer.step_count, window
    )
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.changed or dialog.bad:
        return False
    title = settings.title.removesuffix(" (hand-set weights)") or "run"
    edited = replace(settings, weights=dialog.weights, title=f"{title} (hand-set weights)")
    return window.apply_settings(edited)


def install_weight_editor(window: MainWindow) -> QAction:
    """Add Edit weights… to the Training menu."""
    menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Training"
    )
    action = QAction("Edit &weights…", window)
    action.setToolTip(f"A table per weight matrix (models of up to {MAX_EDIT_UNITS} units)")
    action.triggered.connect(lambda _=False: open_weight_editor(window))
    menu.addSeparator()
    menu.addAction(action)
    return action
