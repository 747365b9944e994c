"""Presets: named, plain-data JSON files under resources/presets/, loaded and validated here.

A preset file::

    {
      "title": "...", "description": "one paragraph for students",
      "model": {ModelSpec fields},            # sizes default to the task's
      "task": {"kind": "adding", "seq_len": 50},
      "train": {TrainConfig fields},
      "weights": {"rnn.weight_hh_l0": [[...]], ...},          # optional, hand-set
      "compare": {"label": "LSTM", "model": {...}, "train": {...}},  # optional second run
      "show": ["cell_diagram"],      # optional: panels the window brings to the front
      "tour": ["caption at t = 1", ...],  # optional: a walk-through, one caption per t
      "surface": {"plane": "exact", "params": ["rnn.weight_hh_l0", "rnn.bias_hh_l0"],
                  "centre": "start", "span": 5}  # optional: the loss surface's first view
    }

``compare`` holds overrides applied on top of ``model`` / ``train`` for a second run trained in
lockstep on the same task and seed.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from rnnviz.engine.preset_checks import (
    check_compare,
    check_preset_data,
    check_show,
    check_tour,
    check_weights,
)
from rnnviz.engine.schema import Field
from rnnviz.engine.spec import MODEL_FIELDS, ModelSpec, SpecError
from rnnviz.engine.surface_view import SurfaceView, check_surface
from rnnviz.engine.train_config import TRAIN_FIELDS, TrainConfig

PRESET_DIR = Path(__file__).resolve().parents[2] / "resources" / "presets"
DEFAULT_PRESET = "lecture_lstm"
#: a preset is a page of JSON; anything far bigger is not one (and is not read into memory)
MAX_PRESET_BYTES = 16 * 2**20
#: a preset name is a file stem: no path separators, and short enough for any file system
_NAME = re.compile(r"[A-Za-z0-9_.+-]{1,100}")
_SECTIONS = {"model": MODEL_FIELDS, "train": TRAIN_FIELDS}


def user_preset_dir() -> Path:
    """Where a user's own presets live: ``$XDG_CONFIG_HOME/rnnviz/presets`` on Linux (read at
    each call, so a changed environment is followed)."""
    from platformdirs import user_config_path

    return user_config_path("rnnviz", appauthor=False) / "presets"


def preset_dirs() -> list[Path]:
    """The folders presets are read from: the shipped one (``RNNVIZ_PRESET_DIR`` replaces it,
    for tests and packagers), then the user's. A user preset is named ``user:NAME``, so one
    of a shipped preset's name is listed beside it and never replaces it."""
    shipped = Path(os.environ.get("RNNVIZ_PRESET_DIR") or PRESET_DIR)
    return [shipped, user_preset_dir()]


#: the mark of a user preset's name (``user:mine`` is ``mine.json`` in ``user_preset_dir()``)
USER_MARK = "user:"


class PresetEntry(NamedTuple):
    """One preset file as a menu or ``rnnviz presets`` lists it: ``preset`` is None when the
    file is broken, and ``reason`` says why."""

    name: str
    preset: Preset | None
    reason: str = ""


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
    #: panels the window brings to the front when the preset opens (keys, e.g. "gates")
    show: tuple[str, ...] = ()
    #: a walk-through: one caption per time step t = 1, 2, ... of the shown sequence
    tour: tuple[str, ...] = ()
    #: the loss surface panel's first view (plane, parameters, centre, span); None: auto
    surface: SurfaceView | None = None

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
        ``task.seq_len``; a bare key is looked up in train, model, then task). Text values
        (``--set``) are parsed into each field's declared type (``schema.Field.parse``)."""
        model, task, train = self.model.to_dict(), dict(self.task), self.train.to_dict()
        sections = {"model": model, "task": task, "train": train}
        for key, value in settings.items():
            section, _, name = key.rpartition(".")
            if not section:
                section = next((s for s in ("train", "model") if name in sections[s]), "task")
            if section not in sections:
                raise SpecError(
                    f"unknown setting section {section!r} in {key!r}; use model., task. or train."
                )
            if section != "task" and name not in sections[section]:
                raise SpecError(f"unknown setting {key!r}")
            sections[section][name] = _parsed(section, name, value)
        if task["kind"] != self.task_kind:  # the old task's options mean nothing to a new one
            task = _options_of_new_task(task, self.task, settings)
        spec, config = ModelSpec.from_dict(model), TrainConfig.from_dict(train)
        if spec == self.model and task["kind"] == self.task_kind:
            return replace(self, model=spec, task=task, train=config)
        # as in the window (RunSettings.edited): hand-set weights and frozen parameters
        # belong to the preset's model and task, so another model or task starts afresh
        # (parameters frozen by these very settings stay frozen)
        if not any(key.rpartition(".")[2] == "freeze" for key in settings):
            config = replace(config, freeze=())
        surface = self.surface if spec == self.model or not _names_params(self.surface) else None
        return replace(self, model=spec, task=task, train=config, weights=None, surface=surface)

    def dropped_by(self, edited: Preset) -> str:
        """What ``edited`` (this preset after ``with_settings``) no longer keeps, as a
        sentence ("" when nothing)."""
        lost = [
            text
            for text, had, has in (
                ("hand-set weights", self.weights is not None, edited.weights is not None),
                ("frozen parameters", bool(self.train.freeze), bool(edited.train.freeze)),
            )
            if had and not has
        ]
        if not lost:
            return ""
        return (
            f"the preset's {' and '.join(lost)} are dropped: they belong to its model and "
            "task, and these settings change one of them"
        )


def _names_params(view: SurfaceView | None) -> bool:
    """Whether a surface view names parameters of the preset's own model (another model may
    not have them; the other planes fit any model)."""
    return view is not None and bool(view.params)


def _parsed(section: str, name: str, value: object) -> object:
    """A setting's value in its declared type (task options are typed by their task, and
    ``task.kind`` is a name)."""
    if section == "task":
        if name == "kind":
            return Field("kind", "choice", choices=_task_kinds()).parse(value, "task")
        return value
    return _SECTIONS[section][name].parse(value, section)


def _options_of_new_task(task: dict, old: dict, settings: dict) -> dict:
    """``task`` without the options carried over from ``old`` that its kind does not take
    (those set explicitly stay, and are refused by the task if wrong)."""
    from rnnviz.engine.tasks import TASKS

    known = TASKS[task["kind"]].option_defaults if task["kind"] in TASKS else {}
    explicit = {key.rpartition(".")[2] for key in settings if key.startswith("task.")}
    return {
        k: v for k, v in task.items() if k == "kind" or k in known or k in explicit or k not in old
    }


def _task_kinds() -> tuple[str, ...]:
    from rnnviz.engine.tasks import TASKS

    return tuple(TASKS)


def list_presets(directory: Path | None = None) -> list[str]:
    """The names of every preset file (good or broken): the shipped ones sorted, then the
    user's, each as ``user:NAME``."""
    if directory is not None:
        return _stems(directory)
    shipped, user = preset_dirs()
    return _stems(shipped) + [USER_MARK + stem for stem in _stems(user)]


def _stems(directory: Path) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.json")) if directory.is_dir() else []


def scan_presets(directory: Path | None = None) -> list[PresetEntry]:
    """Every preset, each loaded or with the reason it is broken: one broken file never
    hides the others (``rnnviz presets`` and the Presets menu list this)."""
    # the folders asked once (the user's comes from platformdirs: ~0.5 ms a call, which
    # load_preset paid per preset: 30 ms of every start, for two menus)
    shipped, user = preset_dirs() if directory is None else (directory, None)
    folders = [("", shipped)] if user is None else [("", shipped), (USER_MARK, user)]
    entries = []
    for mark, folder in folders:
        for stem in _stems(folder):
            name = mark + stem
            try:
                if not _NAME.fullmatch(stem):
                    _preset_path(name, directory)  # raises: the name is not one
                entries.append(PresetEntry(name, _read_preset(folder / f"{stem}.json", name)))
            except SpecError as exc:
                entries.append(PresetEntry(name, None, str(exc)))
    return entries


def is_user_preset(name: str) -> bool:
    return name.startswith(USER_MARK)


def _preset_path(name: object, directory: Path | None) -> Path:
    """The file of preset ``name`` (``user:NAME`` in the user's folder), or SpecError."""
    if isinstance(name, str) and ("/" in name or "\\" in name or name.endswith(".json")):
        raise SpecError(
            f"unknown preset {name!r}: --preset takes a preset's name (see `rnnviz presets`); "
            f"to open a preset file use --preset-file {name} (File > Open preset file...)"
        )
    user = directory is None and isinstance(name, str) and is_user_preset(name)
    stem = name[len(USER_MARK) :] if user else name
    if not isinstance(stem, str) or not _NAME.fullmatch(stem):
        shown = repr(name) if len(repr(name)) <= 60 else repr(name)[:57] + "..."
        raise SpecError(
            f"unknown preset {shown}; a preset name is up to 100 letters, digits, '_', '-', "
            "'.' or '+'"
        )
    folder = directory if directory is not None else preset_dirs()[1 if user else 0]
    path = folder / f"{stem}.json"
    if path.is_file():
        return path
    available = ", ".join(list_presets(directory)) or "none"
    raise SpecError(f"unknown preset {name!r}; available: {available}")


def load_preset(name: str, directory: Path | None = None) -> Preset:
    """Preset ``name`` (shipped, or ``user:NAME`` from the user's folder; or from
    ``directory``); SpecError with one sentence when it is missing or broken."""
    return _read_preset(_preset_path(name, directory), name)


def load_preset_file(path: str | Path) -> Preset:
    """The preset in the JSON file ``path`` (anywhere), named by the file's stem."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise SpecError(f"the preset file {path} does not exist or is not a file")
    return _read_preset(path, path.stem)


def _read_preset(path: Path, name: str) -> Preset:
    try:
        if path.stat().st_size > MAX_PRESET_BYTES:
            raise SpecError(f"preset {name!r} is larger than {MAX_PRESET_BYTES >> 20} MB")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(f"preset {name!r} could not be read: {exc}") from exc
    except RecursionError:  # json's C scanner on thousands of nested brackets
        raise SpecError(f"preset {name!r} could not be read: it is nested too deeply") from None
    return preset_from_dict(name, data)


def preset_from_dict(name: str, data: object) -> Preset:
    """A preset from its JSON data; SpecError naming the first thing that does not fit."""
    data = check_preset_data(name, data)
    task = data["task"]
    preset = Preset(
        name=name,
        title=str(data.get("title", name)),
        description=str(data.get("description", "")),
        model=ModelSpec.from_dict(data.get("model", {})),
        task=dict(task),
        train=TrainConfig.from_dict(data.get("train", {})),
        weights=check_weights(name, data.get("weights")),
        compare=check_compare(name, data.get("compare")),
        show=check_show(name, data.get("show", [])),
        tour=check_tour(name, data.get("tour", [])),
        surface=check_surface(name, data.get("surface")),
    )
    preset.comparison()  # validates the compare overrides
    return preset
