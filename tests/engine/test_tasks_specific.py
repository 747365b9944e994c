"""Task-specific checks: each task's data follows its rules, computed independently here."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks import make_task


# -- lecture ------------------------------------------------------------------------------------
def test_lecture_eval_sample_0_is_the_notes_sequence():
    batch = make_task("lecture").eval_batch()
    x = batch.x[:, 0].numpy()
    assert x[:, 0].tolist() == [1, 3, 2, 4, 2, 1, 3, 6, 1]
    assert x[:, 1].tolist() == [0, 1, 0, 1, 0, 0, -1, 1, 0]
    assert x[:, 2].tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 1]
    assert batch.y[:, 0, 0].tolist() == [0, 0, 0, 0, 0, 7, 0, 0, 6]
    assert batch.mask[:, 0].tolist() == [1.0] * 9


def lecture_rule(x1, x2, x3):
    memory, out = 0.0, []
    for a, b, c in zip(x1, x2, x3, strict=True):
        if b == 1:
            memory += a
        elif b == -1:
            memory = 0.0
        out.append(memory if c == 1 else 0.0)
    return out


def test_lecture_random_sequences_follow_the_rules():
    task = make_task("lecture", seed=2, seq_len=30)
    batch = task.batch(0, 64)
    x = batch.x.numpy()
    assert set(np.unique(x[..., 0])) <= {1, 2, 3, 4, 5, 6}
    assert set(np.unique(x[..., 1])) == {-1, 0, 1}
    assert set(np.unique(x[..., 2])) == {0, 1}
    for b in range(64):
        assert batch.y[:, b, 0].tolist() == lecture_rule(x[:, b, 0], x[:, b, 1], x[:, b, 2])
    assert task.metrics(batch.y.clone(), batch)["accuracy"] == 1.0
    # a longer eval sequence starts with the notes' one
    long = task.eval_batch(2)
    assert long.y[:9, 0, 0].tolist() == [0, 0, 0, 0, 0, 7, 0, 0, 6]


# -- slot filling -------------------------------------------------------------------------------
def test_slot_filling_sample_0_and_verb_dependence():
    task = make_task("slot_filling")
    batch = task.eval_batch(200)
    view = task.view(batch.x[:, 0], batch.y[:, 0], None, batch.mask[:, 0])
    assert view.input_tokens[:5] == "arrive Taipei on November 2nd".split()
    assert view.target_tokens[:5] == ["other", "dest", "other", "time", "time"]
    assert batch.mask[:, 0].tolist() == [1.0] * 5 + [0.0] * (task.seq_len - 5)
    assert batch.x[5:, 0].abs().sum() == 0  # padding has zero input
    seen = set()
    cities = {"Taipei", "Tokyo", "Paris", "London", "Boston", "Seattle"}
    for b in range(200):
        v = task.view(batch.x[:, b], batch.y[:, b], None, batch.mask[:, b])
        words, labels = v.input_tokens, v.target_tokens
        n = int(batch.mask[:, b].sum())
        assert all(w for w in words[:n]) and not any(words[n:])
        for t in range(1, n):
            if words[t - 1] == "arrive" and words[t] in cities:
                assert labels[t] == "dest"
                seen.add("arrive")
            if words[t - 1] == "leave" and words[t] in cities:
                assert labels[t] == "origin"
                seen.add("leave")
    assert seen == {"arrive", "leave"}


# -- adding -------------------------------------------------------------------------------------
def test_adding_targets_markers_and_metric():
    T, B = 20, 50
    task = make_task("adding", seed=7, seq_len=T)
    batch = task.batch(4, B)
    x = batch.x.numpy().astype(np.float64)
    assert (x[..., 0] >= -1).all() and (x[..., 0] <= 1).all()
    for b in range(B):
        marked = np.flatnonzero(x[:, b, 1] == 1)
        assert len(marked) == 2 and set(np.unique(x[:, b, 1])) <= {0, 1}
        assert marked[0] < T // 2 <= marked[1]
        expected = 0.5 + (x[marked[0], b, 0] + x[marked[1], b, 0]) / 4
        assert batch.y[-1, b, 0].item() == pytest.approx(expected, abs=1e-6)
    assert batch.y[:-1].abs().sum() == 0
    assert task.metrics(batch.y + 0.03, batch)["accuracy"] == 1.0
    assert task.metrics(batch.y + 0.05, batch)["accuracy"] == 0.0


# -- copy ---------------------------------------------------------------------------------------
def test_copy_layout():
    task = make_task("copy", seed=1, n_symbols=4, length=3, delay=6)
    K, T = 3, 2 * 3 + 6 + 1
    assert task.seq_len == T and task.input_size == 6 and task.output_size == 5
    batch = task.batch(0, 10)
    tokens = batch.x.argmax(-1)  # [T, B]
    assert batch.x.sum(-1).eq(1).all()  # one-hot everywhere
    assert (tokens[:K] >= 1).all() and (tokens[:K] <= 4).all()
    assert (tokens[K : K + 6] == 0).all() and (tokens[K + 6] == 5).all()
    assert (tokens[K + 7 :] == 0).all()
    assert torch.equal(batch.y[T - K :], tokens[:K])
    assert (batch.y[: T - K] == 0).all()
    assert batch.mask[T - K :].eq(1).all() and batch.mask[: T - K].eq(0).all()
    perfect = torch.nn.functional.one_hot(batch.y, 5).float()
    assert task.metrics(perfect, batch) == {"accuracy": 1.0, "sequence_accuracy": 1.0}


# -- sine, parity, one-to-many ------------------------------------------------------------------
def test_sine_targets_are_the_next_inputs():
    batch = make_task("sine", seed=5).batch(0, 8)
    assert torch.allclose(batch.y[:-1, :, 0], batch.x[1:, :, 0])
    assert batch.x.abs().max() <= 1.0
    assert not torch.allclose(batch.x[:, 0], batch.x[:, 1])  # random per sequence


def test_parity_labels():
    batch = make_task("parity", seed=3, seq_len=11).batch(2, 40)
    bits = batch.x[..., 0]
    assert set(bits.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(batch.y[-1], bits.sum(0).long() % 2)


def test_majority_labels_the_unique_most_frequent_symbol():
    task = make_task("majority", seed=2, n_symbols=3, seq_len=6)  # short: ties are common
    batch = task.batch(0, 100)
    assert batch.x.sum(-1).eq(1).all()
    counts = batch.x.sum(0)  # [B, 3]
    top = counts.max(-1).values
    assert (counts == top[:, None]).sum(-1).eq(1).all(), "the winner is unique"
    assert torch.equal(batch.y[-1], counts.argmax(-1))


def test_one_to_many_class_patterns():
    T = 24
    task = make_task("one_to_many", seed=0, n_classes=4, seq_len=T)
    batch = task.batch(0, 32)
    assert batch.x[1:].abs().sum() == 0
    labels = batch.x[0].argmax(-1)
    assert batch.x[0].sum(-1).eq(1).all()
    for b in range(32):
        k = int(labels[b])
        expected = [math.sin(2 * math.pi * (k + 1) * t / T) for t in range(T)]
        assert batch.y[:, b, 0].tolist() == pytest.approx(expected, abs=1e-6)


# -- the one-neuron toys ------------------------------------------------------------------------
def test_linear_toy():
    task = make_task("linear_toy", seq_len=30, target=2.5)
    batch = task.batch(9, 3)
    assert batch.x[0].eq(1).all() and batch.x[1:].eq(0).all()
    assert batch.y[-1].eq(2.5).all() and batch.y[:-1].eq(0).all()
    # w = 1.1: y_T = w^(T-1)
    w, h = 1.1, torch.zeros(3, 1)
    for t in range(30):
        h = w * h + batch.x[t]
    y_hat = torch.zeros(30, 3, 1)
    y_hat[-1] = h
    assert float(task.loss(y_hat, batch)) == pytest.approx((1.1**29 - 2.5) ** 2, rel=1e-4)
    assert make_task("linear_toy").seq_len == 100


def test_cliff_is_deterministic_and_targets_point_seven():
    a, b = make_task("cliff", seed=0), make_task("cliff", seed=9)
    assert a.seq_len == 50
    assert torch.equal(a.batch(0, 4).x, b.batch(7, 4).x)
    batch = a.batch(0, 2)
    assert batch.x.shape == (50, 2, 1) and batch.x.abs().sum() == 0
    assert batch.y[-1].sub(0.7).abs().max() < 1e-7 and batch.mask.sum(0).eq(1).all()


# -- char_lm ------------------------------------------------------------------------------------
class StubLM(torch.nn.Module):
    """Per-step logits from the current character only, as a RecurrentModel would give them."""

    def __init__(self, vocab_size: int, favourite: int | None = None):
        super().__init__()
        self.linear = torch.nn.Linear(vocab_size, vocab_size)
        self.calls = 0
        if favourite is not None:
            with torch.no_grad():
                self.linear.weight.zero_()
                self.linear.bias.zero_()
                self.linear.bias[favourite] = 10.0

    def forward(self, x):
        self.calls += 1
        assert x.dim() == 3 and x.shape[1] == 1
        return SimpleNamespace(y=self.linear(x))


def test_char_lm_batches_and_metrics():
    task = make_task("char_lm", seed=0, seq_len=20)
    batch = task.batch(0, 6)
    assert torch.equal(batch.y[:-1], batch.x[1:].argmax(-1))
    eval_view = task.view(*(a[:, 0] for a in (batch.x, batch.y)), None, batch.mask[:, 0])
    assert len(eval_view.input_tokens) == 20
    opening = task.eval_batch(2)
    assert task.decode(opening.x[:, 0].argmax(-1)).startswith("alice was beginning")
    y_hat = torch.randn(20, 6, task.output_size)
    metrics = task.metrics(y_hat, batch)
    assert metrics["bits_per_char"] == pytest.approx(float(task.loss(y_hat, batch)) / math.log(2))
    assert set(task.input_vocab) == set(task.text) and task.text == task.text.lower()
    cased = make_task("char_lm", lowercase=False)
    assert cased.input_size > task.input_size and "A" in cased.input_vocab


def test_char_lm_sample_text():
    task = make_task("char_lm", seq_len=10)
    torch.manual_seed(0)
    model = StubLM(task.input_size)
    text = task.sample_text(model, length=40, temperature=1.0, rng=np.random.default_rng(1))
    assert len(text) == 40 and set(text) <= set(task.input_vocab)
    again = task.sample_text(model, length=40, temperature=1.0, rng=np.random.default_rng(1))
    assert text == again
    assert model.calls == 80
    e = task.input_vocab.index("e")
    greedy = task.sample_text(StubLM(task.input_size, favourite=e), 12, temperature=0, prime="Th")
    assert greedy == "e" * 12
    assert task.sample_text(model, length=0, rng=0) == ""
    with pytest.raises(SpecError):
        task.sample_text(model, length=-1)
