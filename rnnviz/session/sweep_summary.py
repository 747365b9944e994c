"""A sweep's ``summary.csv``: one row per run, written atomically (a temporary file renamed
over the old one), read back to resume.

Columns: ``id``, one per axis (its value), ``seed``, ``model_kind``, ``status``, ``success``,
``attempts``, ``steps``, ``wall_s``, the final metrics (``loss``, ``val_loss``,
``val_<metric>``), ``reason``. ``status`` is ``ok`` or ``diverged`` (trained: complete),
``failed`` (raised, or its worker died, on both attempts; ``reason`` says why),
``queued`` (not run yet), ``running`` or ``cancelled``. Numbers carry every digit (``repr``).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from rnnviz.engine.errors import SpecError

SUMMARY = "summary.csv"
#: a summary of 10^5 runs is a few tens of MB; anything larger is not one of ours
MAX_SUMMARY_BYTES = 200 * 2**20
COMPLETE = ("ok", "diverged")
HEAD = ["id"]
TAIL = ["seed", "model_kind", "status", "success", "attempts", "steps", "wall_s"]


def planned_row(run, status: str = "queued") -> dict:
    """The row of a run that has no result (yet)."""
    return {
        "id": run.id,
        **{k: run.values[k] for k in run.values},
        "seed": "" if run.seed is None else run.seed,
        "model_kind": run.model_kind,
        "status": status,
        "success": "",
        "attempts": 0,
        "steps": 0,
        "wall_s": "",
        "reason": "",
    }


def result_row(run, result: dict, attempts: int, success, reason: str = "") -> dict:
    """The row of a run that trained: its result's metrics, whether it succeeded."""
    row = planned_row(run, result["status"])
    notes = [n for n in (reason, result.get("reason", "")) if n]
    row.update(
        success="" if success is None else success,
        attempts=attempts,
        steps=result["steps"],
        wall_s=result["wall_s"],
        reason="; ".join(notes),
        **result["metrics"],
    )
    return row


def failed_row(run, attempts: int, reason: str) -> dict:
    row = planned_row(run, "failed")
    row.update(success=False, attempts=attempts, reason=reason)
    return row


def columns(rows: list[dict], axes: list[str]) -> list[str]:
    """id, the axes, the fixed columns, every metric any row has (sorted), reason."""
    fixed = set(HEAD) | set(axes) | set(TAIL) | {"reason"}
    metrics = sorted({k for row in rows for k in row} - fixed)
    return [*HEAD, *axes, *TAIL, *metrics, "reason"]


def write_summary(folder: Path, rows: list[dict], axes: list[str]) -> Path:
    """Write ``folder/summary.csv`` atomically; floats with every digit."""
    text = io.StringIO()
    writer = csv.DictWriter(text, columns(rows, axes), restval="", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: repr(v) if isinstance(v, float) else v for k, v in row.items()})
    path = folder / SUMMARY
    fd, tmp = tempfile.mkstemp(prefix=".summary-", suffix=".csv", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_summary(folder: Path) -> dict[str, dict]:
    """The rows of an earlier summary by run id ({} when there is none); SpecError when the
    file is not a summary."""
    path = folder / SUMMARY
    if not path.is_file():
        return {}
    if path.stat().st_size > MAX_SUMMARY_BYTES:
        raise SpecError(f"{path} is larger than {MAX_SUMMARY_BYTES} bytes: not a sweep summary")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            raise SpecError(f"{path} is not a sweep summary (no id column)")
        return {row["id"]: row for row in reader}


def completed_ids(previous: dict[str, dict], runs, runs_folder: Path | None) -> set[str]:
    """Runs of this sweep that an earlier one completed (and, when runs are kept, whose
    session file is there): a resumed sweep skips them."""
    planned = {run.id for run in runs}
    done = set()
    for ident, row in previous.items():
        if ident in planned and row.get("status") in COMPLETE:
            if runs_folder is None or (runs_folder / f"{ident}.rnnviz").is_file():
                done.add(ident)
    return done
