"""A run's history as CSV files (and npz), one file per item: ``rnnviz export``'s work.

Every number is written with ``repr`` of the Python float, i.e. every digit needed to read
the same value back. Step-indexed tables start with ``step``; per-time-step tables with
``step,t``. Items:

    loss         step,loss                                  every trained step
    scalars      step,loss,lr,grad_norm,grad_norm_clipped,clipped,seconds
    metrics      step,<metric>...                           the task's metrics
    dh_norm      step,t,<chain>...                          ||dL/dh_t|| on recorded steps
    dc_norm      step,t,<chain>...                          ||dL/dc_t|| (LSTM)
    spectra      step,<matrix> radius,<matrix> sigma_max... recorded steps
    grad_groups  step,<group>...                            ||g|| per parameter group
    events       step,kind,text
    weights      weights.npz: the run's current weights
    history      history.npz: every series above as arrays (``series/<name>``,
                 ``sparse/<name>`` with ``sparse_steps/<name>``)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rnnviz.engine.archive import atomic_file
from rnnviz.engine.history import SCALARS, History
from rnnviz.engine.spec import SpecError

Table = tuple[list[str], list[list]]


def _number(value) -> str:
    return repr(float(value))


def _series_table(history: History, names: list[str], labels: list[str]) -> Table:
    columns = [history.series("step")] + [history.series(n) for n in names]
    rows = [[int(row[0]), *map(_number, row[1:])] for row in zip(*columns, strict=True)]
    return ["step", *labels], rows


def _loss(history: History) -> Table:
    return _series_table(history, ["loss"], ["loss"])


def _scalars(history: History) -> Table:
    names = [n for n in SCALARS if n != "step"]
    return _series_table(history, names, names)


def _metrics(history: History) -> Table:
    names = history.metric_names()
    return _series_table(history, [f"metric:{n}" for n in names], names)


def _per_t(history: History, which: str) -> Table:
    chains = [n.split(":", 1)[1] for n in history.sparse_names(f"{which}:")]
    maps = {chain: dict(zip(*history.dh_map(chain, which), strict=True)) for chain in chains}
    steps = sorted(set().union(*(m.keys() for m in maps.values()))) if maps else []
    rows = []
    for step in steps:
        length = max(len(m[step]) for m in maps.values() if step in m)
        for t in range(length):
            cells = [_cell(maps[c].get(step), t) for c in chains]
            rows.append([int(step), t, *cells])
    return ["step", "t", *chains], rows


def _cell(row, t: int) -> str:
    return _number(row[t]) if row is not None and t < len(row) else ""


def _sparse_scalars(history: History, prefixes: list[tuple[str, str]]) -> Table:
    """Step-indexed table of sparse scalar series: one column per (prefix, label) name."""
    columns: list[tuple[str, dict]] = []
    for prefix, suffix in prefixes:
        for name in history.sparse_names(prefix):
            steps, values = history.sparse(name)
            label = name.removeprefix(prefix) + suffix
            columns.append((label, dict(zip(steps.tolist(), values, strict=True))))
    steps = sorted(set().union(*(c.keys() for _, c in columns))) if columns else []
    rows = [[s, *(_number(c[s]) if s in c else "" for _, c in columns)] for s in steps]
    return ["step", *(label for label, _ in columns)], rows


def _spectra(history: History) -> Table:
    history.fill_spectra()  # computed lazily: the kept records the window never showed
    return _sparse_scalars(history, [("radius:", " radius"), ("sigma:", " sigma_max")])


def _grad_groups(history: History) -> Table:
    return _sparse_scalars(history, [("param:", "")])


def _events(history: History) -> Table:
    return ["step", "kind", "text"], [[e.step, e.kind, e.text] for e in history.events]


TABLES: dict[str, Callable[[History], Table]] = {
    "loss": _loss,
    "scalars": _scalars,
    "metrics": _metrics,
    "dh_norm": lambda h: _per_t(h, "dh"),
    "dc_norm": lambda h: _per_t(h, "dc"),
    "spectra": _spectra,
    "grad_groups": _grad_groups,
    "events": _events,
}
ITEMS = (*TABLES, "weights", "history")


def parse_items(text: str) -> list[str]:
    """``"loss,dh_norm"`` -> ["loss", "dh_norm"]; SpecError naming an unknown item."""
    items = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in items if t not in ITEMS]
    if unknown or not items:
        raise SpecError(
            f"unknown export item(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(ITEMS)}"
        )
    return items


def export_items(trainer, items: list[str], folder: str | Path) -> list[Path]:
    """Write each item of ``trainer``'s run into ``folder`` (created); the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in items:
        if item == "weights":
            written.append(_write_npz(folder / "weights.npz", trainer.weights()))
        elif item == "history":
            written.append(_write_npz(folder / "history.npz", history_arrays(trainer.history)))
        else:
            header, rows = TABLES[item](trainer.history)
            written.append(write_csv(folder / f"{item}.csv", header, rows))
    return written


def history_arrays(history: History) -> dict[str, np.ndarray]:
    arrays = {f"series/{n}": history.series(n) for n in history.names()}
    for name in history.sparse_names():
        steps, values = history.sparse(name)
        shapes = {np.shape(v) for v in values}
        if len(shapes) > 1:  # rows of differing length (the task changed): the newest kind
            keep = [i for i, v in enumerate(values) if np.shape(v) == np.shape(values[-1])]
            steps, values = steps[keep], [values[i] for i in keep]
        arrays[f"sparse_steps/{name}"] = steps
        arrays[f"sparse/{name}"] = np.asarray(values, dtype=np.float64)
    return arrays


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return atomic_write(path, buffer.getvalue().encode("utf-8"))


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return atomic_write(path, buffer.getvalue())


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder + rename."""
    with atomic_file(path) as out:
        out.write(data)
    return path
