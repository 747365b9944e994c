"""The explicit CTC lattice against torch's ctc_loss and brute-force enumeration; decoding on
hand-made distributions; the objective's refusal of inputs too short for their labels."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from rnnviz.engine.ctc import beam_decode, best_path_decode, ctc_lattice
from rnnviz.engine.ctc_objective import ctc_objective, label_error_rate
from rnnviz.engine.spec import SpecError


def _torch_nll(log_probs: torch.Tensor, labels: list[int]) -> torch.Tensor:
    """-log p(l | x) from torch.nn.functional.ctc_loss, one sequence, float64."""
    return torch.nn.functional.ctc_loss(
        log_probs.unsqueeze(1),
        torch.tensor([labels], dtype=torch.long),
        torch.tensor([log_probs.shape[0]]),
        torch.tensor([len(labels)]),
        blank=0,
        reduction="sum",
    )


def _random_case(rng: np.random.Generator, T: int, U: int, C: int, repeats: bool):
    logits = torch.from_numpy(rng.normal(0, 2, size=(T, C + 1)))
    labels = rng.integers(1, C + 1, size=U).tolist()
    if repeats and U >= 2:
        labels[1] = labels[0]
    return torch.log_softmax(logits, -1), labels


CASES = [
    (T, U, C, rep) for T in (1, 3, 6, 11) for U in (0, 1, 2, 4) for C in (1, 3) for rep in (0, 1)
]


@pytest.mark.parametrize(("T", "U", "C", "repeats"), CASES)
def test_forward_pass_equals_torch_ctc_loss(T, U, C, repeats):
    rng = np.random.default_rng([T, U, C, repeats])
    log_probs, labels = _random_case(rng, T, U, C, bool(repeats))
    lattice = ctc_lattice(log_probs, labels)
    nll = float(_torch_nll(log_probs, labels))
    needed = U + sum(a == b for a, b in zip(labels, labels[1:], strict=False))
    if T < needed:  # impossible: p = 0 on both sides
        assert lattice.log_likelihood == -math.inf and nll == math.inf
        return
    S = 2 * U + 1
    final_alpha = np.exp(lattice.log_alpha[-1, max(S - 2, 0) :]).sum()
    assert math.exp(-nll) == pytest.approx(final_alpha, rel=1e-9)
    assert -lattice.log_likelihood == pytest.approx(nll, rel=1e-9)
    # p(l|x) = sum_s alpha_t(s) beta_t(s) at every frame, so the posteriors sum to 1
    np.testing.assert_allclose(lattice.posterior.sum(1), 1.0, rtol=1e-9)
    assert lattice.log_alpha.shape == lattice.log_beta.shape == lattice.posterior.shape == (T, S)


def _brute_force(log_probs: np.ndarray, labels: list[int]) -> tuple[float, int]:
    """sum over every frame labelling that collapses to ``labels`` of prod_t y_t(pi_t)."""
    T, K = log_probs.shape
    total, count = 0.0, 0
    for path in itertools.product(range(K), repeat=T):
        merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
        if [k for k in merged if k != 0] == labels:
            total += math.exp(sum(log_probs[t, k] for t, k in enumerate(path)))
            count += 1
    return total, count


@pytest.mark.parametrize(("T", "labels"), [(4, [1, 2]), (5, [2, 1]), (6, [1, 2, 3]), (5, [1])])
def test_brute_force_enumeration_equals_the_lattice(T, labels):
    rng = np.random.default_rng(T)
    log_probs = torch.log_softmax(torch.from_numpy(rng.normal(0, 1, size=(T, 4))), -1)
    total, count = _brute_force(log_probs.numpy(), labels)
    U = len(labels)
    assert count == math.comb(T + U, 2 * U)  # no repeats in these labels
    assert total == pytest.approx(math.exp(-float(_torch_nll(log_probs, labels))), rel=1e-9)
    assert total == pytest.approx(math.exp(ctc_lattice(log_probs, labels).log_likelihood), rel=1e-9)


def test_brute_force_with_a_repeat_needs_the_blank():
    rng = np.random.default_rng(7)
    log_probs = torch.log_softmax(torch.from_numpy(rng.normal(0, 1, size=(5, 3))), -1)
    total, count = _brute_force(log_probs.numpy(), [2, 2])
    assert count > 0
    assert total == pytest.approx(math.exp(ctc_lattice(log_probs, [2, 2]).log_likelihood), rel=1e-9)


@pytest.mark.parametrize("labels", [[1, 2, 2, 3], [3, 1, 2], [2]])
def test_gradient_of_the_explicit_loss_equals_torch_autograd(labels):
    rng = np.random.default_rng(len(labels))
    logits = torch.from_numpy(rng.normal(0, 1.5, size=(9, 4))).requires_grad_(True)
    _torch_nll(torch.log_softmax(logits, -1), labels).backward()
    lattice = ctc_lattice(torch.log_softmax(logits.detach(), -1), labels)
    explicit = lattice.logit_gradient(torch.log_softmax(logits.detach(), -1))
    np.testing.assert_allclose(explicit, logits.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_the_public_signature_and_refused_labels():
    log_probs = torch.log_softmax(torch.zeros(4, 3, dtype=torch.float64), -1)
    lattice = ctc_lattice(log_probs, [1, 2], blank=0)
    assert {"log_alpha", "log_beta", "log_likelihood", "posterior"} <= set(vars(lattice))
    # uniform outputs: every one of the C(T + U, 2U) = 15 labellings has p = 3^-4
    assert lattice.log_likelihood == pytest.approx(math.log(15 / 3**4), rel=1e-12)
    # another blank index: class 2 is the blank, labels 0 and 1
    moved = ctc_lattice(log_probs, [0, 1], blank=2)
    assert moved.log_likelihood == pytest.approx(lattice.log_likelihood, rel=1e-12)
    frames = _log([[0.1, 0.1, 0.8], [0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.7, 0.2, 0.1]])
    assert best_path_decode(frames, blank=2) == [0, 0]  # φ 0 φ 0: the blank keeps them apart
    assert beam_decode(frames, beam=8, blank=2) == [0, 0]
    for bad in ([0, 1], [3]):  # the blank, and a class the outputs do not have
        with pytest.raises(ValueError, match="other than the blank"):
            ctc_lattice(log_probs, bad)


def test_most_likely_alignment_is_a_legal_path_of_the_best_score():
    rng = np.random.default_rng(3)
    log_probs = torch.log_softmax(torch.from_numpy(rng.normal(0, 2, size=(5, 3))), -1).numpy()
    labels = [1, 2]
    lattice = ctc_lattice(log_probs, labels)
    path = lattice.extended[lattice.alignment]
    best = max(
        (p for p in itertools.product(range(3), repeat=5) if _collapse(p) == labels),
        key=lambda p: sum(log_probs[t, k] for t, k in enumerate(p)),
    )
    assert tuple(path) == best


def _collapse(path) -> list[int]:
    return [k for i, k in enumerate(path) if k != 0 and (i == 0 or k != path[i - 1])]


def _log(rows) -> np.ndarray:
    return np.log(np.asarray(rows, dtype=np.float64))


def test_best_path_merges_repeats_then_drops_blanks():
    # frames: a a φ φ b φ b  ->  a b b (the blank keeps the two b apart)
    one_hotish = {0: [0.8, 0.1, 0.1], 1: [0.1, 0.8, 0.1], 2: [0.1, 0.1, 0.8]}
    frames = [1, 1, 0, 0, 2, 0, 2]
    log_probs = _log([one_hotish[k] for k in frames])
    assert best_path_decode(log_probs) == [1, 2, 2]
    assert beam_decode(log_probs) == [1, 2, 2]
    assert best_path_decode(_log([one_hotish[k] for k in (2, 2, 2)])) == [2]


def test_beam_search_finds_the_labelling_best_path_misses():
    # two frames, p(φ) = 0.6, p(a) = 0.4 each: best path φφ -> "" has p = 0.36, but
    # p("a") = 0.4*0.6 + 0.6*0.4 + 0.4*0.4 = 0.64
    log_probs = _log([[0.6, 0.4], [0.6, 0.4]])
    assert best_path_decode(log_probs) == []
    assert beam_decode(log_probs, beam=8) == [1]
    # a beam of one keeps only "" (0.6 > 0.4) after the first frame, and so misses it
    assert beam_decode(log_probs, beam=1) == []
    # and three classes: frames (φ .5, a .3, b .2) x 2: p("a") = .3*.5+.5*.3+.3*.3 = .39,
    # p("") = .25, p("b") = .24, p("ab") = .06 ...
    assert beam_decode(_log([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]])) == [1]


def _batch(labels: list[list[int]], T: int):
    y = torch.zeros(T, len(labels), dtype=torch.long)
    for b, seq in enumerate(labels):
        y[: len(seq), b] = torch.tensor(seq, dtype=torch.long)
    return y, torch.ones(T, len(labels))


def test_too_short_input_gets_a_message_not_inf():
    y, mask = _batch([[1, 2], [1, 1, 1]], T=4)  # [1,1,1] needs 5 frames
    with pytest.raises(SpecError, match=r"sequence 1: its 4 frame\(s\) are too few .* at least 5"):
        ctc_objective(torch.zeros(4, 2, 3), y, mask)
    # zero_infinity (asked for openly): the impossible sequence adds 0
    loss = ctc_objective(torch.zeros(4, 2, 3), y, mask, zero_infinity=True)
    alone = ctc_objective(torch.zeros(4, 1, 3), y[:, :1], mask[:, :1])
    assert float(loss) == pytest.approx(float(alone) / 2)


def test_objective_is_the_mean_nll_and_takes_grid_dims():
    rng = np.random.default_rng(1)
    y, mask = _batch([[1, 2], [3], [2, 2]], T=6)
    mask[5, 1] = 0.0  # sequence 1 has 5 frames
    y_hat = torch.from_numpy(rng.normal(0, 1, size=(2, 6, 3, 4)))  # two weight settings
    loss = ctc_objective(y_hat, y, mask)
    assert loss.shape == (2,)
    for g in range(2):
        lp = torch.log_softmax(y_hat[g], -1)
        nll = [
            -ctc_lattice(
                lp[: int(mask[:, b].sum()), b], y[:, b][y[:, b] > 0].tolist()
            ).log_likelihood
            for b in range(3)
        ]
        assert float(loss[g]) == pytest.approx(np.mean(nll), rel=1e-9)


def test_label_error_rate_is_edit_distance_over_label_length():
    y, mask = _batch([[1, 2, 1], [2]], T=5)
    # sequence 0 decodes to [1, 1] (the 2 is missing: one edit), sequence 1 to [2] (right)
    frames = torch.tensor([[1, 0, 1, 1, 0], [2, 2, 0, 0, 0]]).T  # [T, B]
    y_hat = torch.nn.functional.one_hot(frames, 3).double() * 5
    assert label_error_rate(y_hat, y, mask) == pytest.approx(1 / 4)
