"""The cell panel's header: where in the sequence (t and the input), the t ± 1 buttons, the
unit box, the chain selector, the equations' fold button (only in a short dock) and the step
tag, in a row that wraps (header_row.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from rnnviz.ui import style
from rnnviz.ui.panels.header_row import HeaderRow
from rnnviz.ui.panels.heatmap_labels import ChainSelector


def build_header(panel, fold_button: QWidget) -> HeaderRow:
    """The header of ``panel`` (a CellDiagramPanel), its widgets kept on the panel:
    ``prev_button``, ``next_button``, ``where``, ``unit_box`` and ``chain_box``."""
    header = HeaderRow()
    panel.prev_button = QPushButton("◀ t - 1")
    panel.next_button = QPushButton("t + 1 ▶")
    panel.where = QLabel("")
    panel.where.setObjectName("panelSummary")
    panel.unit_box = QSpinBox()
    panel.unit_box.setPrefix("unit ")
    panel.unit_box.setToolTip("The hidden unit shown (up / down arrow keys).")
    panel.chain_box = ChainSelector(panel.cursor)
    for button, step in ((panel.prev_button, -1), (panel.next_button, 1)):
        button.setToolTip("Step through the sequence (left / right arrow keys).")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _c=False, s=step: panel.step_t(s))
    for widget in (panel.prev_button, panel.where, panel.next_button, panel.unit_box):
        style.follow_text_size(widget, 1)
    style.follow_text_size(panel.chain_box)
    panel.unit_box.valueChanged.connect(panel.cursor.set_unit)
    # the summary first: in a narrow dock it takes a line and the buttons the next (after
    # "◀ t - 1" it wrapped onto two lines at 1600x1000 x 1.5, between the two buttons)
    header.addWidget(panel.where, 1)
    header.addWidget(_side_by_side(panel.prev_button, panel.next_button))  # never split
    header.addWidget(panel.unit_box)
    header.addWidget(panel.chain_box)
    header.addWidget(fold_button)
    header.addWidget(panel.step_tag)
    return header


def _side_by_side(*widgets: QWidget) -> QWidget:
    """``widgets`` in one row that a flowing header moves as one (t - 1 and t + 1 apart
    on two lines read as unrelated)."""
    pair = QWidget()
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    return pair
