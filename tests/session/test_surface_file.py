"""The loss surface in session files: a computed surface survives save -> open array for
array; files without one open as before; a malformed one is refused with one sentence; a
new run (reset, new settings, continue) forgets it."""

import json
import zipfile

import numpy as np
import pytest

from rnnviz.engine.surface import (
    SurfaceSource,
    compute_surface,
    exact_plane,
    random_plane,
    scalar_labels,
)
from rnnviz.session.files import SessionFileError
from rnnviz.session.session import Session
from rnnviz.session.surface import SavedSurface
from tests.session.test_files import _same


def _surface(session: Session, kind: str) -> SavedSurface:
    """A real surface of the session's main run, computed by the engine on a small grid."""
    source = SurfaceSource.from_trainer(session.trainer)
    if kind == "exact":
        labels = scalar_labels(source.names, source.shapes)
        plane = exact_plane(source.weights, 0, 1, labels)
    else:
        plane = random_plane(source.weights, source.names, source.shapes, seed=3)
    ranges = plane.ranges(2.0)
    grid = compute_surface(source, plane, *ranges, resolution=9)
    return SavedSurface(
        plane=plane,
        ranges=ranges,
        grid=grid,
        step=source.step,
        names=source.names,
        shapes=source.shapes,
        params=(0, 1),
        span=2.0,
        resolution=9,
    )


def _trained(preset: str) -> Session:
    session = Session()
    session.load_preset(preset)
    for _ in range(20):
        session.trainer.step(record=False)
    return session


@pytest.fixture
def cliff():
    return _trained("cliff")


@pytest.mark.parametrize(("preset", "kind"), [("cliff", "exact"), ("adding_rnn", "random")])
def test_surface_round_trip_keeps_every_array(tmp_path, preset, kind):
    session = _trained(preset)
    surface = _surface(session, kind)
    assert np.isfinite(surface.grid.loss).all() and surface.grid.final
    session.set_surface(surface)
    path = session.save(tmp_path / "with_surface")
    with zipfile.ZipFile(path) as archive:  # arrays as .npy members, no pickle
        names = archive.namelist()
        assert any(n.startswith("surface/") and n.endswith(".npy") for n in names)
    opened = Session()
    opened.open(path)
    _same(opened.surface, surface, "surface")
    for field in ("origin", "directions"):
        assert np.array_equal(getattr(opened.surface.plane, field), getattr(surface.plane, field))
    for field in ("a", "b", "loss"):
        assert np.array_equal(getattr(opened.surface.grid, field), getattr(surface.grid, field))


def test_session_without_surface_opens_without_one(cliff, tmp_path):
    path = cliff.save(tmp_path / "plain")
    with zipfile.ZipFile(path) as archive:
        assert "surface" not in json.loads(archive.read("session.json"))
    opened = Session()
    opened.open(path)
    assert opened.surface is None


def test_malformed_surface_is_refused_with_one_sentence(cliff, tmp_path):
    cliff.set_surface(_surface(cliff, "exact"))
    path = cliff.save(tmp_path / "bad")
    broken = tmp_path / "broken.rnnviz"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "session.json":
                document = json.loads(data)
                grid = document["surface"]["$d"]["grid"]["$d"]
                grid["a"], grid["b"] = grid["b"], {"$a": "runs/main/state/step-missing"}
                data = json.dumps(document).encode()
            dst.writestr(item, data)
    with pytest.raises(SessionFileError) as raised:
        Session().open(broken)
    assert "\n" not in str(raised.value) and "broken.rnnviz" in str(raised.value)


def test_a_new_run_forgets_the_surface(cliff):
    for forget in (lambda: cliff.continue_from(10), cliff.reset, cliff.rebuild):
        cliff.set_surface(_surface(cliff, "exact"))
        forget()
        assert cliff.surface is None


def _rewritten(path, target, change) -> None:
    """A copy of the session file ``path`` at ``target`` with ``change(grid)`` applied to its
    surface grid's JSON."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "session.json":
                document = json.loads(data)
                change(document["surface"]["$d"]["grid"]["$d"])
                data = json.dumps(document).encode()
            dst.writestr(item, data)


def test_the_surface_path_is_kept_and_older_files_open_without_it(cliff, tmp_path):
    surface = _surface(cliff, "exact")
    assert surface.grid.method in ("stacked", "fused")
    cliff.set_surface(surface)
    path = cliff.save(tmp_path / "kept")
    opened = Session()
    opened.open(path)
    assert opened.surface.grid.method == surface.grid.method
    older = tmp_path / "older.rnnviz"
    _rewritten(path, older, lambda grid: [grid.pop("method"), grid.pop("calibration_seconds")])
    opened = Session()
    opened.open(older)
    assert opened.surface.grid.method == "" and opened.surface.grid.calibration_seconds == 0.0
    unknown = tmp_path / "unknown.rnnviz"
    _rewritten(path, unknown, lambda grid: grid.update(method="quantum"))
    with pytest.raises(SessionFileError) as raised:
        Session().open(unknown)
    assert "unknown evaluation path" in str(raised.value) and "\n" not in str(raised.value)
