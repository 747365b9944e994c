"""A recorded step of an encoder-decoder against decodings written out here: greedy decoding
rebuilt from teacher forcing on a growing prefix (its own argmax fed back), with a copy of
the weights the step started from; the record's sample decoding, both attention matrices and
the greedy metrics all describe those weights, like the step's loss."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from rnnviz.engine.models.seq2seq import EOS
from rnnviz.engine.presets import load_preset
from rnnviz.engine.tasks.base import Batch
from rnnviz.engine.trainer import Trainer


def prefix_greedy(model, x: torch.Tensor, cap: int) -> tuple[list[int], np.ndarray]:
    """Greedy decoding of one source x [T_in, 1, I] by teacher forcing: at step j the
    decoder is fed <bos> and the tokens chosen so far, and the argmax of its last output is
    the next token; stops after <eos> or at ``cap``. Returns the tokens and the attention
    [len(tokens), T_in] of teacher forcing on them."""
    tokens: list[int] = []
    with torch.no_grad():
        while len(tokens) < cap and (not tokens or tokens[-1] != EOS):
            y = torch.tensor([*tokens, EOS])[:, None]  # the last entry is never fed
            out = model.forward_batch(Batch(x, y, torch.ones(len(y), 1)))
            tokens.append(int(out.y[-1, 0].argmax()))
        y = torch.tensor(tokens)[:, None]
        alpha = model.forward_batch(Batch(x, y, torch.ones(len(y), 1))).attention
    return tokens, (alpha[:, 0].numpy() if alpha is not None else None)


def reference_metrics(model, task, batch: Batch) -> dict[str, float]:
    """Token and exact-sequence accuracy of ``prefix_greedy`` against the targets."""
    right = counted = exact = 0
    for b in range(batch.x.shape[1]):
        length = int(batch.mask[:, b].sum())  # target tokens with <eos>
        target = batch.y[:length, b].tolist()
        decoded, _ = prefix_greedy(model, batch.x[:, b : b + 1], task.max_output_len)
        hits = [j < len(decoded) and decoded[j] == target[j] for j in range(length)]
        right, counted, exact = right + sum(hits), counted + length, exact + all(hits)
    return {"token_accuracy": right / counted, "sequence_accuracy": exact / batch.x.shape[1]}


@pytest.mark.parametrize("preset", ["reverse_attention", "reverse_no_attention"])
def test_a_record_decodes_with_the_weights_its_step_started_from(preset):
    # a large learning rate: one update changes many decodings, so the weights matter
    trainer = Trainer.from_preset(load_preset(preset), batch_size=16, lr=0.05)
    for _ in range(30):
        trainer.step(record=False)
    before = copy.deepcopy(trainer.model)
    batch = trainer.task.batch(trainer.step_count, 16)  # what the next step trains on
    rec = trainer.step(record=True)
    sample, shown = rec.sample, trainer.display_batch
    tokens, alpha = prefix_greedy(before, shown.x, trainer.task.max_output_len)
    assert sample.predicted_tokens == trainer.task.tokens_of(tokens)
    expected = reference_metrics(before, trainer.task, batch)
    assert rec.metrics["token_accuracy"] == pytest.approx(expected["token_accuracy"])
    assert rec.metrics["sequence_accuracy"] == pytest.approx(expected["sequence_accuracy"])
    if alpha is None:
        assert sample.attention == {}
        return
    np.testing.assert_allclose(sample.attention["greedy"], alpha, atol=1e-6)
    with torch.no_grad():
        teacher = before.forward_batch(shown).attention[:, 0].numpy()
    np.testing.assert_allclose(sample.attention["teacher"], teacher, atol=1e-6)
    # and after the update the decodings are not all the same (the test could tell)
    assert reference_metrics(trainer.model, trainer.task, batch) != expected
