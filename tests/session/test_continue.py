"""Continuing is exact: a run saved (or checkpointed) at step N and trained M more steps
equals, bit for bit, the uninterrupted run of N + M steps (weights, optimiser state, losses)."""

import numpy as np
import pytest

from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import SpecError
from rnnviz.engine.trainer import Trainer
from rnnviz.session.session import Session
from rnnviz.session.settings import RunSettings


def _train(trainer, steps: int) -> None:
    for i in range(steps):
        trainer.step(record=(i % 7 == 0))


def _assert_same_run(a: Trainer, b: Trainer) -> None:
    wa, wb = a.weights(), b.weights()
    assert wa.keys() == wb.keys()
    for name in wa:
        assert np.array_equal(wa[name], wb[name]), name
    sa, sb = a.state(), b.state()
    assert sa.optimizer.keys() == sb.optimizer.keys()
    for key in sa.optimizer:
        assert np.array_equal(sa.optimizer[key], sb.optimizer[key]), key
    for name in ("step", "loss", "grad_norm", "lr"):
        assert np.array_equal(a.history.series(name), b.history.series(name)), name


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_state_restored_into_a_fresh_trainer_continues_exactly(optimizer):
    preset = load_preset("adding_lstm").with_settings(
        {"train.optimizer": optimizer, "train.clip_mode": "norm", "task.seq_len": 12}
    )
    straight = Trainer.from_preset(preset)
    _train(straight, 30)
    state = straight.state()
    _train(straight, 20)

    resumed = Trainer.from_preset(preset)
    resumed.restore(state)
    assert resumed.step_count == 30
    _train(resumed, 20)
    w1, w2 = straight.weights(), resumed.weights()
    assert all(np.array_equal(w1[k], w2[k]) for k in w1)
    assert np.array_equal(straight.history.series("loss")[30:], resumed.history.series("loss"))


def test_live_lr_change_is_part_of_the_state():
    preset = load_preset("sine_gru")
    straight = Trainer.from_preset(preset)
    _train(straight, 10)
    straight.set_lr(0.003)
    state = straight.state()
    resumed = Trainer.from_preset(preset)
    resumed.restore(state)
    assert resumed.config.lr == 0.003
    assert all(g["lr"] == 0.003 for g in resumed.optimizer.param_groups)


def test_state_of_another_model_is_refused_naming_the_weight():
    lstm = Trainer.from_preset(load_preset("adding_lstm"))
    gru = Trainer.from_preset(load_preset("adding_gru"))
    with pytest.raises(SpecError):
        gru.restore(lstm.state())


@pytest.mark.parametrize("preset", ["adding_rnn", "lecture_lstm_learn"])  # adding_rnn: compare
def test_saved_session_continues_exactly(tmp_path, preset):
    straight = Session()
    straight.load_preset(preset)
    saved = Session()
    saved.load_preset(preset)
    for session in (straight, saved):
        for trainer in session.trainers():
            _train(trainer, 40)
    path = saved.save(tmp_path / "run")
    assert path.name == "run.rnnviz" and not saved.modified

    opened = Session()
    opened.open(path)
    assert opened.path == path
    assert len(opened.trainers()) == len(straight.trainers())
    for a, b in zip(straight.trainers(), opened.trainers(), strict=True):
        _train(a, 25)
        _train(b, 25)
        _assert_same_run(a, b)


def test_continue_from_a_checkpoint_replays_the_same_steps():
    session = Session()
    session.load_preset("adding_gru")
    _train(session.trainer, 130)
    reference = session.trainer.history.series("loss")[100:130].copy()
    assert session.checkpoint_step(120) == 100
    assert session.continue_from(120) == 100
    trainer = session.trainer
    assert trainer.step_count == 100 and len(trainer.history) == 100
    assert all(s <= 100 for s in trainer.history.kept_steps)
    assert trainer.history.events[-1].kind == "reset"
    _train(trainer, 30)
    assert np.array_equal(trainer.history.series("loss")[100:], reference)


def test_continue_without_a_checkpoint_is_refused():
    session = Session()
    session.apply_settings(RunSettings.from_preset(load_preset("adding_gru")))
    session.trainer.history.checkpoints.clear()
    with pytest.raises(SpecError, match="no checkpoint"):
        session.continue_from(10)
