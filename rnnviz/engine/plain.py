"""Records and states as JSON plus named numpy arrays, and back: what session files hold.

``encode(obj, arrays, key)`` turns an object made of dicts, lists, tuples, numbers, strings,
numpy arrays and the engine's own record dataclasses into JSON-able data, moving every array
into ``arrays`` under a name derived from ``key``; ``decode(data, arrays)`` rebuilds it.
Nothing is executed and no class is looked up by a name the file chose freely: only the
dataclasses in ``_TYPES`` can be rebuilt, with exactly their fields.

    array                   {"$a": "<array name>"}
    tuple                   {"$t": [items]}
    non-finite float        {"$f": "nan" | "inf" | "-inf"}   (JSON has no NaN)
    dict with str keys      {"$d": {key: value}}             (so "$a" etc. cannot collide)
    dataclass               {"$c": "StepRecord", "v": {field: value}}

Floats round-trip exactly (JSON keeps ``repr``); numpy scalars become Python numbers.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from rnnviz.engine.history import Event
from rnnviz.engine.record import SampleRecord, StepRecord
from rnnviz.engine.trainer_state import TrainerState

_TYPES = {cls.__name__: cls for cls in (StepRecord, SampleRecord, Event, TrainerState)}


class PlainError(ValueError):
    """The data does not describe an object this version can rebuild."""


def encode(obj, arrays: dict[str, np.ndarray], key: str):
    """JSON-able data for ``obj``; arrays go into ``arrays`` (names start with ``key``)."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"$f": repr(obj)}
    if isinstance(obj, np.ndarray):
        if obj.dtype.hasobject:
            raise PlainError(f"{key}: object arrays cannot be stored")
        arrays[key] = obj
        return {"$a": key}
    if isinstance(obj, tuple):
        return {"$t": [encode(v, arrays, f"{key}/{i}") for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [encode(v, arrays, f"{key}/{i}") for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        if not all(isinstance(k, str) for k in obj):
            raise PlainError(f"{key}: only string keys can be stored")
        return {"$d": {k: encode(v, arrays, f"{key}/{k}") for k, v in obj.items()}}
    if dataclasses.is_dataclass(obj) and type(obj).__name__ in _TYPES:
        values = {
            f.name: encode(getattr(obj, f.name), arrays, f"{key}/{f.name}")
            for f in dataclasses.fields(obj)
        }
        return {"$c": type(obj).__name__, "v": values}
    raise PlainError(f"{key}: cannot store a {type(obj).__name__}")


def decode(data, arrays):
    """The object ``encode`` described; ``arrays[name]`` gives an array (a dict or a loader
    with ``__getitem__``). Raises PlainError on anything ``encode`` cannot have written."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(v, arrays) for v in data]
    if not isinstance(data, dict) or not (len(data) == 1 or set(data) == {"$c", "v"}):
        raise PlainError(f"unexpected value {str(data)[:60]!r}")
    if "$a" in data:
        return arrays[_text(data["$a"])]
    if "$t" in data:
        return tuple(decode(v, arrays) for v in _list(data["$t"]))
    if "$f" in data:
        if data["$f"] not in ("nan", "inf", "-inf"):
            raise PlainError(f"unexpected float {data['$f']!r}")
        return float(data["$f"])
    if "$d" in data:
        items = data["$d"]
        if not isinstance(items, dict):
            raise PlainError("a dict must be stored as an object")
        return {k: decode(v, arrays) for k, v in items.items()}
    if "$c" in data:
        return _dataclass(data, arrays)
    raise PlainError(f"unexpected value {str(data)[:60]!r}")


def _dataclass(data: dict, arrays):
    cls = _TYPES.get(data.get("$c"))
    values = data.get("v")
    if cls is None or not isinstance(values, dict):
        raise PlainError(f"unknown record type {data.get('$c')!r}")
    names = {f.name for f in dataclasses.fields(cls)}
    if set(values) - names:
        raise PlainError(f"{cls.__name__} has no field(s) {sorted(set(values) - names)}")
    try:
        return cls(**{k: decode(v, arrays) for k, v in values.items()})
    except TypeError as exc:
        raise PlainError(f"{cls.__name__}: {exc}") from exc


def _text(value) -> str:
    if not isinstance(value, str):
        raise PlainError("an array reference must be a name")
    return value


def _list(value) -> list:
    if not isinstance(value, list):
        raise PlainError("a tuple must be stored as a list")
    return value
