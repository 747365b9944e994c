"""The copy_ntm task: its layout (vectors, delimiter, recall with no input), its bit errors
counted by hand, and its bad options."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks import make_task


def test_each_sequence_is_vectors_then_a_delimiter_then_the_recall_with_no_input():
    task = make_task("copy_ntm", seed=3, bits=5, min_length=2, max_length=6)
    batch = task.batch(7, 16)
    assert batch.x.shape == (13, 16, 6) and batch.y.shape == (13, 16, 5)
    lengths = batch.mask.sum(0).long().tolist()
    assert min(lengths) >= 2 and max(lengths) == 6 and len(set(lengths)) > 1
    for b, n in enumerate(lengths):
        x, y, m = batch.x[:, b].numpy(), batch.y[:, b].numpy(), batch.mask[:, b].numpy()
        assert (x[:n, 5] == 0).all() and x[n, 5] == 1 and (x[n, :5] == 0).all()
        assert (x[n + 1 :] == 0).all(), "no input during the recall and the padding"
        np.testing.assert_array_equal(y[n + 1 : 2 * n + 1], x[:n, :5])
        np.testing.assert_array_equal(m, [0] * (n + 1) + [1] * n + [0] * (12 - 2 * n))


def test_bit_errors_are_counted_per_sequence_on_the_recall_steps_only():
    task = make_task("copy_ntm", seed=0, bits=4, max_length=3)
    batch = task.batch(0, 3)
    y_hat = (batch.y * 2 - 1).clone()  # all right
    y_hat[batch.mask == 0] = 5.0  # outside the recall: never counted
    n0 = int(batch.mask[:, 0].sum())
    y_hat[n0 + 1, 0, :2] *= -1  # two wrong bits in sequence 0
    y_hat[int(batch.mask[:, 2].sum()) + 1, 2, 3] *= -1  # one in sequence 2
    metrics = task.metrics(y_hat, batch)
    assert metrics["bit_errors"] == pytest.approx(3 / 3)
    assert metrics["bit_error_rate"] == pytest.approx(3 / (float(batch.mask.sum()) * 4))


def test_displayed_sequences_have_the_test_length():
    task = make_task("copy_ntm", seed=0, max_length=4, test_length=9)
    shown = task.eval_batch(5)
    assert shown.x.shape[0] == 19 and (shown.mask.sum(0) == 9).all()
    assert task.seq_len == 19 and task.batch(0, 8).x.shape[0] == 9
    view = task.view(shown.x[:, 0], shown.y[:, 0], None, shown.mask[:, 0])
    assert view.input_tokens[9] == "|" and len(view.input_tokens[0]) == 8
    assert view.target_tokens[10] == view.input_tokens[0]
    assert "longer than any seen in training" in task.describe()


def test_min_length_above_max_length_is_one_sentence():
    with pytest.raises(SpecError, match="'min_length' of task 'copy_ntm' must be at most"):
        make_task("copy_ntm", min_length=9, max_length=4)
    with pytest.raises(SpecError, match="'bits'"):
        make_task("copy_ntm", bits=0)


def test_loss_is_zero_for_certain_right_bits_and_log2_per_bit_for_zero_logits():
    task = make_task("copy_ntm", seed=1)
    batch = task.batch(0, 4)
    assert float(task.loss((batch.y * 2 - 1) * 100, batch)) == pytest.approx(0.0, abs=1e-6)
    zero = torch.zeros_like(batch.y)
    assert float(task.loss(zero, batch)) == pytest.approx(8 * np.log(2), rel=1e-6)
