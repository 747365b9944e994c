"""Presets as files: the current run's settings written as a preset (File ▸ Save settings as
preset…), read back by ``engine.presets.load_preset_file`` or, in the user's preset folder,
listed as ``user:NAME``.

A written preset holds the model, the task, the training settings and the hand-set weights
(a preset's, an opened torch model's, or the weight editor's), plus the compare run, the
panels to show, the tour and the loss surface's first view when the run has them -- the
same keys a shipped preset has (``engine/presets.py``), so opening it gives the same run.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rnnviz.engine.archive import atomic_file
from rnnviz.engine.presets import user_preset_dir
from rnnviz.engine.spec import SpecError
from rnnviz.session.settings import RunSettings


def preset_data(settings: RunSettings, title: str | None = None) -> dict:
    """The preset JSON document of ``settings`` (weights as nested lists of numbers)."""
    data: dict = {
        "title": title if title is not None else (settings.title or "my preset"),
        "description": settings.description,
        "model": settings.spec.to_dict(),
        "task": {"kind": settings.task_kind, **settings.task_options},
        "train": settings.config.to_dict(),
    }
    data["model"]["clock_periods"] = list(settings.spec.clock_periods)
    data["train"]["freeze"] = list(settings.config.freeze)
    if settings.weights:
        data["weights"] = {k: np.asarray(v).tolist() for k, v in settings.weights.items()}
    if settings.compare:
        data["compare"] = settings.compare
    if settings.show:
        data["show"] = list(settings.show)
    if settings.tour:
        data["tour"] = list(settings.tour)
    if settings.surface is not None:
        data["surface"] = settings.surface.to_dict()
    return data


def save_preset_file(path: str | Path, settings: RunSettings, title: str | None = None) -> Path:
    """Write ``settings`` as a preset to ``path`` (``.json`` added when missing), atomically
    (a temporary file renamed over it); SpecError with one sentence when it cannot."""
    path = Path(path).expanduser()
    if path.suffix != ".json":
        path = path.with_name(path.name + ".json")
    if not path.parent.is_dir():
        raise SpecError(f"cannot write the preset {path}: the folder {path.parent} does not exist")
    text = json.dumps(preset_data(settings, title), indent=2, allow_nan=False)
    try:
        with atomic_file(path) as out:
            out.write((text + "\n").encode("utf-8"))
    except OSError as exc:
        raise SpecError(f"cannot write the preset {path}: {exc.strerror or exc}") from None
    return path


def user_preset_path(stem: str) -> Path:
    """Where a preset named ``stem`` goes in the user's folder (created if missing), so it
    is listed as ``user:stem``."""
    folder = user_preset_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}.json"
