"""The Session: the Qt-free model of one run, as napari's ViewerModel is of a viewer.

It holds what a run *is* -- the settings (a preset plus edits), the main run's trainer and,
in compare mode, the second run's, their histories (inside the trainers), the cursor, the
file it was opened from or saved to and whether it has changed since, and the last loss
surface computed for the run (``surface``, saved with it) -- and the operations
on it: new run from settings, reset, save, open, continue from an earlier step. It never
trains by itself (a worker does, in the UI) and never draws; views subscribe to its
signals:

    run_changed()            new trainers: a preset, new settings, reset, open, continue
    modified_changed(bool)   trained (or otherwise changed) since the last save / open
    path_changed(object)     the file this session is saved in (a Path, or None)

The caller keeps training and saving apart: ``save`` reads the trainers, so a worker that
steps them must be paused first (the UI's run controller does so).
"""

from __future__ import annotations

from pathlib import Path

from psygnal import Signal

from rnnviz.engine.spec import SpecError
from rnnviz.session.cursor import Cursor
from rnnviz.session.settings import RunSettings
from rnnviz.session.surface import SavedSurface


class Session:
    """One run and its view state. ``trainer`` is None until settings are applied."""

    run_changed = Signal()
    modified_changed = Signal(bool)
    path_changed = Signal(object)

    def __init__(self, cursor: Cursor | None = None) -> None:
        self.cursor = cursor if cursor is not None else Cursor()
        self.settings: RunSettings | None = None
        self.trainer = None
        self.compare_trainer = None
        #: the last finished loss surface of this run (None: none computed, or the run
        #: changed since); a view sets it, the session file keeps it
        self.surface: SavedSurface | None = None
        self._path: Path | None = None
        self._modified = False

    # -- state -----------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def modified(self) -> bool:
        return self._modified

    @property
    def trained_steps(self) -> int:
        return self.trainer.step_count if self.trainer is not None else 0

    @property
    def title(self) -> str:
        """What the window title names: the file, else the preset's title."""
        if self._path is not None:
            return self._path.name
        return (self.settings.title if self.settings else "") or "untitled"

    def set_surface(self, surface: SavedSurface | None) -> None:
        """Keep ``surface`` as the run's last computed loss surface. It does not mark the
        session modified: a surface can always be computed again, and opening a file
        without one (the panel then computes one) should not ask to be saved."""
        self.surface = surface

    def set_modified(self, modified: bool = True) -> None:
        if modified != self._modified:
            self._modified = modified
            self.modified_changed.emit(modified)

    def _set_path(self, path: Path | None) -> None:
        if path != self._path:
            self._path = path
            self.path_changed.emit(path)

    # -- new runs --------------------------------------------------------------------------
    def load_preset(self, name: str | None) -> None:
        """A new, untrained run of a preset (None: the default demo)."""
        from rnnviz.engine.presets import DEFAULT_PRESET, load_preset

        self.apply_settings(RunSettings.from_preset(load_preset(name or DEFAULT_PRESET)))

    def apply_settings(self, settings: RunSettings) -> None:
        """A new run of ``settings`` from step 0; raises SpecError (nothing changed) when
        they are refused. The file name is kept: saving writes the new run there."""
        trainer = settings.make_trainer()
        compare = settings.make_compare_trainer()
        self.settings, self.trainer, self.compare_trainer = settings, trainer, compare
        self.surface = None
        self.cursor.set_step(None)
        self.set_modified(self._path is not None)
        self.run_changed.emit()

    def rebuild(self) -> None:
        """Fresh trainers at step 0 (used when a worker may still hold the old ones)."""
        self.apply_settings(self.settings)

    def reset(self) -> None:
        """Back to step 0 with the seed's initial weights (same settings)."""
        for trainer in self.trainers():
            trainer.reset()
        self.surface = None
        self.cursor.set_step(None)
        self.set_modified(self._path is not None)
        self.run_changed.emit()

    def trainers(self) -> list:
        return [t for t in (self.trainer, self.compare_trainer) if t is not None]

    # -- continue from an earlier step ------------------------------------------------------
    def checkpoint_step(self, step: int) -> int | None:
        """The step of the newest checkpoint at or before ``step`` that every run has."""
        found = [t.history.checkpoint_at(step) for t in self.trainers()]
        if not found or any(f is None for f in found):
            return None
        steps = {f[0] for f in found}
        return steps.pop() if len(steps) == 1 else None

    def continue_from(self, step: int) -> int:
        """Go back to the checkpoint at or before ``step``: every run's weights, optimiser
        state and settings as they were then, the later history discarded (marked by an
        event). Returns the checkpoint's step; SpecError when there is none."""
        at = self.checkpoint_step(step)
        if at is None:
            raise SpecError(f"there is no checkpoint at or before step {step} to continue from")
        for trainer in self.trainers():
            _, state = trainer.history.checkpoint_at(at)
            trainer.restore(state)
            trainer.history.truncate(at)
            trainer.history.add_event(at, f"continued from step {at}", "reset")
        self.surface = None  # made around weights this run no longer reaches
        self.cursor.set_step(None)
        self.set_modified(True)
        self.run_changed.emit()
        return at

    # -- files -----------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write this session to ``path`` (``.rnnviz`` added when missing), atomically;
        OSError / SpecError with a readable reason when it cannot."""
        from rnnviz.session.files import save_session

        if self.trainer is None:
            raise SpecError("there is no run to save")
        written = save_session(path, self)
        self._set_path(written)
        self.set_modified(False)
        return written

    def open(self, path: str | Path) -> None:
        """Replace this session's run with the one saved in ``path``; raises
        SessionFileError (nothing changed) when the file cannot be opened."""
        from rnnviz.session.files import read_session

        loaded = read_session(path)
        self.surface = loaded.surface  # before run_changed: views draw it at once
        self._take(loaded.settings, loaded.trainer, loaded.compare_trainer, loaded.path, False)
        self.cursor.restore(loaded.cursor)

    def adopt(self, other: Session) -> None:
        """Take over ``other``'s run and file (e.g. one opened aside, so that a file that
        fails to open never touches this session); the cursor stays this session's."""
        self.surface = other.surface  # before run_changed: views redraw it at once
        self._take(other.settings, other.trainer, other.compare_trainer, other.path, other.modified)

    def _take(self, settings, trainer, compare, path: Path | None, modified: bool) -> None:
        self.settings, self.trainer, self.compare_trainer = settings, trainer, compare
        self._set_path(path)
        self.set_modified(modified)
        self.run_changed.emit()
