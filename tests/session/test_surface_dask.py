"""``rnnviz surface``: a session's loss surface split into blocks of grid points, on this
machine's threads or a real Dask LocalCluster of two worker processes, equals the model's
loss computed directly at each point and the panel's own computation; the CLI writes it into
the session file; bad input is one sentence; no process or thread is left behind."""

import threading

import numpy as np
import pytest
import torch

from rnnviz.cli import main
from rnnviz.engine.crf_objective import objective_loss
from rnnviz.engine.surface import SurfaceCancelled, SurfaceSource, compute_surface
from rnnviz.session.files import read_session
from rnnviz.session.session import Session
from rnnviz.session.surface_blocks import LocalBlocks, SurfaceJob, compute_in_blocks
from tests.session.test_sweep_exec import child_pids

GRID = 9


def trained(preset: str, steps: int = 8) -> Session:
    session = Session()
    session.load_preset(preset)
    for _ in range(steps):
        session.trainer.step()
    return session


def direct_loss(source: SurfaceSource, flat: np.ndarray) -> float:
    """The reference: the trainer's loss with the weights set to ``flat``, one model call."""
    weights, offset = {}, 0
    for name, shape in zip(source.names, source.shapes, strict=True):
        count = int(np.prod(shape))
        weights[name] = flat[offset : offset + count].reshape(shape)
        offset += count
    model = source.model
    model.set_weights(weights)
    with torch.no_grad():
        return float(
            objective_loss(model, source.task, model.forward_batch(source.batch).y, source.batch)
        )


def assert_direct(job: SurfaceJob, loss: np.ndarray) -> None:
    a, b = job.axes()
    for i, j in [(0, 0), (2, 7), (GRID - 1, 4), (5, GRID - 1)]:
        flat = job.plane.points(np.array([a[i], b[j]]))
        np.testing.assert_allclose(loss[i, j], direct_loss(job.source, flat), rtol=1e-5, atol=1e-6)


def live_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.is_alive()}


def test_a_grid_split_over_a_dask_local_cluster_equals_the_local_one():
    pytest.importorskip("distributed")
    from rnnviz.session.surface_dask import DaskBlocks

    before, threads = child_pids(), live_threads()
    session = trained("adding_lstm")
    job = SurfaceJob.of(SurfaceSource.from_trainer(session.trainer), "pca", resolution=GRID)
    here = compute_in_blocks(job, LocalBlocks(2))
    with DaskBlocks("local", workers=2) as cluster:
        assert cluster.slots == 2
        split = compute_in_blocks(job, cluster, method=here.method)
    np.testing.assert_allclose(split.loss, here.loss, rtol=0, atol=1e-6)
    assert np.array_equal(split.a, here.a) and np.array_equal(split.b, here.b)
    assert_direct(job, split.loss)
    assert child_pids() == before
    # left: only distributed's process-wide idle helpers (its event loop and offload pool)
    extra = {name for name in live_threads() - threads if not name.startswith("Dask-Offload")}
    assert extra <= {"IO loop", "Profile"}


@pytest.mark.parametrize(("preset", "plane"), [("date_attention", "random"), ("cliff", "exact")])
def test_blocks_here_equal_the_panels_computation(preset, plane):
    session = trained(preset, steps=3)
    job = SurfaceJob.of(SurfaceSource.from_trainer(session.trainer), plane, resolution=GRID)
    blocks = compute_in_blocks(job, LocalBlocks(2))
    panel = compute_surface(job.source, job.plane, *job.ranges, GRID, method=blocks.method)
    np.testing.assert_allclose(blocks.loss, panel.loss, rtol=0, atol=1e-6)
    assert_direct(job, blocks.loss)


def test_cancel_stops_the_blocks_and_their_threads():
    session = trained("adding_lstm", steps=2)
    job = SurfaceJob.of(SurfaceSource.from_trainer(session.trainer), "random", resolution=41)
    runner = LocalBlocks(2)
    runner.blocks_per_slot = 8
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        cancel.set()

    with pytest.raises(SurfaceCancelled):
        compute_in_blocks(job, runner, method="stacked", progress=progress, cancel=cancel)
    assert len(seen) == 1 and seen[0] < 41 * 41
    assert not [t for t in threading.enumerate() if t.name.startswith("rnnviz-surface-block")]


def test_the_cli_writes_the_surface_into_the_session(tmp_path, capsys):
    path = tmp_path / "run.rnnviz"
    trained("adding_gru").save(path)
    assert main(["surface", str(path), "--resolution", str(GRID), "--plane", "random"]) == 0
    assert f"surface {GRID}x{GRID} on the random plane" in capsys.readouterr().out
    loaded = read_session(path)
    surface = loaded.surface
    assert surface is not None and surface.grid.loss.shape == (GRID, GRID)
    assert (surface.plane.kind, surface.resolution, surface.span) == ("random", GRID, 1.0)
    assert surface.step == loaded.trainer.step_count == 8
    job = SurfaceJob.of(SurfaceSource.from_trainer(loaded.trainer), "random", resolution=GRID)
    np.testing.assert_array_equal(surface.plane.directions, job.plane.directions)
    assert_direct(job, surface.grid.loss)


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--plane", "hessian"], "--plane must be one of pca, random, exact, auto (got 'hessian')"),
        (["--resolution", "4"], "--resolution must be between 5 and 301 (got 4)"),
        (["--resolution", "302"], "--resolution must be between 5 and 301 (got 302)"),
        (["--workers", "0"], "--workers must be between 1 and 1024 (got 0)"),
        (["--plane", "exact", "--params", "0", "0"], "choose two different parameters"),
        (["--span", "-1"], "the span must be a positive number (got -1.0)"),
        (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler tcp://127.0.0.1:9"),
        (["--scheduler", "nowhere"], "cannot reach the Dask scheduler nowhere"),
    ],
)
def test_bad_input_is_one_sentence(tmp_path, capsys, monkeypatch, flags, says):
    from rnnviz.session import surface_dask

    monkeypatch.setattr(surface_dask, "CONNECT_S", 1)
    path = tmp_path / "run.rnnviz"
    trained("cliff", steps=2).save(path)
    before = path.read_bytes()
    assert main(["surface", str(path), *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert path.read_bytes() == before  # the file is untouched


def test_a_file_that_is_not_a_session_is_refused(tmp_path, capsys):
    path = tmp_path / "notes.rnnviz"
    path.write_text("not a session")
    assert main(["surface", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "is not an rnnviz session file" in err and len(err.splitlines()) == 1
    assert main(["surface", str(tmp_path / "missing.rnnviz")]) == 2
    assert "cannot open" in capsys.readouterr().err
