"""The loss surface engine: grid values, planes, path projection, refinement and cancel."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from rnnviz.engine.crf_objective import objective_loss
from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.surface import (
    GridEvaluator,
    SurfaceCancelled,
    SurfaceSource,
    compute_surface,
    exact_plane,
    first_exit,
    grid_levels,
    pca_plane,
    random_plane,
    scalar_labels,
)
from rnnviz.engine.tasks import make_task
from rnnviz.engine.trainer import TrainConfig, Trainer


def direct_loss(source: SurfaceSource, flat: np.ndarray) -> float:
    """The loss with the model's weights set to ``flat`` (the naive way, one model call)."""
    weights, offset = {}, 0
    for name, shape in zip(source.names, source.shapes, strict=True):
        count = int(np.prod(shape))
        weights[name] = flat[offset : offset + count].reshape(shape)
        offset += count
    model = source.model
    model.set_weights(weights)
    with torch.no_grad():  # what the trainer computes (a seq2seq reads the targets, a CRF its own)
        return float(
            objective_loss(model, source.task, model.forward_batch(source.batch).y, source.batch)
        )


def trainer_for(kind: str, **spec) -> Trainer:
    task = make_task("adding", seed=0, seq_len=6)
    return Trainer(
        ModelSpec(kind=kind, hidden_size=3, **spec),
        task,
        TrainConfig(optimizer="adam", lr=0.05, batch_size=5, seed=0),
    )


MODELS = [
    ("lstm", {}),
    ("gru", {}),
    ("elman", {"activation": "sigmoid", "num_layers": 2, "bidirectional": True}),
    ("irnn", {}),
    ("lstm", {"peephole": True, "bidirectional": True, "combine": "sum"}),
    ("lstm", {"forget_gate": False}),
    ("jordan", {}),
    ("clockwork", {"clock_periods": (1, 2, 2)}),
    ("scrn", {"context_size": 2}),
]


@pytest.mark.parametrize(("kind", "spec"), MODELS)
@pytest.mark.parametrize("kind_of_plane", ["exact", "random"])
def test_grid_values_equal_direct_loss(kind, spec, kind_of_plane):
    trainer = trainer_for(kind, **spec)
    for _ in range(2):
        trainer.step(record=False)
    source = SurfaceSource.from_trainer(trainer)
    if kind_of_plane == "exact":
        plane = exact_plane(
            source.weights, 0, source.size - 1, scalar_labels(source.names, source.shapes)
        )
    else:
        plane = random_plane(source.weights, source.names, source.shapes, seed=1)
    a_range, b_range = plane.ranges(0.8)
    grid = compute_surface(source, plane, a_range, b_range, resolution=7, coarse=4)
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, 7, size=(4, 2)):
        flat = plane.points(np.array([grid.a[i], grid.b[j]]))
        np.testing.assert_allclose(grid.loss[i, j], direct_loss(source, flat), rtol=1e-5, atol=1e-5)


#: models whose parameters are not a plain recurrent model's ``rnn.*`` / ``head.*``, or whose
#: loss is not the task's on ``model(x)``: encoder-decoders (teacher forcing), CRF, NTM, CTC
PRESET_MODELS = [
    "date_attention",
    "parse_seq2seq",
    "reverse_attention",
    "slot_filling_crf",
    "ntm_copy",
    "ctc_speech",
]


@pytest.mark.parametrize("preset", PRESET_MODELS)
@pytest.mark.parametrize("method", [None, "vmap", "fused", "loop"])
def test_preset_grid_values_equal_direct_loss(preset, method):
    trainer = Trainer.from_preset(load_preset(preset))
    trainer.step(record=False)
    source = SurfaceSource.from_trainer(trainer, batch_size=4)
    plane = random_plane(source.weights, source.names, source.shapes, seed=1)
    grid = compute_surface(source, plane, *plane.ranges(0.8), resolution=4, coarse=4, method=method)
    if method is None and type(source.model).__name__ != "RecurrentModel":
        assert grid.method != "stacked"  # the plain recurrent model's path is not chosen
    for i, j in [(0, 0), (1, 2), (3, 1)]:
        flat = plane.points(np.array([grid.a[i], grid.b[j]]))
        np.testing.assert_allclose(grid.loss[i, j], direct_loss(source, flat), rtol=1e-5, atol=1e-5)


def test_methods_agree():
    source = SurfaceSource.from_trainer(trainer_for("lstm"))
    plane = random_plane(source.weights, source.names, source.shapes)
    coords = np.random.default_rng(0).uniform(-1, 1, (9, 2))
    stacked = GridEvaluator(source, plane, method="stacked").losses(coords)
    vmapped = GridEvaluator(source, plane, method="vmap").losses(coords)
    looped = GridEvaluator(source, plane, method="loop", workers=1).losses(coords)
    np.testing.assert_allclose(stacked, looped, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(vmapped, looped, rtol=1e-5, atol=1e-6)


def cliff_formula(w: np.ndarray, b: np.ndarray, steps: int = 50) -> np.ndarray:
    """Pascanu et al. 2013, independently: x_t = w sigmoid(x_{t-1}) + b, x_0 = 0.5,
    loss (sigmoid(x_50) - 0.7)^2."""

    def sigmoid(v):
        return 1.0 / (1.0 + np.exp(-v))

    x = np.full(np.broadcast(w, b).shape, 0.5)
    for _ in range(steps):
        x = w * sigmoid(x) + b
    return (sigmoid(x) - 0.7) ** 2


def test_cliff_surface_shows_the_wall():
    trainer = Trainer.from_preset(load_preset("cliff"))
    source = SurfaceSource.from_trainer(trainer)
    assert source.names == ("rnn.weight_hh_l0", "rnn.bias_hh_l0")
    plane = exact_plane(source.weights, 0, 1)
    grid = compute_surface(source, plane, (-10, 10), (-10, 10), resolution=101)
    w, b = np.meshgrid(grid.a, grid.b, indexing="ij")
    expected = cliff_formula(w, b)
    np.testing.assert_allclose(grid.loss, expected, atol=2e-4)
    jumps = max(np.abs(np.diff(grid.loss, axis=0)).max(), np.abs(np.diff(grid.loss, axis=1)).max())
    assert jumps > 0.3
    independent = max(
        np.abs(np.diff(expected, axis=0)).max(), np.abs(np.diff(expected, axis=1)).max()
    )
    assert independent > 0.3


def test_exact_path_starts_and_ends_on_the_surface():
    preset = load_preset("cliff").comparison()  # clipped: stays on the plotted region
    trainer = Trainer.from_preset(preset)
    for _ in range(30):
        trainer.step(record=False)
    source = SurfaceSource.from_trainer(trainer)
    plane = exact_plane(source.weights, 0, 1)
    coords, distance = plane.project(source.trajectory)
    np.testing.assert_allclose(distance, 0, atol=1e-9)
    np.testing.assert_allclose(coords, source.trajectory, atol=1e-6)
    start, end = coords[0], coords[-1]
    # a grid with the start and the end on grid nodes
    n = 41
    a = np.linspace(start[0] - 1, start[0] + 1, n)
    step = a[1] - a[0]
    a_range = (start[0] - 20 * step, start[0] + 20 * step)
    b_range = (start[1] - 20 * step, start[1] + 20 * step)
    grid = compute_surface(source, plane, a_range, b_range, resolution=n)
    evaluator = GridEvaluator(source, plane)
    path_loss = evaluator.losses_at_weights(source.trajectory[[0, -1]])
    assert grid.loss[20, 20] == pytest.approx(path_loss[0], abs=1e-6)
    assert evaluator.losses(end[None])[0] == pytest.approx(path_loss[1], abs=1e-6)
    assert first_exit(coords, a_range, b_range) is None


def test_unclipped_cliff_path_leaves_the_region():
    trainer = Trainer.from_preset(load_preset("cliff"))
    for _ in range(40):
        trainer.step(record=False)
    steps, trajectory = trainer.history.trajectory_array()
    plane = exact_plane(trajectory[0], 0, 1)
    index = first_exit(plane.project(trajectory)[0], *plane.ranges(5.0))
    assert index is not None and 0 < steps[index] < 40


def test_pca_of_a_planar_path():
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.standard_normal((30, 2)))[0].T  # [2, 30]
    coeffs = np.cumsum(rng.standard_normal((25, 2)), 0)
    trajectory = 3.0 + coeffs @ basis  # [25, 30] in an affine plane
    plane = pca_plane(trajectory[-1], trajectory)
    coords, distance = plane.project(trajectory)
    np.testing.assert_allclose(distance, 0, atol=1e-9)
    np.testing.assert_allclose(coords[-1], 0, atol=1e-9)
    np.testing.assert_allclose(np.abs(plane.directions @ plane.directions.T), np.eye(2), atol=1e-9)
    normal = np.linalg.qr(np.column_stack([basis.T, rng.standard_normal(30)]))[0][:, 2]
    off = trajectory + 0.5 * normal  # moved off the plane by 0.5
    assert plane.project(off)[1] == pytest.approx(np.full(25, 0.5), abs=1e-6)
    a_range, b_range = plane.ranges(1.0)
    assert first_exit(coords, a_range, b_range) is None


def test_filter_normalised_rows():
    source = SurfaceSource.from_trainer(trainer_for("lstm"))
    plane = random_plane(source.weights, source.names, source.shapes, seed=3)
    offset = 0
    for shape in source.shapes:
        count = int(np.prod(shape))
        d = plane.directions[0, offset : offset + count]
        w = source.weights[offset : offset + count]
        if len(shape) == 2:
            d, w = d.reshape(shape), w.reshape(shape)
            np.testing.assert_allclose(
                np.linalg.norm(d, axis=1), np.linalg.norm(w, axis=1), rtol=1e-6
            )
        else:
            assert np.linalg.norm(d) == pytest.approx(np.linalg.norm(w), rel=1e-6)
        offset += count


def test_progressive_levels_are_nested_and_emitted():
    assert grid_levels(101) == [11, 26, 51, 101]
    assert grid_levels(9) == [9]
    source = SurfaceSource.from_trainer(Trainer.from_preset(load_preset("cliff")))
    plane = exact_plane(source.weights, 0, 1)
    seen, progress = [], []
    final = compute_surface(
        source,
        plane,
        (0, 10),
        (-5, 5),
        resolution=51,
        on_level=seen.append,
        progress=lambda d, t: progress.append((d, t)),
    )
    assert [g.loss.shape[0] for g in seen] == [11, 26, 51]
    assert seen[-1] is final and final.final
    np.testing.assert_array_equal(final.loss[::5, ::5], seen[0].loss)
    assert progress[-1][0] == progress[-1][1] == 51 * 51  # nested: no point computed twice


def test_cancel_stops_promptly():
    trainer = Trainer.from_preset(load_preset("lecture_lstm_learn"))
    source = SurfaceSource.from_trainer(trainer)
    plane = random_plane(source.weights, source.names, source.shapes)
    cancel, started = threading.Event(), threading.Event()
    outcome = {}

    def run():
        try:
            compute_surface(
                source,
                plane,
                (-1, 1),
                (-1, 1),
                resolution=201,
                progress=lambda d, t: started.set(),
                cancel=cancel,
            )
            outcome["result"] = "finished"
        except SurfaceCancelled:
            outcome["result"] = "cancelled"

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(10)
    cancel.set()
    thread.join(2.0)
    assert not thread.is_alive()
    assert outcome["result"] == "cancelled"


@pytest.mark.parametrize(("kind", "spec"), MODELS[-3:])
def test_two_threads_on_the_vmap_and_loop_paths_give_the_direct_losses(kind, spec):
    """functional_call swaps a module's parameters in place: two surface threads calling it on
    one module read each other's (size mismatches, missing parameters on clockwork_sines)."""
    trainer = trainer_for(kind, **spec)
    source = SurfaceSource.from_trainer(trainer)
    plane = random_plane(source.weights, source.names, source.shapes, seed=2)
    coords = np.random.default_rng(1).uniform(-1, 1, (48, 2))
    evaluator = GridEvaluator(source, plane, chunk=3, workers=2)
    assert evaluator.method != "stacked"
    losses = evaluator.losses(coords)
    expected = [direct_loss(source, plane.points(c)) for c in coords]
    np.testing.assert_allclose(losses, expected, rtol=1e-5, atol=1e-5)


# -- the path chosen per model (issue 23): the naive loop's grid -----------------------------
def naive_fused_grid(source: SurfaceSource, plane, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The naive loop, written here: a private copy of the model, each point's weights copied
    into it, one fused call (``forward_fused``), the task's loss."""
    import copy

    model = copy.deepcopy(source.model)
    params = dict(model.named_parameters())
    out = np.empty((a.size, b.size))
    with torch.no_grad():
        for i, ai in enumerate(a):
            for j, bj in enumerate(b):
                flat = plane.origin + ai * plane.directions[0] + bj * plane.directions[1]
                offset = 0
                for name, shape in zip(source.names, source.shapes, strict=True):
                    count = int(np.prod(shape))
                    part = flat[offset : offset + count].reshape(shape).astype(np.float32)
                    params[name].copy_(torch.from_numpy(part))
                    offset += count
                y = model.forward_fused(source.batch.x)
                out[i, j] = float(source.task.loss(y, source.batch))
    return out


@pytest.mark.parametrize("kind", ["lstm", "gru", "elman", "jordan"])
@pytest.mark.parametrize("method", [None, "fused", "batched"])
def test_chosen_path_gives_the_naive_loops_grid(kind, method):
    trainer = trainer_for(kind)
    for _ in range(2):
        trainer.step(record=False)
    source = SurfaceSource.from_trainer(trainer)
    before = {n: p.detach().clone() for n, p in source.model.named_parameters()}
    plane = random_plane(source.weights, source.names, source.shapes, seed=3)
    a_range, b_range = plane.ranges(1.0)
    if method == "batched":
        method = "stacked" if kind != "jordan" else "vmap"
    grid = compute_surface(source, plane, a_range, b_range, 9, coarse=5, method=method)
    expected = naive_fused_grid(source, plane, grid.a, grid.b)
    np.testing.assert_allclose(grid.loss, expected, rtol=1e-5, atol=1e-5)
    assert grid.method == (method or grid.method)
    assert grid.method in ("fused", "stacked", "vmap", "loop")
    for name, value in source.model.named_parameters():  # the paths wrote only their copies
        assert torch.equal(value, before[name]), name


@pytest.mark.parametrize("kind", ["lstm", "jordan"])
def test_calibration_times_both_paths_and_keeps_the_faster(kind):
    source = SurfaceSource.from_trainer(trainer_for(kind))
    plane = random_plane(source.weights, source.names, source.shapes)
    evaluator = GridEvaluator(source, plane)
    coords = np.random.default_rng(0).uniform(-1, 1, (7, 2))
    losses = evaluator.losses(coords)  # calibrates on the first call
    batched = "stacked" if kind == "lstm" else "vmap"
    assert set(evaluator.calibration) == {batched, "fused"}
    assert all(seconds > 0 for seconds in evaluator.calibration.values())
    assert evaluator.method == min(evaluator.calibration, key=evaluator.calibration.get)
    other = "fused" if evaluator.method != "fused" else batched
    again = GridEvaluator(source, plane, method=other).losses(coords)
    np.testing.assert_allclose(losses, again, rtol=1e-5, atol=1e-6)


def test_unknown_surface_method_is_refused():
    source = SurfaceSource.from_trainer(trainer_for("gru"))
    with pytest.raises(ValueError, match="surface method must be one of"):
        GridEvaluator(source, None, method="fast")


@pytest.mark.parametrize("slow", [False, True])
def test_calibrated_surface_levels_and_progress(monkeypatch, slow):
    """The calibration's points are kept (progress still ends at the total); a model whose
    coarse level would be slow gets a 6 x 6 level first, nested in the others."""
    import rnnviz.engine.surface.evaluate as evaluate

    if slow:  # every model counts as slow
        monkeypatch.setattr(evaluate, "FIRST_LEVEL_SECONDS", 0.0)
    trainer = trainer_for("gru")
    source = SurfaceSource.from_trainer(trainer)
    plane = random_plane(source.weights, source.names, source.shapes, seed=2)
    a_range, b_range = plane.ranges(1.0)
    levels, reports = [], []
    grid = compute_surface(
        source,
        plane,
        a_range,
        b_range,
        21,
        on_level=levels.append,
        progress=lambda done, total: reports.append((done, total)),
    )
    assert [g.loss.shape[0] for g in levels] == ([6, 11, 21] if slow else [11, 21])
    assert all(g.levels == len(levels) for g in levels)
    dones = [done for done, _ in reports]
    assert dones == sorted(dones) and reports[-1][0] == reports[-1][1] == 21 * 21
    expected = naive_fused_grid(source, plane, grid.a, grid.b)
    np.testing.assert_allclose(grid.loss, expected, rtol=1e-5, atol=1e-5)
    for coarse in levels[:-1]:  # each level is the final grid's values at its points
        rows = np.searchsorted(grid.a, coarse.a)
        np.testing.assert_array_equal(coarse.loss, grid.loss[np.ix_(rows, rows)])


def test_calibration_rounds_take_fresh_points_and_keep_their_losses():
    from rnnviz.engine.surface.calibrate import FUSED_SAMPLE, ROUNDS, sample_points, time_paths

    source = SurfaceSource.from_trainer(trainer_for("lstm"))
    plane = random_plane(source.weights, source.names, source.shapes, seed=4)
    evaluator = GridEvaluator(source, plane, chunk=4)
    coords = np.random.default_rng(1).uniform(-1, 1, (sample_points(4), 2))
    seconds, values = time_paths(evaluator, coords, ["stacked", "fused"])
    assert set(seconds) == set(values) == {"stacked", "fused"}
    rounds = values["fused"].size // FUSED_SAMPLE
    assert 1 <= rounds <= ROUNDS
    assert values["fused"].size == rounds * FUSED_SAMPLE and values["stacked"].size == rounds * 4
    reference = GridEvaluator(source, plane, method="loop", workers=1).losses(coords)
    for losses in values.values():  # the losses at the first points, in order
        np.testing.assert_allclose(losses, reference[: losses.size], rtol=1e-5, atol=1e-6)


def test_cancel_is_heeded_while_the_paths_are_timed(monkeypatch):
    """Timing the batched and fused paths evaluates several chunks first: seconds for a slow
    model (an NTM), during which a closing window waited on the surface thread."""
    from rnnviz.engine.surface import evaluator

    trainer = Trainer.from_preset(load_preset("lecture_lstm_learn"))
    source = SurfaceSource.from_trainer(trainer)
    plane = random_plane(source.weights, source.names, source.shapes)
    evaluated = []
    real = evaluator.GridEvaluator.losses_at_weights
    monkeypatch.setattr(
        evaluator.GridEvaluator,
        "losses_at_weights",
        lambda self, *a, **k: evaluated.append(1) or real(self, *a, **k),
    )
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SurfaceCancelled):
        compute_surface(source, plane, (-1, 1), (-1, 1), resolution=21, cancel=cancel)
    assert evaluated == []
