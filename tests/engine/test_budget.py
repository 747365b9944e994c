"""The cost budget (issue 17, defects 4-6): combinations that need gigabytes are refused with
the estimate before anything is allocated; the history is bounded in bytes; a finite but
absurd run is called diverged."""

import numpy as np
import pytest

from rnnviz.cli import main
from rnnviz.engine import budget, history
from rnnviz.engine.budget import Budget, check_budget, estimate, slow_step_warning
from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks import make_task
from rnnviz.engine.trainer import Trainer

HUGE = [
    "task.seq_len=100000",
    "train.batch_size=4096",
    "model.hidden_size=1024",
    "model.num_layers=8",
    "model.bidirectional=true",
]


def _parts(preset_name: str, **settings):
    preset = load_preset(preset_name).with_settings(settings)
    return preset.model, make_task(preset.task_kind, **preset.task_options), preset.train


def test_the_issues_gigabyte_combination_is_refused_with_the_estimate(capsys):
    args = ["train", "--preset", "adding_lstm", "--steps", "1"]
    for item in HUGE:
        args += ["--set", item]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnviz: error: these settings need about ")
    assert " TB (activations " in err and "above the budget of" in err
    assert "RNNVIZ_MEMORY_BUDGET" in err and err.count("\n") == 1


def test_the_budget_is_configurable(monkeypatch, capsys):
    args = ["train", "--preset", "adding_lstm", "--steps", "1", "--set", "task.seq_len=2000"]
    monkeypatch.setenv("RNNVIZ_MEMORY_BUDGET", "40M")
    assert main(args) == 2
    assert "above the budget of 40.0 MB" in capsys.readouterr().err
    monkeypatch.setenv("RNNVIZ_MEMORY_BUDGET", "lots")
    assert main(args) == 2
    assert "RNNVIZ_MEMORY_BUDGET must be like 800M or 4G" in capsys.readouterr().err
    monkeypatch.delenv("RNNVIZ_MEMORY_BUDGET")
    assert budget.current_budget().memory_bytes == budget.machine_memory() // 4


def test_step_time_is_budgeted_and_a_slow_step_is_warned():
    spec, task, config = _parts(
        "adding_lstm", **{"task.seq_len": "5000", "train.batch_size": "512"}
    )
    cost = estimate(spec, task, config)
    assert cost.step_seconds > budget.SLOW_STEP_SECONDS
    assert slow_step_warning(spec, task, config).startswith("Slow: one training step will take")
    with pytest.raises(SpecError, match=r"one training step .* above the limit of 1 s"):
        check_budget(spec, task, config, Budget(memory_bytes=2**40, step_seconds=1.0))
    small = _parts("adding_lstm")
    assert slow_step_warning(*small) == ""


def test_the_estimate_grows_with_every_size():
    base = estimate(*_parts("adding_lstm")).memory_bytes
    for key, value in [
        ("task.seq_len", "500"),
        ("train.batch_size", "256"),
        ("model.hidden_size", "256"),
        ("model.num_layers", "3"),
        ("model.bidirectional", "true"),
    ]:
        assert estimate(*_parts("adding_lstm", **{key: value})).memory_bytes > base, key


# -- defect 5: the history is bounded in bytes --------------------------------------------------
def test_full_records_are_bounded_in_bytes(monkeypatch):
    monkeypatch.setattr(history, "RECORD_BYTES", 4 * 2**20)
    preset = load_preset("adding_lstm").with_settings({"task.seq_len": "2000"})
    trainer = Trainer.from_preset(preset, batch_size=2)
    first = trainer.step(record=True)
    size = history.nbytes(first)
    assert size > 2**20  # each record of a 2000-step sequence is megabytes
    for _ in range(12):
        trainer.step(record=True)
    kept = [trainer.history.record_at(s) for s in trainer.history.kept_steps]
    assert sum(history.nbytes(r) for r in kept) <= 4 * 2**20
    assert trainer.history.kept_steps[-1] == 13  # the newest is always kept
    assert len(kept) < 13


def test_checkpoints_and_trajectory_are_bounded_in_bytes(monkeypatch):
    monkeypatch.setattr(history, "TRAJECTORY_BYTES", 10_000)
    monkeypatch.setattr(history, "CHECKPOINT_BYTES", 30_000)
    h = history.History()
    for step in range(50):
        h.add_trajectory_point(step, np.zeros(500, dtype=np.float32))  # 2000 bytes each
        h.add_checkpoint(step, {"weights": np.zeros(2500, dtype=np.float32)})  # 10 kB
    assert sum(w.nbytes for w in h.trajectory.items) <= 10_000
    assert h.trajectory.steps[-1] == 49
    assert len(h.checkpoints) == 3 and h.checkpoints[-1][0] == 49


# -- defect 6: divergence by magnitude ------------------------------------------------------------
def test_a_finite_but_absurd_loss_is_called_diverged():
    trainer = Trainer.from_preset(load_preset("exploding_linear"))
    first = trainer.step(record=False)
    assert first.diverged is None and 1e3 < first.loss < 1e5
    trainer.model.set_weights({"rnn.weight_hh_l0": [[1.2]]})  # y = 1.2^99: loss ~5e15
    rec = trainer.step(record=True)
    assert np.isfinite(rec.loss) and rec.loss > 1e6 * first.loss
    assert rec.diverged.startswith(f"The loss reached {rec.loss:.3g} at step 2")
    assert "blew up" in rec.diverged and "clipping" in rec.diverged
    assert not rec.full  # nothing is drawn of a blown-up step


def test_absurd_weights_are_called_diverged():
    trainer = Trainer.from_preset(load_preset("sine_gru"))
    trainer.step(record=False)
    shape = dict(trainer.model.named_parameters())["rnn.weight_hh_l0"].shape
    # saturated gates: the loss stays ordinary, only the weights say the run ran away
    trainer.model.set_weights({"rnn.weight_hh_l0": np.full(shape, 3e7)})
    rec = trainer.step(record=False)
    assert rec.loss < 100
    assert rec.diverged is not None and rec.diverged.startswith("A weight reached 3e+07 at step 2")


def test_ordinary_presets_do_not_trip_the_magnitude_check():
    for name in ("cliff", "exploding_linear_clipped", "lecture_lstm", "adding_irnn"):
        trainer = Trainer.from_preset(load_preset(name))
        for _ in range(20):
            assert trainer.step(record=False).diverged is None, name
