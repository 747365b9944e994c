"""The synthetic CTC speech task: what its frames and labels hold, and that the ``ctc_speech``
and ``ctc_repeats`` presets learn what their descriptions say."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from rnnviz.engine.ctc import best_path_decode
from rnnviz.engine.ctc_objective import frames_needed
from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks import make_task
from rnnviz.engine.trainer import Trainer


def _labels(y: torch.Tensor, b: int) -> list[int]:
    return [int(k) for k in y[:, b] if k > 0]


def test_noiseless_frames_are_the_prototypes_with_one_onset_per_character():
    task = make_task("ctc_speech", seed=2, noise=0.0, silence=1.0)
    batch = task.batch(0, 16)
    F = task.features
    for b in range(16):
        labels = _labels(batch.y, b)
        assert 2 <= len(labels) <= 5 and all(1 <= k <= 5 for k in labels)
        onset = batch.x[:, b, F].numpy()
        assert onset.sum() == len(labels)
        # each onset frame is its character's prototype, in the order of the labels
        starts = np.flatnonzero(onset)
        heard = [
            int(np.argmin(((task.prototypes - batch.x[t, b, :F].numpy()) ** 2).sum(1)))
            for t in starts
        ]
        assert heard == labels
        frames = (batch.x[:, b, :F].abs().sum(1) > 0).sum()  # silence is the zero vector
        assert 2 * len(labels) <= frames <= 4 * len(labels)
        assert frames_needed(labels) <= task.seq_len
    assert torch.equal(batch.mask, torch.ones_like(batch.mask))


def test_repeats_option_makes_adjacent_repeats_and_none_without_it():
    def repeat_share(task) -> float:
        y = task.batch(0, 400).y
        pairs = [
            (a, b)
            for s in range(400)
            for a, b in zip(_labels(y, s), _labels(y, s)[1:], strict=False)
        ]
        return sum(a == b for a, b in pairs) / len(pairs)

    assert repeat_share(make_task("ctc_speech")) == 0.0
    assert repeat_share(make_task("ctc_speech", repeats=0.5)) == pytest.approx(0.5, abs=0.05)


def test_sizes_follow_the_options_and_bad_ranges_are_refused():
    task = make_task("ctc_speech", n_chars=3, max_labels=4, max_frames=6, features=5)
    assert (task.input_size, task.output_size, task.seq_len) == (6, 4, 2 + 4 * (6 + 2))
    assert task.output_labels == ["φ", "a", "b", "c"]
    with pytest.raises(SpecError, match="'min_frames' .* must not exceed 'max_frames'"):
        make_task("ctc_speech", min_frames=5, max_frames=3)


def test_view_shows_merge_repeats_then_drop_blanks():
    task = make_task("ctc_speech", seed=1)
    batch = task.eval_batch(2)
    frames = torch.tensor([0, 1, 1, 0, 2, 0, 2] + [0] * (task.seq_len - 7))
    y_hat = torch.nn.functional.one_hot(frames, task.output_size).float().numpy()
    view = task.view(batch.x[:, 0], batch.y[:, 0], y_hat, batch.mask[:, 0])
    assert "-> merge repeats φaφbφbφ -> drop blanks abb" in view.text
    assert view.predicted_tokens[:7] == ["φ", "a", "a", "φ", "b", "φ", "b"]


def _eval_ler(trainer: Trainer) -> tuple[float, int]:
    batch = trainer.task.eval_batch(256)
    with torch.no_grad():
        y_hat = trainer.model(batch.x).y
    empty = sum(best_path_decode(y_hat[:, b]) == [] for b in range(256))
    return trainer.task.metrics(y_hat, batch)["label_error_rate"], empty


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("RNNVIZ_SLOW"), reason="RNNVIZ_SLOW=1 runs it (100 s)")
def test_ctc_speech_preset_says_blanks_first_then_reaches_ler_below_10_percent():
    preset = load_preset("ctc_speech")
    text = preset.description
    assert "Early on it says φ everywhere (label error rate near 100%)" in text
    assert "within 500 steps the error rate of best-path decoding falls below 10%" in text
    assert "32 noisy acoustic frames in, 2 to 5 characters out" in text
    trainer = Trainer.from_preset(preset)
    assert trainer.task.seq_len == 32
    for _ in range(40):
        trainer.step(record=False)
    ler, empty = _eval_ler(trainer)
    assert ler > 0.95 and empty > 0.9 * 256  # blanks everywhere
    for _ in range(460):
        trainer.step(record=False)
    ler, _ = _eval_ler(trainer)
    assert ler < 0.10
    assert (
        "the blank takes the silent frames and each spoken character comes out as a short" in text
    )
    batch = trainer.task.eval_batch(256)
    with torch.no_grad():
        best = trainer.model(batch.x).y.argmax(-1)  # [T, B]
    assert float((best == 0).float().mean()) > 0.6  # about 2/3 of the frames are silent
    starts = (best != 0) & torch.cat([torch.ones_like(best[:1]), best[1:] != best[:-1]]).bool()
    mean_run = float((best != 0).sum()) / float(starts.sum())
    assert mean_run < 3.0  # characters last 2 to 4 frames


def test_ctc_repeats_preset_repeats_with_the_probability_it_claims():
    preset = load_preset("ctc_repeats")
    assert "repeats the one before with probability 0.5" in preset.description
    assert "only 30% of the time" in preset.description
    assert preset.task_options["repeats"] == 0.5 and preset.task_options["silence"] == 0.3
