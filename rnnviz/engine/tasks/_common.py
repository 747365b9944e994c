"""Shared plumbing of the built-in tasks: option handling, tensor building, text helpers."""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks.base import Batch, Task


def check_seed(seed: object) -> int:
    """A task seed: a non-negative integer (numpy's SeedSequence refuses negative ones)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SpecError(f"the task seed must be a non-negative integer, got {seed!r}")
    return int(seed)


class BuiltinTask(Task):
    """A Task whose options are validated against ``option_defaults`` on construction.

    ``self.options`` holds every option (defaults filled in); subclasses read them in
    ``configure`` and set the instance's sizes (``seq_len``, ``input_size`` ...).
    """

    def __init__(self, seed: int = 0, **options) -> None:
        resolved = self.resolve_options(options)
        super().__init__(check_seed(seed), **resolved)
        self.configure(**resolved)

    def configure(self, **options) -> None:
        """Set instance attributes from the (validated) options."""


def make_batch(x: np.ndarray, y: np.ndarray, mask: np.ndarray, classes: bool) -> Batch:
    """Batch from numpy arrays: x [T, B, I], y [T, B] (classes) or [T, B, O], mask [T, B]."""
    y_t = torch.from_numpy(np.ascontiguousarray(y, dtype=np.int64 if classes else np.float32))
    return Batch(
        x=torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)),
        y=y_t,
        mask=torch.from_numpy(np.ascontiguousarray(mask, dtype=np.float32)),
    )


def one_hot(index: np.ndarray, size: int) -> np.ndarray:
    """float32 one-hot of an integer array: [...] -> [..., size]."""
    return np.eye(size, dtype=np.float32)[index]


def last_step_mask(seq_len: int, batch_size: int) -> np.ndarray:
    """[T, B] mask with ones at the last step only (many-to-one)."""
    mask = np.zeros((seq_len, batch_size), dtype=np.float32)
    mask[-1] = 1.0
    return mask


def as_numpy(a: object) -> np.ndarray | None:
    """numpy view of an array or tensor (None stays None)."""
    if a is None:
        return None
    if isinstance(a, torch.Tensor):
        return a.detach().cpu().numpy()
    return np.asarray(a)


def rounded(value: float) -> str:
    """A number as the lecture writes it: at most two decimals, no trailing zeros (2.06e-09
    and 0.000136 are both "0", 6.9981 is "7"); three significant digits from 1000 on."""
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:.3g}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt(value: float) -> str:
    """A short number for a token: 3, -0.25, 0.417."""
    value = float(value)
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.3g}"


def class_tokens(
    labels: list[str], y: np.ndarray, y_hat: np.ndarray | None, mask: np.ndarray
) -> tuple[list[str], list[str]]:
    """Target and predicted (argmax) labels per step, '' where the mask is 0."""
    targets, predicted = [], []
    for t in range(len(mask)):
        counted = mask[t] > 0
        targets.append(labels[int(y[t])] if counted else "")
        if y_hat is None or not counted:
            predicted.append("")
        else:
            predicted.append(labels[int(np.argmax(y_hat[t]))])
    return targets, predicted


def value_tokens(
    y: np.ndarray, y_hat: np.ndarray | None, mask: np.ndarray
) -> tuple[list[str], list[str]]:
    """Target and predicted values per step (first output), '' where the mask is 0."""
    y = y.reshape(len(mask), -1)
    targets = [fmt(y[t, 0]) if mask[t] > 0 else "" for t in range(len(mask))]
    if y_hat is None:
        return targets, [""] * len(mask)
    y_hat = y_hat.reshape(len(mask), -1)
    predicted = [f"{y_hat[t, 0]:.3g}" if mask[t] > 0 else "" for t in range(len(mask))]
    return targets, predicted


def series(y: np.ndarray, y_hat: np.ndarray | None) -> dict[str, np.ndarray]:
    """Named float series over t: the target and (if given) the prediction (first output)."""
    out = {"target": np.asarray(y, dtype=np.float32).reshape(len(y), -1)[:, 0]}
    if y_hat is not None:
        out["prediction"] = np.asarray(y_hat, dtype=np.float32).reshape(len(y_hat), -1)[:, 0]
    return out
