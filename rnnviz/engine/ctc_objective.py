"""The CTC objective for any rnnviz model whose head emits C + 1 classes per frame (blank 0).

Targets shorter than the input travel in the ordinary ``Batch`` (tasks/base.py):

- ``y``: int64 [T, B]; sequence b's U_b labels (each in 1..C) fill ``y[:U_b, b]`` and the rest
  is 0, the blank, which is never a label, so U_b = number of nonzero entries of ``y[:, b]``;
- ``mask``: float32 [T, B], 1 on the frames the sequence has (its input length T_b = the
  column's sum; frames after T_b are padding and do not count).

The loss is the mean over the B sequences of -log p(l_b | x_b), computed by
``torch.nn.functional.ctc_loss`` (``rnnviz.engine.ctc`` holds the explicit lattice that the
tests check it against). A label needs T_b >= U_b + (adjacent repeats in l_b) frames; a
shorter input has p = 0 and an infinite loss, so it is refused with a message unless the
caller asks for ``zero_infinity`` (torch's option: such sequences then add 0 to the loss and
no gradient -- they are silently not learned, which is why it is off by default).
"""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.engine.ctc import best_path_decode
from rnnviz.engine.spec import SpecError


def label_lengths(y: torch.Tensor) -> torch.Tensor:
    """[T, B] packed labels -> [B] int64 U_b."""
    return (y > 0).sum(0)


def input_lengths(mask: torch.Tensor) -> torch.Tensor:
    """[T, B] frame mask -> [B] int64 T_b."""
    return mask.sum(0).round().long()


def frames_needed(labels) -> int:
    """The fewest frames that can carry ``labels``: U plus one blank between equal neighbours."""
    labels = [int(k) for k in labels]
    return len(labels) + sum(a == b for a, b in zip(labels, labels[1:], strict=False))


def check_long_enough(y: torch.Tensor, mask: torch.Tensor) -> None:
    """SpecError naming the first sequence whose input is too short for its labels."""
    frames = input_lengths(mask).tolist()
    y_np = y.detach().cpu().numpy()
    for b, t_b in enumerate(frames):
        labels = y_np[:, b][y_np[:, b] > 0]
        need = frames_needed(labels)
        if t_b < need:
            repeats = need - len(labels)
            raise SpecError(
                f"CTC cannot align sequence {b}: its {t_b} frame(s) are too few for its "
                f"{len(labels)} label(s) with {repeats} adjacent repeat(s), which need at least "
                f"{need} frames (one more per repeat, for the blank between the two)"
            )


def ctc_objective(
    y_hat: torch.Tensor, y: torch.Tensor, mask: torch.Tensor, zero_infinity: bool = False
) -> torch.Tensor:
    """Mean over sequences of -log p(l | x). ``y_hat``: [..., T, B, C + 1] logits (leading
    dims: several weight settings, e.g. a loss-surface grid) -> loss [...]."""
    if not zero_infinity:
        check_long_enough(y, mask)
    lead, (T, B, K) = y_hat.shape[:-3], y_hat.shape[-3:]
    n = int(np.prod(lead, dtype=np.int64))
    log_probs = torch.log_softmax(y_hat.reshape(n, T, B, K), -1)
    log_probs = log_probs.permute(1, 0, 2, 3).reshape(T, n * B, K)  # [T, n*B, K]
    targets = y.T.repeat(n, 1)  # [n*B, T], labels first then blanks (never read)
    per_sequence = torch.nn.functional.ctc_loss(
        log_probs,
        targets,
        input_lengths(mask).repeat(n),
        label_lengths(y).repeat(n),
        blank=0,
        reduction="none",
        zero_infinity=zero_infinity,
    )  # [n*B]
    return per_sequence.reshape(*lead, B).mean(-1)


def collapse_steps(frame_classes, blank: int = 0) -> tuple[list[int], list[int]]:
    """ "Merge repeats, drop blanks" in two steps: the frame labelling with each run of equal
    classes merged into one, then that without its blanks (the decoded labels)."""
    merged = [int(k) for i, k in enumerate(frame_classes) if i == 0 or k != frame_classes[i - 1]]
    return merged, [k for k in merged if k != blank]


def edit_distance(a, b) -> int:
    """Levenshtein distance (insertions, deletions, substitutions) between two sequences."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, z in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != z))
    return row[-1]


def label_error_rate(y_hat: torch.Tensor, y: torch.Tensor, mask: torch.Tensor) -> float:
    """Best-path decoding's edit distance to the labels, summed over the batch, over the
    total label length (Graves et al. 2006). ``y_hat``: [T, B, C + 1]."""
    y_np, frames = y.cpu().numpy(), input_lengths(mask).tolist()
    errors = total = 0
    for b, t_b in enumerate(frames):
        labels = y_np[:, b][y_np[:, b] > 0].tolist()
        errors += edit_distance(best_path_decode(y_hat[:t_b, b]), labels)
        total += len(labels)
    return errors / max(total, 1)
