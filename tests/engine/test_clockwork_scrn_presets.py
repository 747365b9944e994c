"""The presets learn what their descriptions say (slow: about 60 s on a 2-core machine)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from rnnviz.engine.presets import load_preset
from rnnviz.engine.trainer import Trainer

slow = pytest.mark.skipif(not os.environ.get("RNNVIZ_SLOW"), reason="RNNVIZ_SLOW=1 runs it")


def trained(preset, steps: int) -> tuple[Trainer, list]:
    trainer = Trainer.from_preset(preset)
    return trainer, [trainer.step(record=False) for _ in range(steps)]


def trainable_weights(trainer: Trainer) -> int:
    """Weights that training can move (a Clockwork RNN's masked W_hh entries stay 0)."""
    return sum(int(np.count_nonzero(p.detach().numpy())) for p in trainer.params.values())


@pytest.mark.slow
@slow
def test_clockwork_sines_beats_the_simple_rnn():
    preset = load_preset("clockwork_sines")
    clockwork, cw_records = trained(preset, 600)
    simple, rnn_records = trained(preset.comparison(), 600)
    assert cw_records[-1].metrics["nmse"] < 0.05
    assert rnn_records[-1].metrics["nmse"] > 0.9
    assert (trainable_weights(clockwork), trainable_weights(simple)) == (1537, 1518)


@pytest.mark.slow
@slow
def test_scrn_memory_ends_below_the_simple_rnn():
    preset = load_preset("scrn_memory")
    scrn, scrn_records = trained(preset, 1200)
    simple, rnn_records = trained(preset.comparison(), 1200)
    scrn_loss = np.mean([r.loss for r in scrn_records[-50:]])
    rnn_loss = np.mean([r.loss for r in rnn_records[-50:]])
    assert scrn_loss == pytest.approx(1.72, abs=0.01)
    assert rnn_loss == pytest.approx(1.78, abs=0.01)
    sizes = [sum(p.numel() for p in t.params.values()) for t in (scrn, simple)]
    assert sizes == [5739, 3883]
