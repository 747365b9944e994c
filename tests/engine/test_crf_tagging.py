"""The CRF in the trainer: BIO slot filling, the presets' claim, refusals, the loss surface."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnviz.engine.bio import illegal_steps
from rnnviz.engine.crf_objective import objective_loss, objective_metrics
from rnnviz.engine.plain import decode, encode
from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import ModelSpec, SpecError
from rnnviz.engine.surface import GridEvaluator, SurfaceSource
from rnnviz.engine.tasks import make_task
from rnnviz.engine.train_config import TrainConfig
from rnnviz.engine.trainer import Trainer


def eval_outputs(trainer, batch):
    with torch.no_grad():
        return trainer.model(batch.x).y


def test_bio_legality_by_hand():
    assert illegal_steps(["O", "B-time", "I-time", "O"]) == []
    assert illegal_steps(["I-dest", "O", "I-time", "B-dest", "I-time"]) == [0, 2, 4]
    assert illegal_steps(["B-dest", "I-dest", "I-dest", "B-time", "I-time"]) == []


def test_bio_sample_is_tagged_as_the_notes_say():
    task = make_task("slot_filling_bio")
    batch = task.eval_batch(8)
    view = task.view(batch.x[:, 0], batch.y[:, 0], None, batch.mask[:, 0])
    assert view.input_tokens[:6] == "arrive New York on November 2nd".split()
    assert view.target_tokens[:6] == ["O", "B-dest", "I-dest", "O", "B-time", "I-time"]
    for b in range(8):  # every generated target is itself legal
        n = int(batch.mask[:, b].sum())
        assert illegal_steps([task.output_labels[k] for k in batch.y[:n, b]]) == []


@pytest.mark.parametrize(
    ("tags", "match"),
    [
        ("B-dest I-dest B-time I-time", "needs the tag O"),
        ("B-dest O", "needs both B-dest and I-dest"),
        ("B-where I-where O", "is not a BIO tag"),
    ],
)
def test_bad_tag_sets_are_one_sentence(tags, match):
    with pytest.raises(SpecError, match=match):
        make_task("slot_filling_bio", tags=tags)


def test_a_smaller_tag_set_tags_the_rest_o():
    task = make_task("slot_filling_bio", tags="B-time I-time O")
    assert task.output_size == 3
    batch = task.eval_batch(4)
    assert task.view(batch.x[:, 0], batch.y[:, 0], None, batch.mask[:, 0]).target_tokens[:6] == [
        "O", "O", "O", "O", "B-time", "I-time",
    ]  # fmt: skip


def test_crf_needs_a_tagging_task_and_no_encoder_decoder():
    with pytest.raises(SpecError, match="CRF output layer"):
        ModelSpec(kind="gru", seq2seq=True, crf=True)
    spec = ModelSpec(kind="lstm", hidden_size=4, crf=True)
    with pytest.raises(SpecError, match="tags every step of a classification task"):
        Trainer(spec, make_task("sine"), TrainConfig())


def test_untrained_crf_without_a_tag_scheme_has_the_softmax_loss():
    """Zero transitions: the CRF's loss is the per-step cross-entropy, in the trainer too."""
    task = make_task("slot_filling")
    spec = ModelSpec(kind="lstm", hidden_size=6, bidirectional=True)
    config = TrainConfig(batch_size=8)
    plain = Trainer(spec, task, config).step().loss
    crf = Trainer(ModelSpec(**{**spec.to_dict(), "crf": True}), task, config).step().loss
    assert crf == pytest.approx(plain, rel=1e-5)


def test_crf_never_decodes_an_illegal_sequence_and_the_softmax_model_does_at_step_0():
    crf = Trainer.from_preset(load_preset("slot_filling_crf"))
    softmax = Trainer.from_preset(load_preset("slot_filling_bilstm_bio"))
    batch = crf.task.eval_batch(256)
    first = objective_metrics(softmax.model, softmax.task, eval_outputs(softmax, batch), batch)
    assert first["illegal_sequences"] > 0.5
    for step in range(40):
        out = eval_outputs(crf, batch)
        assert objective_metrics(crf.model, crf.task, out, batch)["illegal_sequences"] == 0.0
        rec = crf.step(record=step % 10 == 0)
        assert rec.metrics["illegal_sequences"] == 0.0
        if rec.full:
            assert illegal_steps([t for t in rec.sample.predicted_tokens if t]) == []
            np.testing.assert_allclose(rec.sample.crf["marginals"].sum(1), 1.0, atol=1e-9)


def test_recorded_crf_sample_survives_a_session_file_round_trip():
    rec = Trainer.from_preset(load_preset("slot_filling_crf")).step()
    arrays: dict = {}
    back = decode(encode(rec, arrays, "r"), arrays)
    assert set(back.sample.crf) == {
        "marginals",
        "viterbi",
        "transitions",
        "start",
        "end",
        "allowed",
    }
    np.testing.assert_array_equal(back.sample.crf["viterbi"], rec.sample.crf["viterbi"])


def test_loss_surface_of_a_crf_model_is_its_crf_loss():
    trainer = Trainer.from_preset(load_preset("slot_filling_crf"))
    for _ in range(5):
        trainer.step(record=False)
    with torch.no_grad():  # make the transitions matter
        trainer.model.crf.transitions.normal_()
    source = SurfaceSource.from_trainer(trainer, batch_size=8)
    got = GridEvaluator(source, workers=1).losses_at_weights(source.weights[None])
    with torch.no_grad():
        y = trainer.model(source.batch.x).y
        expected = objective_loss(trainer.model, trainer.task, y, source.batch)
    assert got[0] == pytest.approx(float(expected), rel=1e-4)
