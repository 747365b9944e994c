"""Contract tests every built-in task must pass: determinism, shapes, masks, loss, views."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks import TASKS, make_task
from rnnviz.engine.tasks.base import Batch, SampleView

KINDS = list(TASKS)
#: tasks whose batches do not depend on seed or step
DETERMINISTIC = {"linear_toy", "cliff", "sine_generation"}  # one fixed target signal
# small options keep the run fast
SMALL = {"adding": {"seq_len": 12}, "char_lm": {"seq_len": 16}, "linear_toy": {"seq_len": 10}}


def small(kind: str, seed: int = 0):
    return make_task(kind, seed=seed, **SMALL.get(kind, {}))


def assert_batches_equal(a: Batch, b: Batch) -> None:
    for name in ("x", "y", "mask"):
        assert torch.equal(getattr(a, name), getattr(b, name)), name


def batches_equal(a: Batch, b: Batch) -> bool:
    return all(torch.equal(getattr(a, n), getattr(b, n)) for n in ("x", "y", "mask"))


def random_outputs(task, batch: Batch, seed: int = 0, lead: tuple[int, ...] = ()) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    steps = batch.y.shape[0]  # the targets' steps (an encoder-decoder's T_out)
    return torch.randn(*lead, steps, batch.batch_size, task.output_size, generator=g)


@pytest.mark.parametrize("kind", KINDS)
def test_batches_are_a_pure_function_of_seed_step_and_size(kind):
    a, b = small(kind, seed=3), small(kind, seed=3)
    assert_batches_equal(a.batch(5, 6), b.batch(5, 6))
    assert_batches_equal(a.batch(5, 6), a.batch(5, 6))  # no hidden state advances
    assert_batches_equal(a.eval_batch(8), b.eval_batch(8))
    assert_batches_equal(a.eval_batch(8), a.eval_batch(8))
    if kind not in DETERMINISTIC:
        assert not batches_equal(a.batch(5, 6), a.batch(6, 6))
        assert not batches_equal(a.batch(5, 6), small(kind, seed=4).batch(5, 6))
        assert not batches_equal(a.batch(0, 8), a.eval_batch(8))


@pytest.mark.parametrize("kind", KINDS)
def test_shapes_dtypes_and_masks(kind):
    task = small(kind)
    batch = task.batch(0, 5)
    T, B = task.seq_len, 5
    if task.io_kind == "seq2seq":  # one source length per batch, up to seq_len; own T_out
        T = batch.x.shape[0]
        assert 1 <= T <= task.seq_len and batch.y.shape[0] <= task.max_output_len
    assert batch.x.shape == (T, B, task.input_size) and batch.x.dtype == torch.float32
    T = batch.y.shape[0]
    assert batch.mask.shape == (T, B) and batch.mask.dtype == torch.float32
    assert set(batch.mask.unique().tolist()) <= {0.0, 1.0}
    assert (batch.mask.sum(0) > 0).all(), "every sequence has something to learn"
    if task.loss_kind == "ce":
        assert batch.y.shape == (T, B) and batch.y.dtype == torch.int64
        assert 0 <= int(batch.y.min()) and int(batch.y.max()) < task.output_size
        assert task.output_labels is not None and len(task.output_labels) == task.output_size
    elif task.loss_kind == "ctc":  # U_b labels in 1..C first, then blanks (0)
        assert batch.y.shape == (T, B) and batch.y.dtype == torch.int64
        assert int(batch.y.max()) < task.output_size and len(task.output_labels) == task.output_size
        lengths = (batch.y > 0).sum(0)
        assert all((batch.y[: int(n), b] > 0).all() for b, n in enumerate(lengths))
    else:
        assert task.loss_kind in ("mse", "bce")
        assert batch.y.shape == (T, B, task.output_size) and batch.y.dtype == torch.float32
        if task.loss_kind == "bce":  # bits
            assert set(batch.y.unique().tolist()) <= {0.0, 1.0}
    if task.input_vocab is not None:
        assert len(task.input_vocab) == task.input_size
    assert task.io_kind in ("many_to_many", "many_to_one", "one_to_many", "seq2seq")
    if task.io_kind == "many_to_one":
        assert batch.mask[:-1].sum() == 0 and (batch.mask[-1] == 1).all()
    assert batch.select(2).x.shape == (batch.x.shape[0], 1, task.input_size)


@pytest.mark.parametrize("kind", KINDS)
def test_class_attributes_match_default_options(kind):
    cls = TASKS[kind]
    task = make_task(kind)
    assert task.options == cls.option_defaults
    assert set(cls.option_help) == set(cls.option_defaults)
    for name in ("input_size", "output_size", "seq_len"):
        assert getattr(task, name) == getattr(cls, name), name
    assert task.name == kind


@pytest.mark.parametrize("kind", KINDS)
def test_loss_of_perfect_predictions_is_zero(kind):
    task = small(kind)
    batch = task.batch(1, 4)
    if task.loss_kind == "mse":
        perfect = batch.y.clone()
    elif task.loss_kind == "bce":  # logits of +-100 on the target bits
        perfect = (batch.y * 2 - 1) * 100.0
    else:
        perfect = F.one_hot(batch.y, task.output_size).float() * 100.0
    assert float(task.loss(perfect, batch)) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_loss_matches_torch_on_the_masked_steps(kind):
    task = small(kind)
    batch = task.batch(2, 4)
    y_hat = random_outputs(task, batch)
    counted = batch.mask.bool()
    if task.loss_kind == "ce":
        expected = F.cross_entropy(y_hat[counted], batch.y[counted])
    elif task.loss_kind == "ctc":  # mean over sequences of -log p(l | x)
        log_probs = torch.log_softmax(y_hat, -1)
        frames, labels = batch.mask.sum(0).long(), (batch.y > 0).sum(0)
        expected = F.ctc_loss(log_probs, batch.y.T, frames, labels, reduction="none").mean()
    elif task.loss_kind == "bce":  # summed over the bits, averaged over the counted steps
        bce = F.binary_cross_entropy_with_logits(y_hat[counted], batch.y[counted], reduction="sum")
        expected = bce / counted.sum()
    else:
        expected = ((y_hat - batch.y) ** 2).sum(-1)[counted].mean()
    assert float(task.loss(y_hat, batch)) == pytest.approx(float(expected), rel=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_loss_with_leading_dims_equals_each_models_loss(kind):
    task = small(kind)
    batch = task.batch(3, 3)
    y_hat = random_outputs(task, batch, lead=(2, 3))  # a 2 x 3 grid of weight settings
    grid = task.loss(y_hat, batch)
    assert grid.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            single = task.loss(y_hat[i, j], batch)
            assert float(grid[i, j]) == pytest.approx(float(single), rel=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_metrics_are_floats(kind):
    task = small(kind)
    batch = task.eval_batch(4)
    metrics = task.metrics(random_outputs(task, batch), batch)
    assert all(isinstance(v, float) for v in metrics.values())
    if task.loss_kind == "ce" and task.io_kind != "seq2seq":  # seq2seq: greedy decoding's
        assert 0.0 <= metrics["accuracy"] <= 1.0


@pytest.mark.parametrize("kind", KINDS)
def test_view_reads_a_sample_with_and_without_predictions(kind):
    task = small(kind)
    batch = task.eval_batch(3)
    y_hat = random_outputs(task, batch)
    x, y, m = batch.x[:, 0].numpy(), batch.y[:, 0].numpy(), batch.mask[:, 0].numpy()
    T = task.seq_len
    if task.io_kind == "seq2seq":  # a source of its own length; a token per target step
        T = len(y)
        assert len(task.view(x, y, None, m).input_tokens) == len(x)
    for pred in (y_hat[:, 0].numpy(), None):
        view = task.view(x, y, pred, m)
        assert isinstance(view, SampleView)
        if task.io_kind != "seq2seq":
            assert len(view.input_tokens) == T
        assert len(view.target_tokens) == T
        assert len(view.predicted_tokens) == T
        assert all(isinstance(s, str) for s in view.input_tokens + view.predicted_tokens)
        for t in range(T):
            if task.loss_kind == "ctc":  # the labels have no frames of their own
                assert view.target_tokens[t] == ""
            elif m[t] == 0:
                assert view.target_tokens[t] == "" and view.predicted_tokens[t] == ""
            else:
                assert view.target_tokens[t] != ""
        for values in view.series.values():
            assert values.shape == (T,)
        assert isinstance(view.text, str) and view.text
    # tensors work as well as arrays
    assert task.view(batch.x[:, 0], batch.y[:, 0], y_hat[:, 0], batch.mask[:, 0]).text


@pytest.mark.parametrize("kind", KINDS)
def test_describe_is_a_paragraph(kind):
    text = make_task(kind).describe()
    assert isinstance(text, str) and len(text) > 150 and "\n" not in text


# -- make_task and options ----------------------------------------------------------------------
def test_unknown_kind_names_the_choices():
    with pytest.raises(SpecError, match="unknown task 'nope'; choose one of .*adding"):
        make_task("nope")


@pytest.mark.parametrize(
    ("kind", "options", "match"),
    [
        ("adding", {"seq_len": 1}, "at least 2"),
        ("adding", {"seq_len": 2.5}, "must be an integer"),
        ("adding", {"seq_len": "ten"}, "must be an integer"),
        ("adding", {"seq_len": True}, "must be an integer"),
        ("adding", {"length": 5}, "unknown option 'length' for task 'adding'"),
        ("lecture", {"seq_len": 0}, "at least 2"),
        ("copy", {"n_symbols": 27}, "at most 26"),
        ("copy", {"delay": -1}, "at least 0"),
        ("linear_toy", {"target": "big"}, "finite number"),
        ("linear_toy", {"target": float("nan")}, "finite number"),
        ("char_lm", {"lowercase": "maybe"}, "true or false"),
        ("slot_filling", {"seq_len": 9}, "takes no options"),
    ],
)
def test_bad_options_raise_spec_error(kind, options, match):
    with pytest.raises(SpecError, match=match):
        make_task(kind, **options)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", None])
def test_bad_seed_raises_spec_error(seed):
    with pytest.raises(SpecError, match="seed"):
        make_task("adding", seed=seed)


def test_options_typed_as_text_are_converted():
    task = make_task("adding", seq_len="20")
    assert task.seq_len == 20 and task.options == {"seq_len": 20}
    assert make_task("adding", seq_len=20.0).seq_len == 20
    assert make_task("char_lm", lowercase="false").options["lowercase"] is False
    assert make_task("linear_toy", target="2").options["target"] == 2.0


def test_resolve_options_fills_defaults_without_building():
    cls = TASKS["copy"]
    assert cls.resolve_options({"delay": "3"}) == {"n_symbols": 8, "length": 5, "delay": 3}
