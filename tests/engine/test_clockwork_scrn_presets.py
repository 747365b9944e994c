"""The presets' descriptions against what the presets really are and learn. The learning
tests are slow (14-50 s (Clockwork) and 17 s (SCRN) on a shared 2-core machine with one torch
thread): they run with ``RNNVIZ_SLOW=1``."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from rnnviz.engine.presets import load_preset
from rnnviz.engine.tasks import make_task
from rnnviz.engine.trainer import Trainer

slow = pytest.mark.skipif(not os.environ.get("RNNVIZ_SLOW"), reason="RNNVIZ_SLOW=1 runs it")


def trained(preset, steps: int) -> tuple[Trainer, list]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the app's count on two cores: faster, and the numbers it shows
    try:
        trainer = Trainer.from_preset(preset)
        return trainer, [trainer.step(record=False) for _ in range(steps)]
    finally:
        torch.set_num_threads(threads)


def trainable_weights(trainer: Trainer) -> int:
    """Weights that training can move (a Clockwork RNN's masked W_hh entries stay 0)."""
    return sum(int(np.count_nonzero(p.detach().numpy())) for p in trainer.params.values())


def test_clockwork_sines_description_names_the_real_sizes():
    preset = load_preset("clockwork_sines")
    text = preset.description
    task = make_task("sine_generation", **preset.task_options)
    periods = [f"{p:.0f}" for p in task.periods]
    assert f"periods {', '.join(periods[:-1])} and {periods[-1]} steps" in text
    assert f"of {task.seq_len} steps" in text and f"{len(periods)} sines" in text
    spec = preset.model
    modules = len(spec.clock_periods)
    assert f"its {spec.hidden_size} units into {modules} modules of" in text
    assert "every 1, 2, 4, 8, 16 and 32 steps" in text and spec.clock_periods == (
        1,
        2,
        4,
        8,
        16,
        32,
    )
    assert f"has {preset.comparison().model.hidden_size} units" in text
    sizes = [trainable_weights(Trainer.from_preset(p)) for p in (preset, preset.comparison())]
    assert f"({sizes[1]} against the Clockwork's {sizes[0]} unmasked ones)" in text


def test_scrn_memory_description_names_the_real_sizes():
    preset = load_preset("scrn_memory")
    text, spec = preset.description, preset.model
    assert f"its {spec.hidden_size} sigmoid hidden units" in text and spec.activation == "sigmoid"
    alpha = spec.context_alpha
    assert f"{spec.context_size} context units s_t = {1 - alpha:.2f} B x_t + {alpha}" in text
    assert preset.comparison().model.hidden_size == spec.hidden_size
    sizes = [sum(p.numel() for p in Trainer.from_preset(p).params.values()) for p in
             (preset, preset.comparison())]  # fmt: skip
    assert f"{sizes[0]} against {sizes[1]}" in text


@pytest.mark.slow
@slow
@pytest.mark.timeout(900)
def test_clockwork_sines_beats_the_simple_rnn():
    preset = load_preset("clockwork_sines")
    clockwork, cw_records = trained(preset, 600)
    simple, rnn_records = trained(preset.comparison(), 600)
    assert cw_records[-1].metrics["nmse"] < 0.05
    assert rnn_records[-1].metrics["nmse"] > 0.9
    text = preset.description
    assert "After 600 steps" in text and "below 0.05" in text and "above 0.9" in text
    assert (trainable_weights(clockwork), trainable_weights(simple)) == (1537, 1518)


@pytest.mark.slow
@pytest.mark.timeout(900)
@slow
def test_scrn_memory_ends_below_the_simple_rnn():
    preset = load_preset("scrn_memory")
    scrn, scrn_records = trained(preset, 1200)
    simple, rnn_records = trained(preset.comparison(), 1200)
    scrn_loss = np.mean([r.loss for r in scrn_records[-50:]])
    rnn_loss = np.mean([r.loss for r in rnn_records[-50:]])
    assert scrn_loss == pytest.approx(1.72, abs=0.01)
    assert rnn_loss == pytest.approx(1.78, abs=0.01)
    assert "about 1.72 against 1.78 after 1200 steps" in preset.description
