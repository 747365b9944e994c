"""Session files (``*.rnnviz``): one zip of ``session.json`` and ``.npy`` arrays, versioned.

    session.json   {"format": "rnnviz-session", "version": 1, "app_version": "0.1.0",
                    "settings": RunSettings.to_dict() (weights as array references),
                    "runs": {"main": {"state": TrainerState, "history": History},
                             "compare": {...}},          # compare mode only
                    "cursor": {"step", "t", "unit", "chain"},
                    "surface": the last computed loss surface (session/surface.py), if any}
    <name>.npy     every array the document refers to ({"$a": name}; engine/plain.py)

A run's state holds its weights, optimiser state, step count and live settings; training is a
pure function of those and the settings (the batch of step s comes from the seed and s), so
continuing an opened session is bit-exact with never having stopped. The history holds the
scalar series, the kept step records, checkpoints, trajectory and events. The loss surface
is optional: files without one (or written before it was saved) open the same way.

Opening checks the format and version from the small JSON document before any array is
read, and the archive's caps (``engine/archive.py``) before anything is decompressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

import rnnviz
from rnnviz.engine import plain
from rnnviz.engine.archive import Archive, ArchiveError, write_archive
from rnnviz.engine.history_codec import decode_history, encode_history
from rnnviz.engine.spec import SpecError
from rnnviz.engine.trainer_state import TrainerState
from rnnviz.session.data_sources import with_data_hash
from rnnviz.session.settings import RunSettings
from rnnviz.session.surface import SavedSurface, decode_surface, encode_surface

FORMAT = "rnnviz-session"
VERSION = 1
SUFFIX = ".rnnviz"


class SessionFileError(ValueError):
    """A session file cannot be written or opened; the message is one sentence."""


@dataclass
class LoadedSession:
    path: Path
    settings: RunSettings
    trainer: object
    compare_trainer: object | None
    cursor: dict
    surface: SavedSurface | None = None


def session_path(path: str | Path) -> Path:
    """``path`` with the ``.rnnviz`` extension added when it has another or none."""
    path = Path(path).expanduser()
    return path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)


def check_writable(path: str | Path) -> Path:
    """The session path to write (extension added), or SessionFileError saying why it
    cannot be written -- before any training time is spent on it."""
    if Path(path).expanduser().is_dir():
        raise SessionFileError(f"{path} is a folder, not a file name")
    path = session_path(path)
    if path.is_dir():
        raise SessionFileError(f"{path} is a folder, not a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SessionFileError(f"cannot write {path}: the folder {folder} does not exist")
    if not _can_write(folder) or (path.exists() and not _can_write(path)):
        raise SessionFileError(f"cannot write {path}: permission denied")
    return path


def _can_write(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK)


def session_document(session, arrays: dict[str, np.ndarray]) -> dict:
    """The JSON document of ``session``; its arrays go into ``arrays``."""
    runs = {"main": session.trainer}
    if session.compare_trainer is not None:
        runs["compare"] = session.compare_trainer
    document = {
        "format": FORMAT,
        "version": VERSION,
        "app_version": rnnviz.__version__,
        "settings": plain.encode(
            with_data_hash(session.settings.to_dict(), session.trainer), arrays, "settings"
        ),
        "runs": {
            which: {
                "state": plain.encode(trainer.state(), arrays, f"runs/{which}/state"),
                "history": encode_history(trainer.history, arrays, f"runs/{which}/history"),
            }
            for which, trainer in runs.items()
        },
        "cursor": session.cursor.to_dict(),
    }
    if session.surface is not None:
        document["surface"] = encode_surface(session.surface, arrays, "surface")
    return document


def save_session(path: str | Path, session) -> Path:
    """Write ``session`` to ``path`` (``.rnnviz`` added when missing), atomically."""
    path = check_writable(path)
    arrays: dict[str, np.ndarray] = {}
    document = session_document(session, arrays)
    try:
        return write_archive(path, document, arrays)
    except OSError as exc:
        raise SessionFileError(f"could not write {path}: {exc.strerror or exc}") from exc


def read_session(path: str | Path) -> LoadedSession:
    """Open a session file: settings, trainers restored to their saved state and history,
    and the cursor. SessionFileError with one sentence when it cannot be opened."""
    path = Path(path).expanduser()
    if path.suffix == ".npz":
        raise SessionFileError(
            f"{path.name} is a history file from an older `rnnviz train --out` (curves only, "
            "no weights); run `rnnviz train --out run.rnnviz` to make a session the window opens"
        )
    try:
        with Archive(path) as archive:
            _check_version(archive.document, path)
            return _build(path, archive.document, archive)
    except ArchiveError as exc:
        raise SessionFileError(str(exc)) from exc
    except (
        plain.PlainError,
        SpecError,
        KeyError,
        IndexError,
        TypeError,
        ValueError,
        AttributeError,  # a section of the document of the wrong JSON type
        RecursionError,  # a document nested thousands deep
    ) as exc:
        detail = exc.args[0] if exc.args else type(exc).__name__
        if isinstance(exc, RecursionError):
            detail = "it is nested too deeply"
        raise SessionFileError(f"{path.name} cannot be opened: {detail}") from exc


def _check_version(document: dict, path: Path) -> None:
    if document.get("format") != FORMAT:
        raise SessionFileError(f"{path.name} is not an rnnviz session file")
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise SessionFileError(f"{path.name} has no valid format version")
    if version > VERSION:
        raise SessionFileError(
            f"{path.name} was saved by a newer rnnviz ({document.get('app_version', '?')}, "
            f"format {version}); this one ({rnnviz.__version__}) reads format {VERSION}"
        )


def _build(path: Path, document: dict, arrays) -> LoadedSession:
    settings = RunSettings.from_dict(plain.decode(document["settings"], arrays))
    runs = document["runs"]
    trainer = _restored(settings.make_trainer(), runs["main"], arrays)
    compare = settings.make_compare_trainer()
    if (compare is None) != ("compare" not in runs):
        raise SessionFileError(f"{path.name} is corrupt: its compare run does not match")
    if compare is not None:
        compare = _restored(compare, runs["compare"], arrays)
    cursor = document.get("cursor")
    surface = _surface(document, arrays, trainer)
    return LoadedSession(
        path, settings, trainer, compare, cursor if isinstance(cursor, dict) else {}, surface
    )


def _surface(document: dict, arrays, trainer) -> SavedSurface | None:
    """The saved loss surface (None when there is none); it must lie in the space of the
    main run's parameters."""
    if document.get("surface") is None:
        return None
    surface = decode_surface(document["surface"], arrays)
    if surface.plane.size != trainer.flat_weights().size:
        raise ValueError("its loss surface does not match the model's parameters")
    return surface


def _restored(trainer, run: dict, arrays):
    state = plain.decode(run["state"], arrays)
    if not isinstance(state, TrainerState):
        raise plain.PlainError("a run's state is malformed")
    trainer.restore(state)
    trainer.history = decode_history(run["history"], arrays)
    return trainer
