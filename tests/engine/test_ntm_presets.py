"""The NTM presets' descriptions against what they are and what they learn.

The learning tests train an NTM for 1500-2000 steps (several minutes on a shared 2-core
machine with one torch thread): run them with ``RNNVIZ_SLOW=1``."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from rnnviz.engine.presets import load_preset
from rnnviz.engine.tasks.copy_ntm import bit_errors, copy_batch
from rnnviz.engine.trainer import Trainer

slow = pytest.mark.skipif(not os.environ.get("RNNVIZ_SLOW"), reason="RNNVIZ_SLOW=1 runs it")


def trained(preset, steps: int) -> Trainer:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the app's count on two cores
    try:
        trainer = Trainer.from_preset(preset)
        for _ in range(steps):
            trainer.step(record=False)
        return trainer
    finally:
        torch.set_num_threads(threads)


def bit_error_rate(trainer: Trainer, batch) -> float:
    with torch.no_grad():
        y_hat = trainer.model(batch.x).y
    return float(bit_errors(y_hat, batch).sum()) / float(batch.mask.sum() * batch.y.shape[-1])


def weights_of(trainer: Trainer) -> int:
    return sum(p.numel() for p in trainer.params.values())


@pytest.mark.parametrize("name", ["ntm_copy", "ntm_copy_long"])
def test_descriptions_name_the_real_sizes(name):
    preset = load_preset(name)
    text, spec = preset.description, preset.model
    assert spec.kind == "ntm" and preset.comparison().model.kind == "lstm"
    assert (
        f"{spec.hidden_size}" in text
        and f"{spec.memory_slots} memory slots" in text
        or (f"memory of {spec.memory_slots} slots of {spec.memory_width}" in text)
    )
    assert f"an LSTM of {preset.comparison().model.hidden_size} units" in text or (
        f"a plain LSTM of {preset.comparison().model.hidden_size} units" in text
    )
    assert preset.task["max_length"] == 8 and "1 to 8 random 8-bit vectors" in text
    if name == "ntm_copy":
        sizes = [weights_of(Trainer.from_preset(p)) for p in (preset, preset.comparison())]
        assert f"({sizes[0]} against {sizes[1]})" in text
        assert abs(sizes[0] - sizes[1]) < 0.02 * sizes[0]  # "about as many weights"
    else:
        assert preset.task["test_length"] == 16 and "the displayed sequences have 16" in text


def input_phase_moves_monotonically(write_weights: np.ndarray, n: int) -> bool:
    """Whether the write weighting's peak moves one way over the n input steps ([T, N]): each
    step it stays or moves one slot on (circularly, all the same way), and it moves on at
    least n / 2 of them."""
    peaks = write_weights[:n].argmax(-1)
    N = write_weights.shape[-1]
    steps = np.diff(peaks) % N
    forward = set(steps.tolist()) <= {0, 1}
    backward = set(steps.tolist()) <= {0, N - 1}
    return (forward or backward) and int((steps != 0).sum()) >= n / 2


@pytest.mark.slow
@slow
def test_ntm_copy_beats_the_lstm_within_1500_steps_and_writes_and_reads_slot_after_slot():
    preset = load_preset("ntm_copy")
    assert "Within 1500 steps the NTM gets fewer than 1% of the bits" in preset.description
    assert "while the LSTM still gets more than 10% wrong" in preset.description
    assert "one slot per input vector" in preset.description
    assert "the read weighting starts at the first slot written" in preset.description
    batch = copy_batch(np.random.default_rng(8), np.full(200, 8), 8)
    ntm = trained(preset, 1500)
    assert bit_error_rate(ntm, batch) < 0.01
    lstm = trained(preset.comparison(), 1500)
    assert bit_error_rate(lstm, batch) > 0.10
    with torch.no_grad():
        writes = ntm.model(batch.x).trace["ntm"]["write_weights"][:, :, 0].numpy()  # [T, B, N]
        reads = ntm.model(batch.x).trace["ntm"]["read_weights"][:, :, 0].numpy()
    moving = [input_phase_moves_monotonically(writes[:, b], 8) for b in range(200)]
    assert np.mean(moving) > 0.9
    # the copy (steps 10..17) reads from the first written slot on, one slot further each step
    follows = [
        reads[9, b].argmax() == writes[0, b].argmax()
        and set((np.diff(reads[9:17, b].argmax(-1)) % 32).tolist()) == {1}
        for b in range(200)
    ]
    assert np.mean(follows) > 0.9


@pytest.mark.slow
@slow
def test_ntm_copy_long_generalises_to_16_vectors_and_the_lstm_does_not():
    preset = load_preset("ntm_copy_long")
    assert "after 2000 steps it gets about 3% of the bits" in preset.description
    assert "the LSTM, which learned the lengths it saw, gets more than a third wrong" in (
        preset.description
    )
    ntm = trained(preset, 2000)
    shown = ntm.task.eval_batch()  # the displayed sequences: 16 vectors each
    assert int(shown.mask[:, 0].sum()) == 16
    assert 0.02 < bit_error_rate(ntm, shown) < 0.04
    lstm = trained(preset.comparison(), 2000)
    assert bit_error_rate(lstm, shown) > 1 / 3
