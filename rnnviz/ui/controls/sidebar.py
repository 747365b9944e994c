"""The control sidebar: model, task and training settings, with Apply / Revert.

Settings that need a new model (everything but learning rate and clipping) are edited freely
and validated as you go; the sidebar then says that applying them resets training and offers
"Apply (reset)". Invalid values are refused with the engine's reason shown in red.
Learning rate and clipping are applied to the running trainer at once (``live_changed``).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rnnviz.engine.budget import check_budget, slow_step_warning
from rnnviz.engine.spec import SpecError
from rnnviz.engine.train_config import LIVE_FIELDS
from rnnviz.session.settings import RunSettings
from rnnviz.ui.controls.compare_controls import CompareControls
from rnnviz.ui.controls.model_controls import ModelControls
from rnnviz.ui.controls.task_controls import TaskControls
from rnnviz.ui.controls.training_controls import TrainingControls
from rnnviz.ui.controls.widgets import FloatBox, IntBox


def _structural(training_values: dict) -> dict:
    return {k: v for k, v in training_values.items() if k not in LIVE_FIELDS}


class Sidebar(QScrollArea):
    """Emits ``apply_requested(RunSettings)`` and ``live_changed(TrainConfig)``."""

    apply_requested = Signal(object)
    live_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.title = QLabel()
        self.title.setObjectName("presetTitle")
        self.title.setWordWrap(True)
        self.model = ModelControls()
        self.task = TaskControls()
        self.training = TrainingControls()
        self.compare = CompareControls()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("settingsMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apply_button = QPushButton("Apply (resets training)")
        self.apply_button.setToolTip(
            "Build the model with these settings and start again from step 0."
        )
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Go back to the settings of the current run.")
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button, 2)
        buttons.addWidget(self.revert_button, 1)
        layout.addWidget(self.title)
        layout.addWidget(self.model)
        layout.addWidget(self.task)
        layout.addWidget(self.training)
        layout.addWidget(self.compare)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.setWidget(body)
        for box in body.findChildren(QComboBox):  # long item texts must not widen the bar
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(8)
            # Qt keeps the minimum width it cached under the old policy (the whole longest
            # item) until a style change: 590 px of sidebar at text size 1.5 (issue 16)
            QApplication.sendEvent(box, QEvent(QEvent.Type.StyleChange))
        for group in (self.model, self.task, self.training, self.compare):
            group.updateGeometry()  # the body's layout cached the groups' old minimum too
        self.fit_width()
        body.installEventFilter(self)  # refit when the controls' minimum width changes

        self._applied: RunSettings | None = None
        self._refusal = ""  # why a box last refused typed input, until shown with the next edit
        self._snapshot: tuple | None = None
        self.model.changed.connect(self._edited)
        self.task.changed.connect(self._edited)
        self.training.changed.connect(self._edited)
        self.compare.changed.connect(self._edited)
        self.training.live_changed.connect(self._live_edited)
        for box in body.findChildren(IntBox) + body.findChildren(FloatBox) + [self.training.seed]:
            box.refused.connect(self._refused)
        self.task.options.refused.connect(self._refused)
        self.apply_button.clicked.connect(self._apply)
        self.revert_button.clicked.connect(self.revert)
        self._set_message("", "")

    def fit_width(self) -> None:
        """Never narrower than the controls (no horizontal scroll bar to reach clipped ones);
        called again whenever their layout changes (a new text size, rows shown or hidden)."""
        scroll_bar = self.verticalScrollBar().sizeHint().width()
        width = max(320, self.widget().minimumSizeHint().width() + scroll_bar + 4)
        if width != self.minimumWidth():
            self.setMinimumWidth(width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit_width()
        return super().eventFilter(watched, event)

    # -- state -------------------------------------------------------------------------------
    def load(self, settings: RunSettings) -> None:
        """Show the settings of the run now in the window (nothing pending)."""
        self._applied = settings
        self.title.setText(settings.title or "Custom settings")
        self.title.setToolTip(settings.description)
        self.model.load(settings.spec)
        self.task.load(settings.task_kind, settings.task_options)
        self.training.load(settings.config)
        self.compare.load(settings.compare)
        self._snapshot = self._current()
        self._refusal = ""
        self._set_message("", "")

    def revert(self) -> None:
        if self._applied is not None:
            self.load(self._applied)

    def _current(self) -> tuple:
        kind, options = self.task.values()
        return (
            self.model.values(),
            kind,
            options,
            _structural(self.training.values()),
            self.compare.value(),
        )

    @property
    def pending(self) -> bool:
        return self._snapshot is not None and self._current() != self._snapshot

    def edited_settings(self) -> RunSettings:
        """The settings as edited; raises SpecError with the reason when invalid."""
        assert self._applied is not None
        kind, options = self.task.values()
        config = self.training.config()
        probe = replace(self._applied, task_kind=kind, task_options=options, config=config)
        task = probe.make_task()  # validates the task options
        model_changed = self.model.values() != self._snapshot[0]
        spec = self.model.spec_for(task.input_size, task.output_size)
        check_budget(spec, task, config)  # memory and time, refused before Apply
        settings = replace(
            self._applied.edited(spec, kind, options, config, model_changed),
            compare=self.compare.value(),
        )
        settings.make_compare_trainer()  # validates the second run
        if model_changed or kind != self._applied.task_kind:
            settings = _with_custom_title(settings)
        return settings

    # -- reactions ---------------------------------------------------------------------------
    def _edited(self) -> None:
        if not self.pending:
            self._set_message("", "")
            return
        try:
            settings = self.edited_settings()
        except SpecError as exc:
            self._set_message(f"Not applied: {exc}", "error")
            self.apply_button.setEnabled(False)
            return
        slow = slow_step_warning(settings.spec, settings.make_task(), settings.config)
        self._set_message(
            "These changes need a new model: Apply resets training to step 0."
            + (f" {slow}" if slow else ""),
            "pending",
        )

    def _live_edited(self) -> None:
        try:
            config = self.training.config()
        except SpecError as exc:
            self._set_message(f"Not applied: {exc}", "error")
            return
        if self._applied is not None:
            live = {k: getattr(config, k) for k in LIVE_FIELDS}
            self._applied = replace(self._applied, config=replace(self._applied.config, **live))
        self.live_changed.emit(config)
        if not self.pending:
            self._set_message("", "")

    def _apply(self) -> None:
        try:
            settings = self.edited_settings()
        except SpecError as exc:
            self._set_message(f"Not applied: {exc}", "error")
            return
        self.apply_requested.emit(settings)

    def _refused(self, reason: str) -> None:
        """A box would not take typed input: say why, until the next message (which keeps the
        reason in front); Apply stays as the other edits allow."""
        self._refusal = f"Not applied: {reason}"
        self._show_message(self._refusal, "error")

    def show_error(self, text: str) -> None:
        """Show a refusal from the window (e.g. the trainer could not be built)."""
        self._set_message(f"Not applied: {text}", "error")

    def _set_message(self, text: str, kind: str) -> None:
        shown_kind = kind
        if self._refusal:  # the edit that follows a refused keystroke must not hide it
            text, shown_kind, self._refusal = f"{self._refusal} {text}".strip(), "error", ""
        self._show_message(text, shown_kind)
        pending = kind in ("pending", "error") and self.pending
        self.apply_button.setEnabled(kind == "pending")
        self.revert_button.setEnabled(pending)

    def _show_message(self, text: str, kind: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)


def _with_custom_title(settings: RunSettings) -> RunSettings:
    base = settings.title.removesuffix(" (modified)") if settings.title else "Custom"
    return replace(settings, title=f"{base} (modified)")
