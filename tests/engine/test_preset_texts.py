"""Every number a preset's description claims, checked against what the preset really does
(the task's own batches, a real training run), not against a number written here twice."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from rnnviz.engine.presets import load_preset
from rnnviz.engine.tasks import make_task
from rnnviz.engine.trainer import Trainer


@pytest.mark.parametrize("name", ["adding_rnn", "adding_lstm"])
def test_adding_trivial_loss_is_one_twenty_fourth(name):
    """Always answering 0.5 (the mean target) costs E[((X1 + X2)/4)^2] = 2 Var(X) / 16 = 1/24
    for X uniform in [-1, 1]: measured with the task's own loss on its own batches."""
    preset = load_preset(name)
    task = make_task("adding", seed=0, **preset.task_options)
    batch = task.batch(0, 20_000)
    answer = torch.full_like(batch.y, 0.5)
    loss = float(task.loss(answer, batch))
    assert loss == pytest.approx(1 / 24, rel=0.03)  # 20 000 samples: ~1.1% standard error
    assert "1/24 ≈ 0.042" in preset.description and "0.167" not in preset.description
    assert round(loss, 3) == 0.042


def test_exploding_linear_output_and_divergence():
    preset = load_preset("exploding_linear")
    assert "w = 1.05 and T = 100 the output is about 125" in preset.description
    trainer = Trainer.from_preset(preset)
    record = trainer.step(record=True)
    assert record.sample.y_hat[-1, 0] == pytest.approx(1.05**99, rel=1e-4)
    assert round(float(record.sample.y_hat[-1, 0])) == 125
    later = [trainer.step(record=False) for _ in range(3) if not trainer.diverged]
    assert trainer.diverged and (later == [] or later[-1].diverged)  # "within a few steps"


def test_exploding_linear_clipped_walks_to_one_then_bounces():
    preset = load_preset("exploding_linear_clipped")
    text = preset.description
    step_size = preset.train.lr * preset.train.clip_threshold
    assert f"lr x 1 = {step_size:g}" in text
    trainer = Trainer.from_preset(preset)
    w = [float(trainer.weights()["rnn.weight_hh_l0"][0, 0])]
    records = []
    for _ in range(60):
        records.append(trainer.step(record=False))
        w.append(float(trainer.weights()["rnn.weight_hh_l0"][0, 0]))
    assert w[0] == pytest.approx(1.05) and "from 1.05" in text
    # "every step is clipped ... each moves w by the same 0.002 ... reaches 1 in 25 steps"
    assert all(r.clipped for r in records[:25])
    np.testing.assert_allclose(np.diff(w[:26]), -step_size, rtol=1e-3)
    assert w[25] == pytest.approx(1.0, abs=1e-4) and "reaches 1 in 25 steps" in text
    assert f"{records[0].loss:.1e}".replace("+0", "") == "1.5e4" and "about 1.5e4" in text
    # "bounces between 0.9989 and 1.0009 with the loss near 1e-2"
    late = np.array(w[40:])
    assert {round(v, 4) for v in late} == {0.9989, 1.0009}
    assert "between 0.9989 and 1.0009" in text
    late_loss = np.array([r.loss for r in records[40:]])
    assert np.all((late_loss > 0.5e-2) & (late_loss < 2e-2)) and "near 1e-2" in text
    assert all(r.clipped for r in records[40:])


def test_cliff_gradient_spikes_to_hundreds_and_throws_the_run_off():
    preset = load_preset("cliff")
    assert "spikes to hundreds" in preset.description
    trainer = Trainer.from_preset(preset)
    w0 = trainer.weights()
    assert float(w0["rnn.weight_hh_l0"][0, 0]) == 5.5 and float(w0["rnn.bias_hh_l0"][0]) == -2
    assert "(w, b) = (5.5, -2)" in preset.description
    for _ in range(60):
        trainer.step(record=False)
    peak = float(trainer.history.series("grad_norm").max())
    assert 100 <= peak < 1000
    assert abs(float(trainer.weights()["rnn.weight_hh_l0"][0, 0])) > 50  # far off the plot


def test_irnn_starts_with_spectral_radius_one():
    from rnnviz.engine.spectra import spectra

    preset = load_preset("adding_irnn")
    assert "(spectral radius 1)" in preset.description
    record = Trainer.from_preset(preset).step(record=True)
    ((radius, _),) = spectra(record.recurrent).values()
    assert math.isclose(radius, 1.0, rel_tol=1e-6)


def test_copy_task_reads_five_and_waits_ten():
    preset = load_preset("copy_peephole_lstm")
    assert "Read five symbols, wait ten steps" in preset.description
    assert preset.task_options["length"] == 5 and preset.task_options["delay"] == 10
