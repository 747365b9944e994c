"""The CRF against brute-force enumeration of all K^T paths, written here in numpy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from rnnviz.engine.crf import (
    crf_log_partition,
    crf_marginals,
    crf_path_score,
    crf_viterbi,
)
from rnnviz.engine.crf_objective import crf_nll, viterbi_batch
from rnnviz.engine.tasks.base import Batch, Task


def random_crf(T: int, K: int, seed: int):
    rng = np.random.default_rng(seed)
    return tuple(
        torch.tensor(rng.normal(size=shape) * 1.5, dtype=torch.float64)
        for shape in ((T, K), (K, K), (K,), (K,))
    )


def brute_scores(E, A, s, e) -> dict[tuple[int, ...], float]:
    """score(y) of every path, summed term by term in plain Python."""
    E, A, s, e = (np.asarray(v) for v in (E, A, s, e))
    T, K = E.shape
    scores = {}
    for path in itertools.product(range(K), repeat=T):
        total = s[path[0]] + e[path[-1]] + sum(E[t, k] for t, k in enumerate(path))
        total += sum(A[path[t - 1], path[t]] for t in range(1, T))
        scores[path] = total
    return scores


def log_sum_exp(values) -> float:
    values = np.asarray(list(values))
    top = values.max()
    return float(top + np.log(np.exp(values - top).sum()))


@pytest.mark.parametrize(("T", "K", "seed"), [(1, 3, 0), (2, 2, 1), (4, 3, 2), (5, 4, 3)])
def test_log_partition_viterbi_and_marginals_equal_brute_force(T, K, seed):
    E, A, s, e = random_crf(T, K, seed)
    scores = brute_scores(E, A, s, e)
    log_z = log_sum_exp(scores.values())
    assert float(crf_log_partition(E, A, s, e)) == pytest.approx(log_z, abs=1e-10)

    best_path = max(scores, key=scores.get)
    best, path = crf_viterbi(E, A, s, e)
    assert path == list(best_path)
    assert best == pytest.approx(scores[best_path], abs=1e-10)
    assert float(crf_path_score(E, path, A, s, e)) == pytest.approx(best, abs=1e-10)

    expected = np.zeros((T, K))
    for p, score in scores.items():
        for t, k in enumerate(p):
            expected[t, k] += np.exp(score - log_z)
    marginals = crf_marginals(E, A, s, e).numpy()
    np.testing.assert_allclose(marginals, expected, atol=1e-10)
    np.testing.assert_allclose(marginals.sum(1), 1.0, atol=1e-12)


def batch_of(T: int, B: int, K: int, seed: int):
    """Emissions [T, B, K], tags and a prefix mask with lengths 1..T."""
    rng = np.random.default_rng(seed)
    E = torch.tensor(rng.normal(size=(T, B, K)), dtype=torch.float64)
    tags = torch.tensor(rng.integers(K, size=(T, B)))
    lengths = rng.integers(1, T + 1, size=B)
    lengths[0] = T
    mask = torch.tensor((np.arange(T)[:, None] < lengths[None]).astype(np.float64))
    return E, tags, mask, lengths


def test_batched_loss_and_viterbi_equal_per_sequence_brute_force():
    T, B, K = 4, 5, 3
    E, tags, mask, lengths = batch_of(T, B, K, 7)
    _, A, s, e = random_crf(1, K, 8)
    expected_nll, expected_paths = 0.0, []
    for b, n in enumerate(lengths):
        scores = brute_scores(E[:n, b], A, s, e)
        gold = tuple(int(k) for k in tags[:n, b])
        expected_nll += log_sum_exp(scores.values()) - scores[gold]
        expected_paths.append(list(max(scores, key=scores.get)))
    loss = crf_nll(E, tags, mask, A, s, e)
    assert float(loss) == pytest.approx(expected_nll / lengths.sum(), abs=1e-10)
    decoded = viterbi_batch(E, mask, A, s, e)
    for b, n in enumerate(lengths):
        assert decoded[:n, b].tolist() == expected_paths[b]


def test_grid_leading_dims_equal_one_setting_at_a_time():
    T, B, K, G = 3, 4, 3, 2
    E, tags, mask, _ = batch_of(T, B, K, 3)
    grid_e = torch.stack([E, E * 0.5])  # [G, T, B, K]
    params = [random_crf(1, K, 10 + g)[1:] for g in range(G)]
    A, s, e = (torch.stack([p[i] for p in params]) for i in range(3))
    losses = crf_nll(grid_e, tags, mask, A, s, e)
    assert losses.shape == (G,)
    for g in range(G):
        one = crf_nll(grid_e[g], tags, mask, A[g], s[g], e[g])
        assert float(losses[g]) == pytest.approx(float(one), abs=1e-12)


def test_loss_gradient_equals_finite_differences():
    T, B, K = 4, 3, 3
    E, tags, mask, _ = batch_of(T, B, K, 5)
    _, A, s, e = random_crf(1, K, 6)
    inputs = tuple(v.clone().requires_grad_(True) for v in (E, A, s, e))
    assert torch.autograd.gradcheck(
        lambda E, A, s, e: crf_nll(E, tags, mask, A, s, e), inputs, eps=1e-6, atol=1e-7
    )


def test_zero_transitions_equal_independent_per_step_softmax():
    T, B, K = 5, 4, 3
    E, tags, mask, _ = batch_of(T, B, K, 9)
    zeros = torch.zeros(K, K, dtype=torch.float64), torch.zeros(K, dtype=torch.float64)
    task = Task()
    task.loss_kind = "ce"
    softmax_loss = task.loss(E, Batch(E, tags, mask))
    crf_loss = crf_nll(E, tags, mask, zeros[0], zeros[1], zeros[1])
    assert float(crf_loss) == pytest.approx(float(softmax_loss), abs=1e-12)
    marginals = crf_marginals(E[:, 0], zeros[0], zeros[1], zeros[1])
    np.testing.assert_allclose(marginals, torch.softmax(E[:, 0], -1), atol=1e-12)
    _, path = crf_viterbi(E[:, 0], zeros[0], zeros[1], zeros[1])
    assert path == E[:, 0].argmax(-1).tolist()


def test_bad_shapes_are_one_sentence():
    E, A, s, e = random_crf(3, 2, 0)
    with pytest.raises(ValueError, match="transitions must be"):
        crf_log_partition(E, A[:1], s, e)
    with pytest.raises(ValueError, match="emissions must be"):
        crf_viterbi(E[0], A, s, e)
