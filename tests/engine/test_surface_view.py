"""A preset's loss surface view (issue 16, defect 6): checked like every preset field, carried
through the run's settings and session files, and making the plane it names -- the cliff's
exact (w, b) plane around the start, the auto plane (random, then the path's PCA) -- plus
the path clipped at the region's edge."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import SpecError
from rnnviz.engine.surface import SurfaceSource, clip_segments
from rnnviz.engine.surface_view import SurfaceView, check_surface
from rnnviz.session.settings import RunSettings
from rnnviz.session.surface_blocks import SurfaceJob, make_plane

GOOD = {"task": {"kind": "sine"}, "model": {"kind": "gru", "hidden_size": 4}}

#: a bad surface field and words its one-sentence refusal must contain
BAD = {
    "text": ("exact", "surface must be an object"),
    "plane": ({"plane": "diagonal"}, "surface.plane must be one of auto, exact, random, pca"),
    "centre": ({"centre": "middle"}, "surface.centre must be one of current, start"),
    "span_zero": ({"span": 0}, "surface.span must be a finite number in (0, 10000]"),
    "span_text": ({"span": "wide"}, "surface.span must be a finite number"),
    "unknown": ({"zoom": 2}, "unknown key(s) zoom"),
    "one_param": ({"plane": "exact", "params": ["rnn.weight_hh_l0"]}, "two different"),
    "same_params": ({"plane": "exact", "params": ["a", "a"]}, "two different"),
    "params_random": ({"plane": "random", "params": ["a", "b"]}, "only applies to the exact"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_surface_field_is_refused_with_one_sentence(case, tmp_path):
    surface, words = BAD[case]
    (tmp_path / "bad.json").write_text(json.dumps(dict(GOOD, surface=surface)))
    with pytest.raises(SpecError) as info:
        load_preset("bad", directory=tmp_path)
    message = str(info.value)
    assert words in message and "\n" not in message and message.startswith("preset 'bad'")


def test_a_parameter_the_model_lacks_is_refused_when_the_run_is_built(tmp_path):
    data = dict(GOOD, surface={"plane": "exact", "params": ["rnn.weight_hh_l0[0, 0]", "nope"]})
    (tmp_path / "lacks.json").write_text(json.dumps(data))
    settings = RunSettings.from_preset(load_preset("lacks", directory=tmp_path))
    with pytest.raises(SpecError, match="'nope', which is not a trained scalar of this model"):
        settings.make_trainer()


def test_the_cliff_presets_open_on_the_exact_plane_around_the_start():
    for name in ("cliff", "cliff_clipped"):
        view = load_preset(name).surface
        assert view == SurfaceView("exact", ("rnn.weight_hh_l0", "rnn.bias_hh_l0"), "start", 5.0)
    assert load_preset("lecture_lstm").surface.plane == "random"
    assert load_preset("adding_lstm").surface is None  # the default: auto


def test_settings_carry_the_view_and_old_files_without_it_still_open():
    settings = RunSettings.from_preset(load_preset("cliff"))
    data = json.loads(json.dumps(settings.to_dict(), default=lambda a: np.asarray(a).tolist()))
    assert RunSettings.from_dict(data).surface == settings.surface
    del data["surface"]  # a session file written before the field existed
    assert RunSettings.from_dict(data).surface is None


def test_a_new_model_drops_named_parameters_but_keeps_a_plane_that_fits_any_model():
    from dataclasses import replace

    cliff = RunSettings.from_preset(load_preset("cliff"))
    wider = replace(cliff.spec, hidden_size=3, head="linear")
    edited = cliff.edited(wider, cliff.task_kind, cliff.task_options, cliff.config, True)
    assert edited.surface is None
    lecture = RunSettings.from_preset(load_preset("lecture_lstm"))
    edited = lecture.edited(
        replace(lecture.spec, hidden_size=2, head="linear"), "lecture", {}, lecture.config, True
    )
    assert edited.surface == lecture.surface
    wide = {"model.hidden_size": "2", "model.head": "linear"}
    assert load_preset("cliff").with_settings(wide).surface is None
    assert load_preset("cliff").with_settings({"train.lr": "0.1"}).surface is not None


def test_the_cliff_exact_plane_runs_along_the_unit_directions_of_w_and_b():
    settings = RunSettings.from_preset(load_preset("cliff"))
    trainer = settings.make_trainer()
    for _ in range(5):
        trainer.step(record=False)
    source = SurfaceSource.from_trainer(trainer)
    job = SurfaceJob.of(source, "exact", 5.0, 11, settings.surface_params(trainer), "start")
    # the reference: a one-hot vector at each parameter's offset in the flattened weights
    offsets, offset = {}, 0
    for name, p in trainer.params.items():
        offsets[name] = offset
        offset += p.numel()
    reference = np.zeros((2, offset))
    reference[0, offsets["rnn.weight_hh_l0"]] = 1.0
    reference[1, offsets["rnn.bias_hh_l0"]] = 1.0
    np.testing.assert_array_equal(job.plane.directions, reference)
    assert job.plane.labels == ("rnn.weight_hh_l0", "rnn.bias_hh_l0")
    # centred on the start: (w, b) = (5.5, -2) +- 5, whatever the weights are now
    assert job.ranges == ((0.5, 10.5), (-7.0, 3.0))
    assert not np.allclose(source.weights, [5.5, -2.0])


def test_auto_is_random_before_the_path_moves_and_its_pca_after():
    trainer = RunSettings.from_preset(load_preset("adding_lstm")).make_trainer()
    before = make_plane(SurfaceSource.from_trainer(trainer), "auto")
    assert before.kind == "random" and before.info.startswith("auto:")
    for _ in range(30):
        trainer.step()
    source = SurfaceSource.from_trainer(trainer)
    after = make_plane(source, "auto")
    assert after.kind == "pca"
    # the path lies (nearly) in its own principal plane, far off a random one
    pca_off = after.project(source.trajectory)[1].max()
    random_off = make_plane(source, "random").project(source.trajectory)[1].max()
    assert pca_off < 0.5 * random_off


def test_centre_on_start_makes_the_plane_through_the_first_path_point():
    trainer = RunSettings.from_preset(load_preset("sine_gru")).make_trainer()
    for _ in range(10):
        trainer.step()
    source = SurfaceSource.from_trainer(trainer)
    for kind in ("random", "pca", "exact"):
        plane = make_plane(source, kind, (0, 1), "start")
        coords, distance = plane.project(source.trajectory[:1])
        assert distance[0] < 1e-9
        np.testing.assert_allclose(coords[0], plane.center, atol=1e-9)


def brute_clip(p, q, a_range, b_range, n=20001):
    """The inside part of segment p-q from dense samples (None when none is inside)."""
    t = np.linspace(0.0, 1.0, n)
    pts = p + t[:, None] * (q - p)
    inside = (
        (pts[:, 0] >= a_range[0])
        & (pts[:, 0] <= a_range[1])
        & (pts[:, 1] >= b_range[0])
        & (pts[:, 1] <= b_range[1])
    )
    if not inside.any():
        return None
    return pts[inside][0], pts[inside][-1]


def test_clipped_segments_match_dense_sampling():
    rng = np.random.default_rng(3)
    a_range, b_range = (-1.0, 2.0), (0.5, 1.5)
    coords = rng.uniform(-3, 4, size=(60, 2))
    coords[10:14] = [[0.0, 1.0], [0.5, 1.2], [9.0, 1.0], [1.0, 0.7]]  # in, in, out, back in
    clipped = clip_segments(coords, a_range, b_range)
    expected = [
        brute_clip(coords[i], coords[i + 1], a_range, b_range) for i in range(len(coords) - 1)
    ]
    expected = [e for e in expected if e is not None]
    assert len(clipped) == len(expected)
    step = np.abs(np.diff(coords, axis=0)).max() / 20000
    for (start, end), (ref_start, ref_end) in zip(clipped, expected, strict=True):
        np.testing.assert_allclose(start, ref_start, atol=2 * step)
        np.testing.assert_allclose(end, ref_end, atol=2 * step)
    # the segment that leaves is drawn up to the edge a = 2
    assert any(np.isclose(seg[1, 0], 2.0) and np.isclose(seg[0, 0], 0.5) for seg in clipped)


def test_check_surface_defaults():
    assert check_surface("p", None) is None
    assert check_surface("p", {}) == SurfaceView()


def test_a_run_without_named_parameters_never_lists_every_scalar(monkeypatch):
    """Listing a model's scalars by name is a Python string per weight (seconds for a
    million-weight model): only a view that names two parameters needs it."""
    from rnnviz.engine.surface import planes

    def refuse(*_):
        raise AssertionError("the scalars were listed")

    monkeypatch.setattr(planes, "scalar_labels", refuse)
    RunSettings.from_preset(load_preset("adding_lstm")).make_trainer()
    with pytest.raises(AssertionError, match="listed"):  # cliff names (w, b): it must look
        RunSettings.from_preset(load_preset("cliff")).make_trainer()
