"""Greedy decoding, the padded loss, the seq2seq tasks, the trainer's records and bad input."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from rnnviz.engine import plain
from rnnviz.engine.models import build_model
from rnnviz.engine.models.seq2seq import EOS
from rnnviz.engine.presets import load_preset
from rnnviz.engine.seq2seq_decoding import emitted, greedy_metrics, translate
from rnnviz.engine.spec import ModelSpec, SpecError
from rnnviz.engine.tasks import make_task
from rnnviz.engine.tasks.base import Batch
from rnnviz.engine.tasks.dates import MONTHS
from rnnviz.engine.train_config import TrainConfig
from rnnviz.engine.trainer import Trainer


def reverse_model(attention: str = "additive", seed: int = 0):
    task = make_task("reverse", n_symbols=4, min_len=2, max_len=5)
    spec = ModelSpec(
        kind="gru",
        hidden_size=8,
        input_size=task.input_size,
        output_size=task.output_size,
        seq2seq=True,
        attention=attention,
    )
    return build_model(spec, seed=seed), task


def force_output(model, favoured: torch.Tensor) -> None:
    """Make every decoding step's argmax depend only on the head's bias."""
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.copy_(favoured)


def test_greedy_decoding_stops_at_eos():
    model, task = reverse_model()
    force_output(model, torch.tensor([5.0, 0, 0, 0, 0]))  # <eos> first
    out = model.greedy(task.source_batch("abca").x, cap=9)
    assert out.tokens.tolist() == [[EOS]]
    assert translate(model, task, "abca") == ["<eos>"]


def test_greedy_decoding_never_runs_past_the_cap():
    model, task = reverse_model()
    force_output(model, torch.tensor([0.0, 5, 0, 0, 0]))  # never <eos>
    for cap in (1, 3, 7):
        assert model.greedy(task.source_batch("ab").x, cap=cap).tokens.shape == (cap, 1)
    assert translate(model, task, "ab") == ["a"] * task.max_output_len
    with pytest.raises(ValueError, match="at least 1"):
        model.greedy(task.source_batch("ab").x, cap=0)


def test_nothing_counts_as_emitted_after_a_sequences_eos():
    tokens = torch.tensor([[1, 2], [0, 3], [3, 0], [4, 1]])  # [T_dec, B]
    assert emitted(tokens, 5).tolist() == [[1, 2], [0, 3], [-1, 0], [-1, -1], [-1, -1]]


def test_the_loss_ignores_padding_after_eos():
    """Two targets of different lengths: the padded loss is the mean of the counted tokens'
    cross-entropies written out here, whatever the padding holds."""
    model, task = reverse_model()
    x = F.one_hot(torch.tensor([[0, 1], [2, 3], [1, 1]]), 4).float()  # [T_in 3, B 2]
    y = torch.tensor([[1, 2], [EOS, 3], [0, EOS]])  # sequence 0 ends after one token
    mask = torch.tensor([[1.0, 1], [1, 1], [0, 1]])
    with torch.no_grad():
        loss = task.loss(model.forward_batch(Batch(x, y, mask)).y, Batch(x, y, mask))
        other = y.clone()
        other[2, 0] = 3  # different padding
        loss_other = task.loss(model.forward_batch(Batch(x, other, mask)).y, Batch(x, other, mask))
        terms = []
        for b, length in ((0, 2), (1, 3)):
            one = Batch(x[:, b : b + 1], y[:length, b : b + 1], mask[:length, b : b + 1])
            logp = torch.log_softmax(model.forward_batch(one).y[:, 0], -1)
            terms += [-float(logp[j, y[j, b]]) for j in range(length)]
    assert float(loss) == pytest.approx(np.mean(terms), rel=1e-6)
    assert float(loss_other) == pytest.approx(float(loss), rel=1e-7)


def test_greedy_metrics_count_tokens_and_whole_sequences():
    model, task = reverse_model()
    batch = task.pairs_batch([(list("ab"), list("ba")), (list("cd"), list("dc"))])
    force_output(model, torch.tensor([0.0, 0, 5, 0, 0]))  # always "b"
    # decoded "bbb" against "ba<eos>" and "dc<eos>": 1 of 6 tokens right, no sequence
    assert greedy_metrics(model, task, batch) == {
        "token_accuracy": pytest.approx(1 / 6),
        "sequence_accuracy": 0.0,
    }


def test_tasks_make_the_pairs_they_describe():
    rev = make_task("reverse", seed=3, n_symbols=5, min_len=2, max_len=6)
    batch = rev.batch(0, 16)
    sources = batch.x.argmax(-1).numpy()  # [T_in, B]
    for b in range(16):
        target = batch.y[: int(batch.mask[:, b].sum()), b].tolist()
        assert target == [*(sources[::-1, b] + 1).tolist(), EOS]
    auto = make_task("seq2seq_autoencoder", seed=3)
    batch = auto.batch(1, 4)
    assert batch.y[:-1].tolist() == (batch.x.argmax(-1) + 1).tolist()
    dates = make_task("dates", seed=1)
    batch = dates.batch(5, 8)
    view = dates.view(batch.x[:, 0], batch.y[:, 0], None, batch.mask[:, 0])
    day, month, year = "".join(view.input_tokens).split()
    assert view.target_tokens == [*f"{year}-{dates_month(month):02d}-{int(day):02d}", "<eos>"]
    assert torch.equal(dates.batch(5, 8).x, batch.x)  # seeded


def dates_month(name: str) -> int:
    return MONTHS.index(name) + 1


def test_bad_sources_get_one_clear_sentence():
    model, task = reverse_model()
    with pytest.raises(SpecError, match="at least one token"):
        translate(model, task, "")
    with pytest.raises(SpecError, match="has 6 tokens; .* at most 5"):
        translate(model, task, "abcdab")
    with pytest.raises(SpecError, match="unknown token 'z'"):
        translate(model, task, "abz")


def test_bad_settings_get_one_clear_sentence():
    with pytest.raises(SpecError, match="attention needs an encoder-decoder"):
        ModelSpec(attention="dot")
    with pytest.raises(SpecError, match="plain elman, gru or lstm"):
        ModelSpec(kind="jordan", seq2seq=True)
    with pytest.raises(SpecError, match="one layer"):
        ModelSpec(seq2seq=True, num_layers=2)
    config = TrainConfig()
    with pytest.raises(SpecError, match="needs an encoder-decoder"):
        Trainer(ModelSpec(kind="gru"), make_task("reverse"), config)
    with pytest.raises(SpecError, match="needs a sequence-to-sequence task"):
        Trainer(ModelSpec(seq2seq=True), make_task("copy"), config)
    with pytest.raises(SpecError, match="truncated BPTT"):
        Trainer(ModelSpec(seq2seq=True), make_task("reverse"), TrainConfig(bptt=3))


@pytest.mark.parametrize("kind", ["lstm", "elman"])
def test_a_recorded_step_carries_both_halves_and_the_attention(kind):
    task = make_task("reverse", n_symbols=4, min_len=3, max_len=6)
    spec = ModelSpec(kind=kind, hidden_size=6, seq2seq=True, attention="dot", bidirectional=True)
    trainer = Trainer(spec, task, TrainConfig(batch_size=8))
    rec = trainer.step(record=True)
    sample = rec.sample
    T_in, T_out = sample.x.shape[0], sample.y.shape[0]
    assert set(sample.trace) == {"enc.fwd", "enc.bwd", "dec.fwd"}
    assert sample.trace["enc.bwd"]["h"].shape == (T_in, 6)
    assert sample.trace["dec.fwd"]["h"].shape == (T_out, 12)
    assert sample.attention["teacher"].shape == (T_out, T_in)
    assert sample.attention["greedy"].shape == (len(sample.predicted_tokens), T_in)
    assert np.allclose(sample.attention["greedy"].sum(1), 1.0, atol=1e-6)
    assert 1 <= len(sample.predicted_tokens) <= task.max_output_len
    assert set(rec.metrics) == {"token_accuracy", "sequence_accuracy"}
    assert rec.dh_norm["dec.fwd"].shape == (T_out,)
    assert any(name.startswith("dec.fwd W_hh") for name in rec.recurrent)
    arrays: dict = {}
    again = plain.decode(plain.encode(rec, arrays, "r"), arrays)  # a session file keeps it
    assert again.sample.predicted_tokens == sample.predicted_tokens
    assert np.array_equal(again.sample.attention["teacher"], sample.attention["teacher"])


SLOW = pytest.mark.skipif(not os.environ.get("RNNVIZ_SLOW"), reason="RNNVIZ_SLOW=1 runs it")
REVERSE_STEPS = 2000


def trained(name: str, steps: int):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # two shared cores: one thread is faster
    try:
        trainer = Trainer.from_preset(load_preset(name))
        for _ in range(steps):
            trainer.step(record=False)
    finally:
        torch.set_num_threads(threads)
    return trainer


def length_report(trainer) -> tuple[dict[int, float], float]:
    """Exact-sequence accuracy of greedy decoding per source length (200 fresh sources
    each), and the share of target tokens whose attention row peaks on the anti-diagonal."""
    task, model = trainer.task, trainer.model
    rng = np.random.default_rng(12345)
    exact, on, total = {}, 0, 0
    for length in range(task.min_len, task.max_len + 1):
        batch = task.pairs_batch(task.length_pairs(rng, 200, length))
        exact[length] = greedy_metrics(model, task, batch)["sequence_accuracy"]
        with torch.no_grad():
            alpha = model.forward_batch(batch).attention
        if alpha is not None:
            peak = alpha[:length].argmax(-1)  # [L, B]: output j -> the input it reads most
            on += int((peak == torch.arange(length - 1, -1, -1)[:, None]).sum())
            total += peak.numel()
    return exact, (on / total if total else 0.0)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@SLOW
def test_reverse_attention_learns_and_its_attention_is_the_anti_diagonal():
    started = time.perf_counter()
    with_attention, diagonal = length_report(trained("reverse_attention", REVERSE_STEPS))
    without, _ = length_report(trained("reverse_no_attention", REVERSE_STEPS))
    print(f"{time.perf_counter() - started:.0f} s", with_attention, diagonal, without)
    # the numbers both presets' descriptions claim
    assert np.mean(list(with_attention.values())) >= 0.99
    assert diagonal >= 0.95
    shortest, longest = min(without), max(without)
    assert (shortest, longest) == (3, 10)
    assert without[shortest] >= 0.95 and without[longest] < 0.2
    assert with_attention[longest] >= 0.99


@pytest.mark.slow
@pytest.mark.timeout(1800)
@SLOW
def test_date_attention_learns_and_reads_each_field_where_it_is():
    """The numbers date_attention's description claims, on 300 fresh dates per length."""
    trainer = trained("date_attention", 1000)
    task, model = trainer.task, trainer.model
    rng = np.random.default_rng(5)
    for length in task.source_lengths():  # "3 Feb 2019" (10) or "13 Feb 2019" (11)
        batch = task.pairs_batch(task.length_pairs(rng, 300, length))
        assert greedy_metrics(model, task, batch)["sequence_accuracy"] >= 0.99
        with torch.no_grad():
            peak = model.forward_batch(batch).attention.argmax(-1).numpy()  # [T_out, B]
        year = np.arange(length - 4, length)  # input positions of the year's digits
        for j in range(4):  # output "YYYY-MM-DD": digit j of the year reads digit j
            assert (peak[j] == year[j]).mean() >= 0.95
        month = np.arange(length - 8, length - 5)
        day = np.arange(0, length - 9)
        assert np.isin(peak[[5, 6]], month).mean() >= 0.7
        assert np.isin(peak[[8, 9]], day).mean() >= 0.7


def test_a_restored_encoder_decoder_continues_exactly():
    preset = load_preset("date_attention")
    straight = Trainer.from_preset(preset, batch_size=8)
    losses = [straight.step(record=False).loss for _ in range(4)]
    first = Trainer.from_preset(preset, batch_size=8)
    for _ in range(2):
        first.step(record=False)
    resumed = Trainer.from_preset(preset, batch_size=8)
    resumed.restore(first.state())
    assert [resumed.step(record=False).loss for _ in range(2)] == losses[2:]
