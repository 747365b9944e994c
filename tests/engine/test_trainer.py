"""The trainer against independent references: autograd on torch.nn.LSTM, clipping rules,
determinism, divergence, truncation."""

import math

import numpy as np
import pytest
import torch

from rnnviz.engine.live_settings import apply_live
from rnnviz.engine.models import RecurrentModel
from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import ModelSpec, SpecError
from rnnviz.engine.spectra import spectra
from rnnviz.engine.tasks import make_task
from rnnviz.engine.train_config import TrainConfig
from rnnviz.engine.trainer import DivergedError, Trainer


def _lstm_trainer(**config):
    task = make_task("adding", seed=3, seq_len=12)
    spec = ModelSpec(kind="lstm", hidden_size=6)
    return Trainer(spec, task, TrainConfig(batch_size=5, seed=3, **config))


def _reference_dh(weights, batch, task, hidden):
    """||dL/dh_t|| with torch.nn.LSTM stepped one time step at a time (independent path)."""
    lstm = torch.nn.LSTM(batch.x.shape[-1], hidden)
    lstm.load_state_dict(
        {
            k.removeprefix("rnn."): torch.tensor(v)
            for k, v in weights.items()
            if k.startswith("rnn.")
        }
    )
    head = torch.nn.Linear(hidden, task.output_size)
    head.load_state_dict(
        {"weight": torch.tensor(weights["head.weight"]), "bias": torch.tensor(weights["head.bias"])}
    )
    state, hs, ys = None, [], []
    for t in range(batch.x.shape[0]):
        _, state = lstm(batch.x[t : t + 1], state)
        hs.append(state[0])  # [1, B, H]: the very tensor the next step reads
        ys.append(head(state[0][0]))
    loss = task.loss(torch.stack(ys), batch)
    grads = torch.autograd.grad(loss, hs)
    return np.array([float(g.norm()) for g in grads]), float(loss.detach())


@pytest.mark.parametrize("gradients_of", ["sequence", "batch"])
def test_dh_norm_equals_independent_autograd(gradients_of):
    """The record's dL/dh_t: of the displayed sequence's loss (default) or of the batch's."""
    trainer = _lstm_trainer(gradients_of=gradients_of)
    weights = trainer.weights()
    batch = trainer.task.batch(0, trainer.config.batch_size)
    of = trainer.display_batch if gradients_of == "sequence" else batch
    expected, _ = _reference_dh(weights, of, trainer.task, 6)
    _, batch_loss = _reference_dh(weights, batch, trainer.task, 6)
    rec = trainer.step(record=True)
    assert rec.loss == pytest.approx(batch_loss, rel=1e-5)  # training is the batch's either way
    assert rec.gradients_of == gradients_of
    np.testing.assert_allclose(rec.dh_norm["L0.fwd"], expected, rtol=1e-4, atol=1e-9)
    assert rec.dc_norm["L0.fwd"].shape == (12,)
    assert rec.dh_units["L0.fwd"].shape == (12, 6)
    np.testing.assert_allclose(np.linalg.norm(rec.dh_units["L0.fwd"], axis=1), expected, rtol=1e-4)


def test_what_is_recorded_does_not_change_the_training():
    runs = {}
    for of in ("sequence", "batch"):
        trainer = _lstm_trainer(gradients_of=of)
        runs[of] = [trainer.step(record=True).loss for _ in range(4)]
        runs[of + " weights"] = trainer.weights()
    assert runs["sequence"] == runs["batch"]
    for name, value in runs["sequence weights"].items():
        np.testing.assert_array_equal(runs["batch weights"][name], value)


@pytest.mark.parametrize("gradients_of", ["sequence", "batch"])
@pytest.mark.parametrize(
    "spec",
    [
        ModelSpec(kind="lstm", hidden_size=5, num_layers=2),
        ModelSpec(kind="gru", hidden_size=4, bidirectional=True),
    ],
    ids=["stacked-lstm", "bidirectional-gru"],
)
def test_explicit_path_records_what_the_fused_path_records(monkeypatch, spec, gradients_of):
    """Models without a fused module record by autograd through the explicit cells; the same
    model through the fused path (hand BPTT) must give the same record."""

    def record(explicit: bool):
        with monkeypatch.context() as m:
            if explicit:
                m.setattr(RecurrentModel, "fused_available", property(lambda self: False))
            task = make_task("adding", seed=1, seq_len=9)
            config = TrainConfig(batch_size=3, seed=1, gradients_of=gradients_of)
            return Trainer(spec, task, config).step(record=True)

    fused, explicit = record(False), record(True)
    assert fused.loss == pytest.approx(explicit.loss, rel=1e-5)
    for chain, row in fused.dh_norm.items():
        np.testing.assert_allclose(explicit.dh_norm[chain], row, rtol=1e-4, atol=1e-10)
        np.testing.assert_allclose(explicit.dh_units[chain], fused.dh_units[chain], atol=1e-6)
    for chain, row in fused.dc_norm.items():
        np.testing.assert_allclose(explicit.dc_norm[chain], row, rtol=1e-4, atol=1e-10)
    assert set(explicit.dh_norm) == set(fused.dh_norm) == set(fused.sample.trace)


def test_record_contents():
    trainer = _lstm_trainer()
    w_hh = trainer.weights()["rnn.weight_hh_l0"]  # gate order i, f, g, o
    rec = trainer.step(record=True)
    assert rec.full and rec.step == 1 and rec.sample is not None
    # the matrices of this step's forward pass, before its update (as the trace)
    np.testing.assert_array_equal(rec.recurrent["L0.fwd W_hh (f)"], w_hh[6:12])
    assert not np.array_equal(trainer.weights()["rnn.weight_hh_l0"], w_hh)
    s = rec.sample
    assert s.x.shape == (12, 2) and s.y_hat.shape == (12, 1)
    assert set(s.trace["L0.fwd"]) >= {"i", "f", "o", "c", "h", "z"}
    assert s.trace["L0.fwd"]["h"].shape == (12, 6)
    assert {"L0.fwd W_hh (i)", "L0.fwd W_hh (f)"} <= set(rec.recurrent)
    assert rec.spectral == {}  # computed lazily, off the training path, by the viewer
    assert any(k.startswith("L0.fwd W_hh") for k in rec.param_grad_norms)
    total = math.sqrt(sum(v**2 for v in rec.param_grad_norms.values()))
    assert total == pytest.approx(rec.grad_norm, rel=1e-5)
    light = trainer.step(record=False)
    assert not light.full and light.sample is None and light.step == 2
    # the viewer's spectra go into the record and the history's series
    radius, sigma = spectra(rec.recurrent)["L0.fwd W_hh (f)"]
    m = rec.recurrent["L0.fwd W_hh (f)"]
    assert radius == pytest.approx(np.abs(np.linalg.eigvals(m)).max(), rel=1e-5)
    assert sigma == pytest.approx(np.linalg.svd(m, compute_uv=False)[0], rel=1e-5)
    assert [r.step for r in trainer.history.records_without_spectra()] == [1]
    assert trainer.history.fill_spectra() == 1
    assert rec.spectral["L0.fwd W_hh (f)"] == (radius, sigma)
    steps, radii = trainer.history.sparse("radius:L0.fwd W_hh (f)")
    assert list(steps) == [1] and radii == [radius]


def test_same_seed_same_run_whatever_is_recorded():
    a, b = _lstm_trainer(), _lstm_trainer()
    la = [a.step(record=(i % 2 == 0)).loss for i in range(8)]
    lb = [b.step(record=(i % 3 == 0)).loss for i in range(8)]
    assert la == lb
    a.reset()
    assert [a.step(record=False).loss for _ in range(8)] == la


def test_the_step_zero_preview_is_what_step_one_computes_and_changes_nothing():
    """Step 0 shows the untrained model: the forward pass and gradients that step 1 then
    computes from the same weights on the same batch, with nothing updated or kept."""
    previewed, plain = _lstm_trainer(), _lstm_trainer()
    initial = previewed.weights()
    preview = previewed.preview()
    assert preview.step == 0 and preview.full and len(previewed.history) == 0
    assert previewed.step_count == 0
    for name, value in initial.items():
        np.testing.assert_array_equal(previewed.weights()[name], value)
    first = plain.step()
    assert preview.loss == first.loss and preview.grad_norm == first.grad_norm
    for key in ("h", "c"):
        np.testing.assert_array_equal(
            preview.sample.trace["L0.fwd"][key], first.sample.trace["L0.fwd"][key]
        )
    np.testing.assert_array_equal(preview.dh_norm["L0.fwd"], first.dh_norm["L0.fwd"])
    # the run that follows a preview is the run without one, bit for bit
    assert [previewed.step().loss for _ in range(4)] == [first.loss] + [
        plain.step().loss for _ in range(3)
    ]


def test_reset_restores_the_seed_initial_weights():
    trainer = _lstm_trainer()
    initial = trainer.weights()
    for _ in range(3):
        trainer.step(record=False)
    assert not np.allclose(trainer.weights()["rnn.weight_hh_l0"], initial["rnn.weight_hh_l0"])
    trainer.reset()
    assert trainer.step_count == 0 and len(trainer.history) == 0
    for name, value in initial.items():
        np.testing.assert_array_equal(trainer.weights()[name], value)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_optimizers_reduce_the_loss(optimizer):
    lr = {"sgd": 0.5, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.01}[optimizer]
    task = make_task("sine", seed=0, seq_len=20)
    trainer = Trainer(
        ModelSpec(kind="gru", hidden_size=8),
        task,
        TrainConfig(optimizer=optimizer, lr=lr, batch_size=16),
    )
    losses = [trainer.step(record=False).loss for _ in range(60)]
    assert np.mean(losses[-10:]) < np.mean(losses[:5])


def test_clip_by_norm_rescales_to_the_threshold():
    trainer = _lstm_trainer(clip_mode="norm", clip_threshold=1e-3)
    rec = trainer.step(record=True)
    assert rec.grad_norm > 1e-3 and rec.clipped
    assert rec.grad_norm_clipped == pytest.approx(1e-3)
    grads = torch.cat([p.grad.reshape(-1) for p in trainer.params.values()])
    assert float(grads.norm()) == pytest.approx(1e-3, rel=1e-4)


def test_clip_by_value_clamps_each_component():
    trainer = _lstm_trainer(clip_mode="value", clip_threshold=1e-4, optimizer="sgd", lr=1.0)
    before = trainer.weights()
    rec = trainer.step(record=False)
    assert rec.clipped
    after = trainer.weights()
    # SGD with lr 1 moves each weight by exactly its clipped gradient: at most the threshold.
    for name in trainer.params:
        assert np.abs(after[name] - before[name]).max() <= 1e-4 + 1e-7


def test_learning_rate_and_clipping_change_mid_run():
    trainer = _lstm_trainer()
    trainer.step(record=False)
    trainer.set_lr(0.001)
    trainer.set_clipping("norm", 0.5)
    rec = trainer.step(record=False)
    assert rec.lr == 0.001 and rec.clip_mode == "norm"
    assert trainer.optimizer.param_groups[0]["lr"] == 0.001
    assert [e.step for e in trainer.history.events] == [1, 1]
    with pytest.raises(SpecError):
        trainer.set_lr(-1.0)


def test_live_settings_and_the_compared_run():
    main, compare = _lstm_trainer(), _lstm_trainer()
    apply_live(main, compare, {"lr": 0.002, "gradients_of": "batch"})
    assert main.config.lr == 0.002 and compare.config.lr != 0.002  # the run's own
    assert main.config.gradients_of == compare.config.gradients_of == "batch"  # both
    assert main.step(record=True).gradients_of == "batch"
    assert [e.text for e in main.history.events] == ["lr 0.01 -> 0.002", "dL/dh_t of the batch"]
    with pytest.raises(SpecError, match="not a live setting"):
        main.set_live({"batch_size": 3})
    with pytest.raises(SpecError, match="gradients_of"):
        main.set_live({"gradients_of": "everything"})


def test_divergence_is_reported_and_not_continued():
    trainer = Trainer.from_preset(load_preset("exploding_linear"), lr=10.0)
    rec = None
    for _ in range(20):
        rec = trainer.step(record=True)
        if rec.diverged:
            break
    assert rec.diverged and f"step {rec.step}" in rec.diverged
    assert "clipping" in rec.diverged
    with pytest.raises(DivergedError):
        trainer.step()
    trainer.reset()
    assert trainer.step().diverged is None


def test_truncated_bptt_cuts_the_gradient():
    # Adding problem: the loss is at the last step only, so with truncation k the gradient is
    # exactly zero for every h_t before the last chunk.
    task = make_task("adding", seed=0, seq_len=12)
    trainer = Trainer(
        ModelSpec(kind="lstm", hidden_size=4), task, TrainConfig(bptt=4, batch_size=4)
    )
    rec = trainer.step(record=True)
    dh = rec.dh_norm["L0.fwd"]
    assert np.all(dh[:8] == 0) and np.all(dh[8:] > 0)


def test_frozen_parameters_do_not_move():
    trainer = Trainer.from_preset(load_preset("exploding_linear_clipped"))
    before = trainer.weights()
    for _ in range(3):
        trainer.step()
    after = trainer.weights()
    assert after["rnn.weight_ih_l0"] == before["rnn.weight_ih_l0"]
    assert after["rnn.weight_hh_l0"] != before["rnn.weight_hh_l0"]


def test_previewing_and_mirroring_build_no_optimiser(tmp_path):
    """Issue 23, target 5: torch's first Optimizer imports torch._dynamo (about 1 s at
    start-up). A trainer that only previews step 0, restores a state and captures it again
    (the window's mirror of a run trained in another process) never builds one, in a fresh
    interpreter; the state it restored is what the optimiser gets when a step needs it
    (test_continue's bit-for-bit continuations go through that path)."""
    import json
    import subprocess
    import sys

    ran = Trainer.from_preset(load_preset("adding_lstm"))
    ran.step()
    ran.step()
    state = ran.state()
    assert state.optimizer, "Adam keeps state after two steps"
    np.savez(
        tmp_path / "optimizer.npz", **{k.replace("/", "|"): v for k, v in state.optimizer.items()}
    )
    np.savez(tmp_path / "weights.npz", **state.weights)
    (tmp_path / "config.json").write_text(json.dumps(state.config))
    code = f"""
import json, sys
import numpy as np
from pathlib import Path
from rnnviz.engine.presets import load_preset
from rnnviz.engine.trainer import Trainer
from rnnviz.engine.trainer_state import TrainerState
folder = Path({str(tmp_path)!r})
optimizer = {{k.replace("|", "/"): v for k, v in np.load(folder / "optimizer.npz").items()}}
state = TrainerState(2, dict(np.load(folder / "weights.npz")), optimizer,
                     json.loads((folder / "config.json").read_text()))
mirror = Trainer.from_preset(load_preset("adding_lstm"))
mirror.preview()
mirror.restore(state)
again = mirror.state()
assert again.optimizer.keys() == optimizer.keys()
assert all((again.optimizer[k] == v).all() for k, v in optimizer.items())
print("torch._dynamo" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "False"
