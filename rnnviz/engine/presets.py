"""Presets: named, plain-data JSON files under resources/presets/, loaded and validated here.

A preset file::

    {
      "title": "...", "description": "one paragraph for students",
      "model": {ModelSpec fields},            # sizes default to the task's
      "task": {"kind": "adding", "seq_len": 50},
      "train": {TrainConfig fields},
      "weights": {"rnn.weight_hh_l0": [[...]], ...},          # optional, hand-set
      "compare": {"label": "LSTM", "model": {...}, "train": {...}}  # optional second run
    }

``compare`` holds overrides applied on top of ``model`` / ``train`` for a second run trained in
lockstep on the same task and seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from rnnviz.engine.spec import ModelSpec, SpecError
from rnnviz.engine.train_config import TrainConfig

PRESET_DIR = Path(__file__).resolve().parents[2] / "resources" / "presets"
DEFAULT_PRESET = "lecture_lstm"
_TOP_KEYS = {"title", "description", "model", "task", "train", "weights", "compare"}


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    model: ModelSpec
    task: dict
    train: TrainConfig
    weights: dict[str, np.ndarray] | None = None
    compare: dict | None = None

    @property
    def task_kind(self) -> str:
        return self.task["kind"]

    @property
    def task_options(self) -> dict:
        return {k: v for k, v in self.task.items() if k != "kind"}

    def comparison(self) -> Preset | None:
        """The second run of a compare preset, as a preset of its own (or None)."""
        if not self.compare:
            return None
        model = replace(self.model, **self.compare.get("model", {}))
        train = replace(self.train, **self.compare.get("train", {}))
        label = self.compare.get("label", model.kind.upper())
        weights = self.weights if self.compare.get("keep_weights") else None
        return replace(
            self,
            name=f"{self.name}:{label}",
            title=label,
            model=model,
            train=train,
            weights=weights,
            compare=None,
        )

    def with_settings(self, settings: dict[str, object]) -> Preset:
        """Apply ``section.key=value`` overrides (``model.hidden_size``, ``train.lr``,
        ``task.seq_len``; a bare key is looked up in train, model, then task)."""
        model, task, train = self.model.to_dict(), dict(self.task), self.train.to_dict()
        sections = {"model": model, "task": task, "train": train}
        for key, value in settings.items():
            section, _, field = key.rpartition(".")
            if section:
                if section not in sections:
                    raise SpecError(
                        f"unknown setting section {section!r} in {key!r}; "
                        "use model., task. or train."
                    )
                target = sections[section]
                if section != "task" and field not in target:
                    raise SpecError(f"unknown setting {key!r}")
            else:
                target = next((s for s in (train, model) if field in s), task)
            target[field] = value
        return replace(
            self, model=ModelSpec.from_dict(model), task=task, train=TrainConfig.from_dict(train)
        )


def list_presets(directory: Path = PRESET_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.json"))


def load_preset(name: str, directory: Path = PRESET_DIR) -> Preset:
    path = directory / f"{name}.json"
    if not path.is_file():
        raise SpecError(f"unknown preset {name!r}; available: {', '.join(list_presets(directory))}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(f"preset {name!r} could not be read: {exc}") from exc
    return preset_from_dict(name, data)


def preset_from_dict(name: str, data: dict) -> Preset:
    if not isinstance(data, dict):
        raise SpecError(f"preset {name!r} must be a JSON object")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise SpecError(f"preset {name!r} has unknown key(s): {', '.join(unknown)}")
    task = data.get("task")
    if not isinstance(task, dict) or "kind" not in task:
        raise SpecError(f"preset {name!r} needs a task with a 'kind'")
    weights = data.get("weights")
    if weights is not None:
        weights = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}
    preset = Preset(
        name=name,
        title=str(data.get("title", name)),
        description=str(data.get("description", "")),
        model=ModelSpec.from_dict(data.get("model", {})),
        task=dict(task),
        train=TrainConfig.from_dict(data.get("train", {})),
        weights=weights,
        compare=data.get("compare"),
    )
    preset.comparison()  # validates the compare overrides
    return preset
