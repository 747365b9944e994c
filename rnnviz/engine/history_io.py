"""Writing a run's history to a file and reading it back: npz arrays plus a JSON header.

Never pickle: ``np.load(..., allow_pickle=False)`` reads only plain arrays, so an untrusted
file cannot execute code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rnnviz.engine.history import History

FORMAT = "rnnviz-history/1"


def save_history(path: str | Path, history: History, meta: dict) -> Path:
    """Write scalar series, sparse series and events to ``path`` (.npz)."""
    path = Path(path)
    arrays: dict[str, np.ndarray] = {}
    for name in history.names():
        arrays[f"series/{name}"] = history.series(name)
    for name in history.sparse_names():
        steps, values = history.sparse(name)
        arrays[f"sparse_steps/{name}"] = steps
        if values and np.ndim(values[0]) > 0:
            T = np.shape(values[-1])
            keep = [i for i, v in enumerate(values) if np.shape(v) == T]
            arrays[f"sparse_steps/{name}"] = steps[keep]
            arrays[f"sparse/{name}"] = np.stack([values[i] for i in keep])
        else:
            arrays[f"sparse/{name}"] = np.asarray(values, dtype=np.float64)
    header = {
        "format": FORMAT,
        "meta": meta,
        "events": [[e.step, e.text] for e in history.events],
    }
    arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    if path.suffix != ".npz":
        path = path.with_suffix(path.suffix + ".npz")
    np.savez_compressed(path, **arrays)
    return path


def load_history(path: str | Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Read a file written by ``save_history``: (header, arrays). Raises ValueError with a
    readable reason when the file is not such a file."""
    try:
        with np.load(Path(path), allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError) as exc:
        raise ValueError(f"{path} is not a readable rnnviz history file ({exc})") from exc
    try:
        header = json.loads(arrays.pop("header").tobytes().decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} has no valid rnnviz header") from exc
    if header.get("format") != FORMAT:
        raise ValueError(f"{path} is not an rnnviz history file (format {header.get('format')!r})")
    return header, arrays
