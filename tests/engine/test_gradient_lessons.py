"""Engine-level checks of the lessons the gradient panels teach (no Qt).

- The one-neuron linear RNN (w = 1.05, T = 100): dL/dh_t grows by exactly w per step back.
- Clipping by norm: the applied gradient never exceeds the threshold; ``clipped`` says when.
- The adding problem (T = 50): after training, the tanh RNN's gradient reaching t = 1 is orders
  of magnitude weaker (relative to t = T) than the LSTM's.

``adding_pair()`` is cached so the UI tests can reuse the same two trained runs.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

from rnnviz.engine.presets import load_preset
from rnnviz.engine.spectra import decompose, spectra
from rnnviz.engine.trainer import Trainer

W = 1.05
#: small but convincing: the LSTM has learned the task by then (loss ~1e-3) and its
#: gradient reaches t = 1 (ratio ~0.1), the tanh RNN's does not (~1e-9); ~5 s on one core
ADDING_STEPS, ADDING_BATCH, ADDING_LR = 400, 16, 0.01


@lru_cache(maxsize=1)
def adding_pair():
    """The adding preset's tanh RNN and its comparison (LSTM), trained on the same batches;
    only the last step is recorded, with its spectra (as the window adds them).
    Returns ((label, trainer, record), (label, trainer, record))."""
    preset = load_preset("adding_rnn")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # two shared cores: one thread is faster and deterministic
    try:
        runs = []
        for which in (preset, preset.comparison()):
            trainer = Trainer.from_preset(which, batch_size=ADDING_BATCH, lr=ADDING_LR)
            for i in range(ADDING_STEPS):
                record = trainer.step(record=i == ADDING_STEPS - 1)
            trainer.history.add_spectra(record.step, *decompose(record.recurrent))
            runs.append((which.title, trainer, record))
    finally:
        torch.set_num_threads(threads)
    return tuple(runs)


def first_over_last(row: np.ndarray) -> float:
    return float(row[0] / row[-1])


def test_linear_rnn_gradient_grows_by_w_per_step_back():
    trainer = Trainer.from_preset(load_preset("exploding_linear"))
    record = trainer.step(record=True)
    dh = record.dh_norm["L0.fwd"]
    assert dh.shape == (100,)
    np.testing.assert_allclose(dh[:-1] / dh[1:], W, rtol=1e-5)
    np.testing.assert_allclose(first_over_last(dh), W**99, rtol=1e-4)
    # without clipping that gradient throws w far away: the run diverges on the next step
    assert not record.clipped and record.grad_norm > 1e6
    radius, sigma = spectra(record.recurrent)["L0.fwd W_hh"]
    assert math.isclose(radius, abs(record.recurrent["L0.fwd W_hh"][0, 0]), rel_tol=1e-9)
    assert math.isclose(sigma, radius, rel_tol=1e-9)
    assert trainer.step(record=False).diverged is not None


def test_clipping_by_norm_bounds_the_applied_gradient():
    trainer = Trainer.from_preset(load_preset("exploding_linear_clipped"))
    threshold = trainer.config.clip_threshold
    records = [trainer.step(record=False) for _ in range(30)]
    for r in records:
        assert r.grad_norm_clipped <= threshold * (1 + 1e-9)
        assert r.clipped == (r.grad_norm > threshold)
        if not r.clipped:
            assert r.grad_norm_clipped == r.grad_norm
    clipped = sum(r.clipped for r in records)
    assert 0 < clipped < len(records)  # w = 1.05 is walked down to 1: one step needs no clip
    assert trainer.history.series("clipped").sum() == clipped
    assert records[-1].loss < 1e-2 * records[0].loss


def test_adding_problem_tanh_rnn_vanishes_lstm_does_not():
    (_, _, rnn), (lstm_label, _, lstm) = adding_pair()
    assert lstm_label == "LSTM"
    rnn_ratio = first_over_last(rnn.dh_norm["L0.fwd"])
    lstm_ratio = first_over_last(lstm.dh_norm["L0.fwd"])
    print(f"||dL/dh_1|| / ||dL/dh_T||: tanh RNN {rnn_ratio:.3g}, LSTM {lstm_ratio:.3g}")
    assert lstm_ratio > 1e3 * rnn_ratio  # "orders of magnitude" (measured ~1e8)
    assert rnn_ratio < 1e-4  # vanished over 49 steps back
    assert lstm.loss < rnn.loss  # and the LSTM, whose gradient reaches t = 1, learns
