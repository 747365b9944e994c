"""The encoder's last state as the code of a whole sequence (the seq2seq autoencoder's "meaning
of the sequence"), projected on its first two principal components for a scatter plot.

For N sources (``per_length`` of each source length the task makes) the codes are the
decoder's start states s_0 [N, S] (the hidden state h; an LSTM's memory cells are not in it);
with C = codes - mean, C = U Sigma V^T, the points are C V[:, :2] [N, 2] and ``explained``
Sigma_k^2 / sum Sigma^2 for k = 1, 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class SequenceCodes:
    """``points`` [N, 2] (PC1, PC2); ``colour`` [N] the property named ``colour_name`` of each
    sequence; ``sources`` the N sources as text; ``explained`` the two components' shares of
    the variance; ``step`` the training step of the weights."""

    points: np.ndarray
    colour: np.ndarray
    colour_name: str
    sources: list[str]
    explained: tuple[float, float]
    step: int


def sequence_codes(trainer, per_length: int = 40, seed: int = 7) -> SequenceCodes:
    """The codes of fresh sources of every length under the trainer's current weights."""
    task, model = trainer.task, trainer.model
    rng = np.random.default_rng([task.seed, seed])
    codes, colour, sources = [], [], []
    with torch.no_grad():
        for length in task.source_lengths():
            pairs = task.length_pairs(rng, per_length, length)
            _, (s0, _), _, _ = model.encode(task.pairs_batch(pairs).x)  # s0 [B, S]
            codes.append(s0.double().cpu().numpy())
            colour += [task.code_property(source) for source, _ in pairs]
            sources += [task.join(source) for source, _ in pairs]
    centred = np.concatenate(codes) - np.concatenate(codes).mean(0)  # [N, S]
    _, sigma, vt = np.linalg.svd(centred, full_matrices=False)
    variance = np.square(sigma)
    shares = variance / max(float(variance.sum()), 1e-300)
    top = vt[:2].T if vt.shape[0] >= 2 else np.eye(centred.shape[1], 2)
    return SequenceCodes(
        points=centred @ top,  # [N, 2]
        colour=np.asarray(colour, dtype=float),
        colour_name=task.code_property_name,
        sources=sources,
        explained=(float(shares[0]), float(shares[1]) if shares.size > 1 else 0.0),
        step=int(trainer.step_count),
    )
