"""A History as JSON plus named arrays (``plain.py``), and back, exactly.

Kept alongside ``history.py`` as its friend: it reads and rebuilds the bounded stores
(``_Series``, ``_Thinned``) as they are, so a reopened history thins, appends and answers
``record_at`` exactly as the saved one would have. Stores whose items are all arrays of one
shape (the ||dL/dh_t|| rows, the trajectory) or all numbers (spectral radii, gradient norms)
are stacked into one array each; records and checkpoints are encoded item by item.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from rnnviz.engine import plain
from rnnviz.engine.history import Event, History, _Series, _Thinned


def encode_history(history: History, arrays: dict[str, np.ndarray], key: str) -> dict:
    """JSON-able description of ``history``; its arrays go into ``arrays`` under ``key/``."""
    series = {}
    for name, store in history._series.items():
        arrays[f"{key}/series/{name}"] = store.view().copy()
        series[name] = {"$a": f"{key}/series/{name}"}
    return {
        "caps": {
            "max_points": history._max_points,
            "max_records": history._records.cap,
            "max_rows": history._max_rows,
            "max_trajectory": history.trajectory.cap,
            "max_checkpoints": history.checkpoints.maxlen,
        },
        "series": series,
        "records": _encode_thinned(history._records, arrays, f"{key}/records"),
        "sparse": {
            name: _encode_thinned(store, arrays, f"{key}/sparse/{name}")
            for name, store in history._sparse.items()
        },
        "trajectory": _encode_thinned(history.trajectory, arrays, f"{key}/trajectory"),
        "checkpoints": plain.encode(list(history.checkpoints), arrays, f"{key}/checkpoints"),
        "events": plain.encode(list(history.events), arrays, f"{key}/events"),
        "last": plain.encode(history.last, arrays, f"{key}/last"),
    }


def decode_history(data: dict, arrays) -> History:
    """The History ``encode_history`` described. Raises plain.PlainError when malformed."""
    try:
        caps = {k: int(v) for k, v in data["caps"].items()}
        history = History(**caps)
        for name, ref in data["series"].items():
            values = np.asarray(plain.decode(ref, arrays), dtype=np.float64)
            store = history._series.get(name) or _Series(history._max_points)
            store.data = np.array(values, dtype=np.float64) if values.size else np.empty(64)
            store.n = values.size
            history._series[name] = store
        history._records = _decode_thinned(data["records"], arrays, history._records.cap)
        history._sparse = {
            name: _decode_thinned(item, arrays, history._max_rows)
            for name, item in data["sparse"].items()
        }
        history.trajectory = _decode_thinned(data["trajectory"], arrays, history.trajectory.cap)
        checkpoints = plain.decode(data["checkpoints"], arrays)
        history.checkpoints = deque(
            ((int(step), state) for step, state in checkpoints), maxlen=history.checkpoints.maxlen
        )
        history.events = list(plain.decode(data["events"], arrays))
        history.last = plain.decode(data["last"], arrays)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise plain.PlainError(f"the history is malformed ({type(exc).__name__}: {exc})") from exc
    if not all(isinstance(e, Event) for e in history.events):
        raise plain.PlainError("the history's events are malformed")
    return history


def _encode_thinned(store: _Thinned, arrays: dict, key: str) -> dict:
    steps = np.asarray(store.steps, dtype=np.int64)
    arrays[f"{key}/steps"] = steps
    items = store.items
    if items and all(isinstance(v, float | int) and not isinstance(v, bool) for v in items):
        arrays[f"{key}/values"] = np.asarray(items, dtype=np.float64)
        return {"base": key, "cap": store.cap, "stacked": "numbers"}
    if items and all(isinstance(v, np.ndarray) for v in items):
        if len({(v.shape, v.dtype) for v in items}) == 1:
            arrays[f"{key}/values"] = np.stack(items)
            return {"base": key, "cap": store.cap, "stacked": "arrays"}
    items = plain.encode(list(items), arrays, f"{key}/items")
    return {"base": key, "cap": store.cap, "items": items}


def _decode_thinned(data: dict, arrays, cap: int) -> _Thinned:
    store = _Thinned(int(data.get("cap", cap)))
    base = str(data["base"])
    store.steps = [int(s) for s in arrays[f"{base}/steps"]]
    values_ref = {"$a": f"{base}/values"}
    stacked = data.get("stacked")
    if stacked == "numbers":
        store.items = [float(v) for v in plain.decode(values_ref, arrays)]
    elif stacked == "arrays":
        store.items = list(plain.decode(values_ref, arrays))
    else:
        store.items = list(plain.decode(data["items"], arrays))
    if len(store.items) != len(store.steps):
        raise plain.PlainError("a history store has more steps than items, or fewer")
    return store
