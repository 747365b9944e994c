"""The shape of a preset (or saved settings) file, checked before any part of it is used:
each section of the right JSON type, the hand-set weights finite arrays of numbers, the
compare overrides naming known settings. Field values are checked by ``schema.py``."""

from __future__ import annotations

import numpy as np

from rnnviz.engine.errors import named
from rnnviz.engine.schema import check_mapping
from rnnviz.engine.spec import MODEL_FIELDS, SpecError
from rnnviz.engine.surface_view import check_surface
from rnnviz.engine.train_config import TRAIN_FIELDS

TOP_KEYS = {
    "title",
    "description",
    "model",
    "task",
    "train",
    "weights",
    "compare",
    "show",
    "tour",
    "surface",
}
COMPARE_KEYS = {"label", "model", "train", "keep_weights"}
#: hand-set weights of a preset: a page of numbers, not a model checkpoint
MAX_WEIGHT_VALUES = 1_000_000


def check_preset_data(name: str, data: object) -> dict:
    """The top level: an object with known keys, a task naming its kind, object sections."""
    if not isinstance(data, dict):
        raise SpecError(f"preset {name!r} must be a JSON object (got {type(data).__name__})")
    unknown = sorted(map(str, set(data) - TOP_KEYS))
    if unknown:
        raise SpecError(f"preset {name!r} has unknown key(s): {', '.join(unknown)}")
    task = data.get("task")
    if not isinstance(task, dict) or "kind" not in task:
        raise SpecError(f"preset {name!r} needs a task with a 'kind'")
    if not isinstance(task["kind"], str):
        raise SpecError(f"preset {name!r}: task.kind must be a task name (got {task['kind']!r})")
    check_mapping(task, "task")
    for section in ("model", "train"):
        if section in data:
            check_mapping(data[section], section)
    for key in ("title", "description"):
        if key in data and not isinstance(data[key], str):
            raise SpecError(f"preset {name!r}: {key} must be text (got {data[key]!r})")
    check_show(name, data.get("show", []))
    check_tour(name, data.get("tour", []))
    check_surface(name, data.get("surface"))
    return data


def check_tour(name: str, tour: object) -> tuple[str, ...]:
    """``tour``: a walk-through, one caption per time step t = 1, 2, ... of the shown
    sequence (what to read off the panels there)."""
    if not isinstance(tour, list) or len(tour) > 256:
        raise SpecError(f"preset {name!r}: tour must be a list of up to 256 captions")
    for caption in tour:
        if not isinstance(caption, str) or len(caption) > 1000:
            raise SpecError(f"preset {name!r}: each tour caption is a text of up to 1000 letters")
    return tuple(tour)


def check_show(name: str, show: object) -> tuple[str, ...]:
    """``show``: the panels (their keys, e.g. "cell_diagram") the window brings to the front
    when the preset opens: what its description points to."""
    if not isinstance(show, list) or len(show) > 8:
        raise SpecError(f"preset {name!r}: show must be a list of up to 8 panel names")
    for key in show:
        if not isinstance(key, str) or not key.isidentifier() or len(key) > 40:
            raise SpecError(f"preset {name!r}: show names panels by key (got {key!r})")
    return tuple(show)


def check_weights(name: str, weights: object) -> dict[str, np.ndarray] | None:
    """Hand-set weights: an object of name -> (nested list of) finite numbers, as float32
    arrays. Shapes are checked against the model when it is built (``set_weights``)."""
    if weights is None:
        return None
    if not isinstance(weights, dict):
        raise SpecError(
            f"preset {name!r}: weights must be an object of name: array (got {weights!r:.60})"
        )
    out, total = {}, 0
    for key, value in weights.items():
        try:
            with np.errstate(over="ignore"):  # beyond float32 becomes inf, refused below
                array = np.asarray(value, dtype=np.float32)
        except (TypeError, ValueError, OverflowError):
            raise SpecError(
                f"preset {name!r}: weight {key!r} must be a rectangular array of numbers"
            ) from None
        total += array.size
        if total > MAX_WEIGHT_VALUES:
            raise SpecError(f"preset {name!r}: more than {MAX_WEIGHT_VALUES} weight values")
        if not np.isfinite(array).all():  # NaN / Infinity literals, or values beyond float32
            raise SpecError(f"preset {name!r}: weight {key!r} has values that are not finite")
        out[str(key)] = array
    return out


def check_compare(name: str, compare: object) -> dict | None:
    """A compare run's overrides: known model / train settings, a text label, a boolean
    keep_weights. Their values are checked when the comparison is built."""
    if compare is None:
        return None
    if not isinstance(compare, dict):
        raise SpecError(f"preset {name!r}: compare must be an object (got {compare!r:.60})")
    unknown = sorted(map(str, set(compare) - COMPARE_KEYS))
    if unknown:
        raise SpecError(f"preset {name!r}: compare has unknown key(s): {named(unknown)}")
    for section, known in (("model", MODEL_FIELDS), ("train", TRAIN_FIELDS)):
        overrides = check_mapping(compare.get(section, {}), f"compare.{section}")
        extra = sorted(set(overrides) - set(known))
        if extra:
            raise SpecError(f"preset {name!r}: unknown compare.{section} setting(s): {extra}")
    if not isinstance(compare.get("label", ""), str):
        raise SpecError(f"preset {name!r}: compare.label must be text")
    if not isinstance(compare.get("keep_weights", False), bool):
        raise SpecError(f"preset {name!r}: compare.keep_weights must be true or false")
    return compare
