"""An opened torch model as a run: the imported spec and weights on a task that fits them.

The imported weights become the run's hand-set initial weights (``RunSettings.weights``), so
the result is a normal session: every panel reads it, training continues from the file's
weights, Reset goes back to them, and a changed model drops them (the "Apply resets
training" rule).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rnnviz.engine.presets import Preset
from rnnviz.engine.spec import SpecError
from rnnviz.engine.torch_infer import ImportedModel
from rnnviz.engine.train_config import TrainConfig
from rnnviz.session.settings import RunSettings


def fitting_tasks(imported: ImportedModel) -> list[str]:
    """The built-in task kinds (default options) whose input and output sizes fit."""
    from rnnviz.engine.tasks import TASKS, make_task

    kinds = []
    for kind in TASKS:
        try:
            imported.check_fits(make_task(kind))
        except SpecError:
            continue
        kinds.append(kind)
    return kinds


def model_run_settings(
    imported: ImportedModel,
    task_kind: str | None = None,
    task_options: dict | None = None,
    settings: dict[str, object] | None = None,
) -> RunSettings:
    """Run settings for ``imported`` on ``task_kind`` (None: the first task that fits).

    ``settings``: ``--set`` style overrides: ``train.*`` and ``task.*`` as for a preset, and
    ``model.activation`` (an nn.RNN's tanh or relu); the rest of the model comes from the
    file. SpecError with one sentence when the task does not fit or a setting is refused.
    """
    from rnnviz.engine.tasks import make_task

    overrides = dict(settings or {})
    if "model.activation" in overrides:
        imported = imported.with_activation(str(overrides.pop("model.activation")).strip())
    model_keys = [k for k in overrides if k.startswith("model.")]
    if model_keys:
        raise SpecError(
            f"{model_keys[0]} cannot be set: the model's architecture comes from "
            f"{Path(imported.source).name or 'the file'} (only model.activation can be chosen)"
        )
    kind = overrides.pop("task.kind", None) or task_kind
    if kind is None:
        fitting = fitting_tasks(imported)
        if not fitting:
            raise SpecError(
                f"no built-in task has {imported.spec.input_size} input(s) and "
                f"{imported.spec.output_size} output(s) like this model: choose your own data "
                "(task.kind=csv, text or labelled_csv)"
            )
        kind = fitting[0]
    name = Path(imported.source).name or "torch model"
    preset = Preset(
        name=name,
        title=f"{name} ({imported.torch_class})",
        description="A torch model opened from a file: " + "; ".join(imported.describe()) + ".",
        model=imported.spec,
        task={"kind": str(kind), **(task_options or {})},
        # a bias=False module stays one: its (zero) biases are not trained
        train=TrainConfig(freeze=() if imported.had_bias else _biases(imported)),
        weights=imported.weights,
    )
    preset = preset.with_settings(overrides)
    run = replace(RunSettings.from_preset(preset), preset_name=None)
    imported.check_fits(make_task(run.task_kind, seed=0, **run.task_options))
    return run


def _biases(imported: ImportedModel) -> tuple[str, ...]:
    return tuple(sorted(n for n in imported.weights if n.startswith("rnn.bias_")))
