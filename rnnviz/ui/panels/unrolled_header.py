"""The unrolled graph's header: the summary ("t = 1 · unit 0"), how nodes are coloured,
"all steps" of a long sequence, "Animate step" and the step tag, in a row that wraps."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QSizePolicy, QWidget

from rnnviz.ui.panels import unrolled_layout as geo
from rnnviz.ui.panels.header_row import HeaderRow

MODES = (("selected unit", "unit"), ("norm over units", "norm"))


class UnrolledHeader(HeaderRow):
    """The header's widgets, built once; ``show_controls(False)`` leaves the summary and the
    step tag (an encoder-decoder: its own panel draws it, the controls would act on
    nothing)."""

    def __init__(self, step_tag: QWidget) -> None:
        super().__init__()
        self.summary = QLabel("no step yet")
        self.summary.setObjectName("panelSummary")
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.nodes_label = QLabel("nodes:")
        self.mode_box = QComboBox()
        for text, mode in MODES:
            self.mode_box.addItem(text, mode)
        self.mode_box.setToolTip(
            "Node colour: the selected unit's activation, or the norm over all units"
        )
        self.all_steps = QCheckBox("all steps")
        self.all_steps.setToolTip(
            f"Sequences longer than {geo.MAX_SHOWN_STEPS} steps show their first and last "
            f"steps around '\u2026'; tick to draw every step, up to {geo.ALL_STEPS_LIMIT} "
            "(scroll to zoom, drag to pan)."
        )
        self.animate_button = QPushButton("Animate step")
        self.animate_button.setToolTip(
            "Replay the shown training step: the forward pass left to right, then "
            "backpropagation through time right to left (edges lit by their gradient)."
        )
        self.addWidget(self.summary, 1)
        for control in self._controls():
            self.addWidget(control)
        self.addWidget(step_tag)

    def _controls(self) -> tuple[QWidget, ...]:
        return (self.nodes_label, self.mode_box, self.all_steps, self.animate_button)

    def show_controls(self, shown: bool) -> None:
        for control in self._controls():
            control.setVisible(shown)
