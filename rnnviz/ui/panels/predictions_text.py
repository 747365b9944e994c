"""Text in the Predictions panel: a long character sequence as coloured text (the input, and
under it the predicted next characters, green right and red wrong), and the character
language model's own text, generated every few seconds off the GUI thread (``request``).
``TextPredictions`` is a mixin of ``PredictionsPanel``, which makes ``text``, ``summary_line``,
``generated`` (labels) and ``summary_fold`` and sets ``sample`` and ``context``."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea

from rnnviz.engine.record import SampleRecord
from rnnviz.ui import style
from rnnviz.ui.panels.predictions_compare import token_at

#: a sample longer than this is shown as text, not as a table of steps
MAX_TABLE_STEPS = 24
GENERATE_EVERY_S = 4.0


def generated_text_box(font: QFont) -> tuple[QLabel, QScrollArea]:
    """The language model's generated text, in a box that scrolls by itself where the dock
    is short: below char_lstm's coloured characters it made the whole dock scroll at
    1280x720 with text 1.5 (issue 16). The box takes the height left, at least 3 lines."""
    label = QLabel("")
    label.setWordWrap(True)
    label.setFont(font)
    style.follow_text_size(label, 1)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    box = QScrollArea()
    box.setWidget(label)
    box.setWidgetResizable(True)
    box.setFrameShape(QFrame.Shape.NoFrame)
    box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    box.setMinimumHeight(3 * label.fontMetrics().lineSpacing())
    return label, box


class TextPredictions:
    """Coloured and generated text (see the module docstring)."""

    def _show_text(self, sample: SampleRecord) -> None:
        tokens = sample.input_tokens
        # a target at most steps: a language model's next characters (a CTC sample's labels
        # have no step; the one-neuron RNN's single target was shown as a "predicted next
        # character" under 100 inputs)
        per_step_targets = sum(map(bool, sample.target_tokens)) > len(tokens) / 2
        if per_step_targets and len(tokens) > MAX_TABLE_STEPS and all(len(s) <= 2 for s in tokens):
            self.text.setText(_coloured_characters(sample, self._characters_per_row()))
            self.summary_line.setText("")  # the panel's content: never folded
        else:
            self.text.setText(html.escape(sample.text).replace("\n", "<br>"))
            self.summary_line.setText(sample.text.replace("\n", " "))
        self.summary_fold.refit()  # whole, or one line in a short dock

    # -- generated text (character language model) ------------------------------------------
    def _maybe_generate(self) -> None:
        context = self.context
        request = getattr(context, "request", None)
        if request is None or not hasattr(context.task, "sample_text") or self._generating:
            return
        now = time.monotonic()
        if now - self._last_generate < GENERATE_EVERY_S:
            return
        self._last_generate = now
        self._generating = True
        task = context.task

        def generate(trainer) -> str:
            return task.sample_text(trainer.model, length=160, temperature=0.8, rng=0)

        request(generate, self._generated)

    def _generated(self, result) -> None:
        self._generating = False
        if isinstance(result, BaseException):
            self.generated.setText(f"<i>generation failed: {html.escape(str(result))}</i>")
            return
        self.generated.setText(
            "<b>Generated (temperature 0.8):</b><br>" + html.escape(result).replace("\n", "⏎ ")
        )

    def _characters_per_row(self) -> int:
        """How many monospace characters the text's width holds (at least 8)."""
        width = self.width() - 40  # margins, and room for a scroll bar to come and go
        return max(8, width // max(1, self.text.fontMetrics().horizontalAdvance("0")))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.sample is not None and self.text.isVisible() and not self.summary_line.text():
            self._show_text(self.sample)  # the character rows as long as the new width holds


def _coloured_characters(sample: SampleRecord, per_row: int) -> str:
    """Input text, and underneath it the predicted next characters: green right, red wrong.

    In rows of ``per_row`` characters (each input row over its predictions, so that a
    character and its prediction stay one above the other): a row without spaces cannot
    word-wrap, and 100 characters in one row made the panel scroll sideways."""
    inputs = [html.escape(s) for s in sample.input_tokens]
    cells = []
    for t, predicted in enumerate(sample.predicted_tokens):
        target = token_at(sample.target_tokens, t)
        colour = "#66bb6a" if predicted == target else "#ef5350"
        cells.append(f'<span style="color:{colour}">{html.escape(predicted) or " "}</span>')
    rows = []
    for start in range(0, max(len(inputs), len(cells)), per_row):
        end = start + per_row
        pair = "".join(inputs[start:end]) + "<br>" + "".join(cells[start:end])
        rows.append(f'<span style="white-space:pre">{pair}</span>')  # spaces kept
    return "<b>input / predicted next character</b><br>" + "<br><br>".join(rows)
