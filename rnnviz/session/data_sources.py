"""The user's data files a run was trained on: their SHA-256 goes into the session file, so a
reopened session says when a file changed (a missing one cannot be opened, and says so)."""

from __future__ import annotations


def with_data_hash(settings: dict, trainer) -> dict:
    """The saved settings ``settings`` (``RunSettings.to_dict()``) with the task's file hash
    recorded as its ``sha256`` option, when the task reads a file."""
    sha = getattr(trainer.task, "sha256", None)
    if sha is None:
        return settings
    return {**settings, "task": {**settings["task"], "sha256": sha}}


def data_note(trainer) -> str:
    """A sentence when the run's data file is not the one it was saved with ("" if it is)."""
    return getattr(trainer.task, "data_note", "") if trainer is not None else ""
