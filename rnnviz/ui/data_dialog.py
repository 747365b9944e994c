"""File ▸ Open data…: the user's CSV or text file as the run's task.

The dialog picks the kind from the file (``.txt`` and other non-CSV files: the character
language model; a CSV whose cells are all numbers: a time series; otherwise labelled
sequences), shows the task's options (target column, horizon, window, split,
normalisation ...) and, for the current choices, what the task will be or the one sentence
that says why the file does not fit. The run keeps its model; an opened torch model keeps
its weights when the data's sizes fit it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QVBoxLayout,
)

from rnnviz.engine.spec import SpecError
from rnnviz.session.settings import RunSettings
from rnnviz.ui.controls.widgets import OptionsForm

if TYPE_CHECKING:
    from rnnviz.ui.window import MainWindow

DATA_FILTER = "data (*.csv *.tsv *.txt);;all files (*)"
DATA_KINDS = {
    "csv": "a time series (numeric columns)",
    "labelled_csv": "labelled sequences (sequence + label columns)",
    "text": "a text for the character language model",
}

#: what an empty column field means (the options' defaults)
PLACEHOLDERS = {
    "inputs": "every column",
    "target": "the last column",
    "sequence": "the first column",
    "label": "the last column",
}


def guess_kind(path: str) -> str:
    """text for non-CSV files; csv when the file's first data line is all numbers."""
    if Path(path).suffix.lower() not in (".csv", ".tsv"):
        return "text"
    from rnnviz.engine.tasks import make_task

    try:
        make_task("csv", path=path, window=2)
    except SpecError as exc:
        return "labelled_csv" if "not a number" in str(exc) else "csv"
    return "csv"


class OpenDataDialog(QDialog):
    """Choose the kind and options of a data task on ``path``; ``settings`` after OK."""

    def __init__(self, path: str, current: RunSettings, parent=None) -> None:
        super().__init__(parent)
        self.path, self.current = path, current
        self.settings: RunSettings | None = None
        self.setWindowTitle(f"Open data — {Path(path).name}")
        layout = QVBoxLayout(self)
        self.kind = QComboBox()
        for kind, text in DATA_KINDS.items():
            self.kind.addItem(text, kind)
        self.kind.setCurrentIndex(self.kind.findData(guess_kind(path)))
        layout.addWidget(QLabel(f"<b>{Path(path).name}</b> as"))
        layout.addWidget(self.kind)
        self.options = OptionsForm()
        layout.addWidget(self.options)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setObjectName("preview")
        layout.addWidget(self.preview)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.options.changed.connect(self._update)
        self.setMinimumWidth(560)
        self._kind_changed()

    def _kind_changed(self) -> None:
        from rnnviz.engine.tasks import TASKS

        cls = TASKS[self.kind.currentData()]
        shown = {k: v for k, v in cls.option_defaults.items() if k not in ("path", "sha256")}
        self.options.set_options(shown, dict(cls.option_help), dict(cls.option_bounds))
        for name, hint in PLACEHOLDERS.items():
            if (editor := self.options.editor(name)) is not None:
                editor.setPlaceholderText(hint)
        self._update()

    def _update(self) -> None:
        """Build the task for the current choices: its description, or why it does not fit."""
        kind, options = self.kind.currentData(), {**self.options.values(), "path": self.path}
        try:
            self.settings, note = data_run_settings(self.current, kind, options)
            task = self.settings.make_task()
            columns = getattr(task, "columns", None)
            text = task.describe()
            if columns:
                text = f"Columns: {', '.join(columns)}. " + text
            self.preview.setText(text + (f"<br><i>{note}</i>" if note else ""))
        except SpecError as exc:
            self.settings = None
            self.preview.setText(f"<span style='color:#b00020'>{exc}</span>")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self.settings is not None
        )


def data_run_settings(current: RunSettings, kind: str, options: dict) -> tuple[RunSettings, str]:
    """``current`` on the data task (kind, options), and a note on what was dropped. Hand-set
    weights (an opened torch model's) stay when the task's sizes fit the model."""
    from rnnviz.engine.tasks import make_task

    task = make_task(kind, seed=current.config.seed, **options)
    spec = current.spec
    fits = task.input_size == spec.input_size and task.output_size == spec.output_size
    # the lesson strip shows the title and description: they must tell of these data now
    current = replace(current, title=Path(options["path"]).name, description=task.describe())
    if current.weights and fits:
        run = replace(current, task_kind=kind, task_options=dict(options), tour=())
        run.make_trainer()  # refused settings say why here, not after OK
        return run, "The model keeps its weights: the data's sizes fit it."
    run = current.edited(spec, kind, options, current.config, model_changed=False)
    run = replace(run, weights=None, config=replace(run.config, freeze=()))
    run.make_trainer()
    if not current.weights:
        return run, ""
    return run, (
        "The run's hand-set weights are dropped: the data give "
        f"{task.input_size} input(s) and need {task.output_size} output(s), the model has "
        f"{spec.input_size} and {spec.output_size}."
    )


def open_data_dialog(window: MainWindow) -> bool:
    """Ask for a data file and its task options, and start a run on it (True if started)."""
    path, _ = QFileDialog.getOpenFileName(window, "Open data", "", DATA_FILTER)
    if not path:
        return False
    dialog = OpenDataDialog(path, window.run_settings, window)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.settings is None:
        return False
    if not window.may_discard("opening data"):
        return False
    return window.apply_settings(dialog.settings)
