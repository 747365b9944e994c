"""File ▸ Open model…: a torch state_dict opened, what was inferred shown, and what the shapes
cannot tell chosen by the user (an nn.RNN's tanh or relu, the task to run it on).

The dialog never guesses silently: the inferred architecture is listed line by line, the
tasks whose input and output sizes fit the model come first, and a task that does not fit
says why in one sentence (OK is disabled until one fits).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
)

from rnnviz.engine.spec import SpecError
from rnnviz.engine.torch_infer import ImportedModel
from rnnviz.session.model_import import fitting_tasks, model_run_settings
from rnnviz.session.settings import RunSettings

if TYPE_CHECKING:
    from rnnviz.ui.window import MainWindow

MODEL_FILTER = "torch models (*.pt *.pth *.bin *.ckpt);;all files (*)"


class OpenModelDialog(QDialog):
    """Shows ``imported`` and builds its run settings (``settings``, after OK)."""

    def __init__(self, imported: ImportedModel, parent=None) -> None:
        super().__init__(parent)
        from rnnviz.engine.tasks import TASKS

        self.imported = imported
        self.settings: RunSettings | None = None
        self.setWindowTitle(f"Open model — {Path(imported.source).name}")
        layout = QVBoxLayout(self)
        inferred = QLabel("<b>Inferred from the file:</b><br>" + "<br>".join(imported.describe()))
        inferred.setObjectName("inferred")
        layout.addWidget(inferred)
        form = QFormLayout()
        self.activation = QComboBox()
        self.activation.addItems(["tanh", "relu"])
        self.activation.setEnabled(imported.spec.kind == "elman")
        self.activation.setToolTip(
            "An nn.RNN's state_dict does not say its nonlinearity: choose the one it was "
            "built with (nn.RNN's default is tanh)"
            if imported.spec.kind == "elman"
            else "Gated cells (LSTM, GRU) have fixed activations"
        )
        form.addRow("nn.RNN nonlinearity", self.activation)
        form.setRowVisible(self.activation, imported.spec.kind == "elman")  # LSTM/GRU: fixed
        self.task = QComboBox()
        fitting = fitting_tasks(imported)
        spec = imported.spec
        self.none_fit = (
            ""
            if fitting
            else f"No built-in task has {spec.input_size} input(s) and {spec.output_size} "
            "output(s) like this model. "
        )
        for kind in [*fitting, *(k for k in TASKS if k not in fitting)]:
            mark = "" if kind in fitting else "  (sizes do not fit)"
            self.task.addItem(f"{TASKS[kind].title}{mark}", kind)
        form.addRow("Run it on the task", self.task)
        layout.addLayout(form)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setObjectName("reason")
        layout.addWidget(self.reason)
        note = QLabel(
            "The file's weights are the run's starting point: training continues from them, "
            "and Reset goes back to them. To run it on your own data, open the data next "
            "(File ▸ Open data…): the weights stay when the data's sizes fit the model."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.task.currentIndexChanged.connect(self._update)
        self.activation.currentIndexChanged.connect(self._update)
        self.setMinimumWidth(520)
        self._update()

    def _update(self) -> None:
        """Build the settings for the current choices; say why when they do not fit."""
        changes = {"model.activation": self.activation.currentText()}
        if self.imported.spec.kind != "elman":
            changes = {}
        try:
            self.settings = model_run_settings(
                self.imported, task_kind=self.task.currentData(), settings=changes
            )
            self.reason.setText("")
        except SpecError as exc:
            self.settings = None
            text = f"{self.none_fit}{str(exc)[:1].upper()}{str(exc)[1:]}."
            self.reason.setText(f"<span style='color:#b00020'>{text}</span>")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.settings is not None)


def open_model_dialog(window: MainWindow) -> bool:
    """Ask for a torch file, show what it holds, and start a run of it (True when started)."""
    from rnnviz.engine.torch_import import load_torch_model

    path, _ = QFileDialog.getOpenFileName(window, "Open torch model", "", MODEL_FILTER)
    if not path:
        return False
    try:
        imported = load_torch_model(path)
    except SpecError as exc:
        QMessageBox.warning(window, "Open model", str(exc))
        return False
    dialog = OpenModelDialog(imported, window)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.settings is None:
        return False
    if not window.may_discard("opening a model"):
        return False
    return window.apply_settings(dialog.settings)
