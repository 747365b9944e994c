"""Bracket sequences and trees, the parse_tiny task and its metrics, and (slow) the preset's
claim: well-formed and exact trees after training."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from rnnviz.engine.parse_tree import layout, parse_brackets, problem, well_formed
from rnnviz.engine.presets import load_preset
from rnnviz.engine.seq2seq_decoding import greedy_metrics
from rnnviz.engine.tasks import make_task
from rnnviz.engine.tasks.parse_tiny import LEXICON
from rnnviz.engine.trainer import Trainer

EXAMPLE = "(S (NP Det N )NP (VP V (NP Det N )NP )VP )S".split()


def test_the_issue_example_is_one_tree_and_back():
    tree = parse_brackets(EXAMPLE)
    assert tree.label == "S" and [c.label for c in tree.children] == ["NP", "VP"]
    assert tree.leaves() == ["Det", "N", "V", "Det", "N"]
    assert tree.linearise() == EXAMPLE


@pytest.mark.parametrize(
    ("tokens", "where", "says"),
    [
        ("", 0, "empty"),
        ("Det (S N )S", 0, "must open with a bracket"),
        ("(S (NP Det N )VP )S", 4, "')VP' closes (NP"),
        ("(S (NP Det N )NP", 5, "(S is never closed"),
        ("(S (NP )NP )S", 2, "(NP has no children"),
        ("(S V )S N", 3, "follows the end of the tree"),
    ],
)
def test_malformed_sequences_say_where_and_why(tokens, where, says):
    tokens = tokens.split()
    assert not well_formed(tokens)
    index, sentence = problem(tokens)
    assert index == where and says in sentence
    with pytest.raises(ValueError, match="not a well-formed tree"):
        parse_brackets(tokens)


def test_layout_puts_leaves_in_order_and_parents_over_their_children():
    nodes = layout(parse_brackets(EXAMPLE))
    leaves = [n for n in nodes if n.leaf]
    assert [n.label for n in leaves] == ["Det", "N", "V", "Det", "N"]
    assert [n.x for n in leaves] == [0, 1, 2, 3, 4]
    root, np1 = nodes[0], nodes[1]
    assert (root.label, root.depth, root.parent) == ("S", 0, -1)
    assert np1.label == "NP" and np1.x == 0.5 and np1.depth == 1 and np1.parent == 0
    vp = next(n for n in nodes if n.label == "VP")
    assert vp.x == pytest.approx((2 + 3.5) / 2)  # over V (2) and the NP over 3, 4


def test_targets_are_well_formed_trees_over_the_words_tags():
    task = make_task("parse_tiny")
    for step in range(6):
        batch = task.batch(step, 8)
        for b in range(8):
            words = [task.input_vocab[int(i)] for i in batch.x[:, b].argmax(-1)]
            target = task.tokens_of(batch.y[:, b])
            assert target[-1] == "<eos>" and well_formed(target[:-1])
            tags = parse_brackets(target[:-1]).leaves()
            assert [w in LEXICON[t] for w, t in zip(words, tags, strict=True)] == [True] * len(
                words
            )


def test_decoded_metrics_by_hand():
    task = make_task("parse_tiny")
    batch = task.pairs_batch(task.length_pairs(np.random.default_rng(0), 3, 5))
    ids = {label: i for i, label in enumerate(task.output_labels)}
    right = [ids[t] for t in task.tokens_of(batch.y[:, 0])]
    other_tree = [ids[t] for t in "(S (NP Det N )NP (VP V )VP )S <eos>".split()]
    broken = [ids[t] for t in "(S (NP Det N )VP <eos>".split()]
    T = max(map(len, (right, other_tree, broken)))
    decoded = torch.zeros(T, 3, dtype=torch.long)
    for b, seq in enumerate((right, other_tree, broken)):
        decoded[: len(seq), b] = torch.tensor(seq)
    metrics = task.decoded_metrics(decoded, batch)
    assert metrics == {"well_formed": pytest.approx(2 / 3), "exact_tree": pytest.approx(1 / 3)}


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("RNNVIZ_SLOW"), reason="RNNVIZ_SLOW=1 runs it (50 s)")
@pytest.mark.timeout(1800)
def test_parse_seq2seq_learns_to_write_trees():
    """The preset's claim, measured on 40 fresh sentences of every length 3..11."""
    trainer = Trainer.from_preset(load_preset("parse_seq2seq"))
    task = trainer.task
    for _ in range(STEPS):
        trainer.step(record=False)
    rng = np.random.default_rng(123)
    well, exact = [], []
    for length in task.source_lengths():
        batch = task.pairs_batch(task.length_pairs(rng, 40, length))
        with torch.no_grad():
            metrics = greedy_metrics(trainer.model, task, batch)
        well.append(metrics["well_formed"])
        exact.append(metrics["exact_tree"])
    print(f"after {STEPS} steps: well formed {np.mean(well):.3f}, exact {np.mean(exact):.3f}")
    assert np.mean(well) >= 0.9 and np.mean(exact) >= 0.7


STEPS = 500  # the preset description: "within 500 steps"
