"""What every task provides: seeded batches, a loss, metrics and a readable view of a sample.

Shapes: T time steps, B sequences, I input features, O outputs.
- ``Batch.x``: float32 [T, B, I].
- ``Batch.y``: targets. Classification (``loss_kind == "ce"``): int64 [T, B] class indices;
  regression (``"mse"``): float32 [T, B, O].
- ``Batch.mask``: float32 [T, B], 1 where a target counts. A many-to-one task has ones only
  at the last step; a CTC-style or delayed task has ones where an output is due.
- CTC (``loss_kind == "ctc"``, targets shorter than the input): ``y`` int64 [T, B] holds
  sequence b's U_b labels (1..C) in its first U_b rows, then 0 (the blank, never a label);
  ``mask`` marks the frames the sequence has. Such a task overrides ``loss`` and ``metrics``
  (``rnnviz/engine/ctc_objective.py``).

The loss is the mean, over the counted (t, b) pairs, of the per-step loss:

    L = (1 / sum_{t,b} m_tb) * sum_{t,b} m_tb * l(y_hat_tb, y_tb)

with l the cross-entropy of softmax(y_hat_tb) (``ce``) or the squared error summed over
the O outputs (``mse``) -- i.e. the lecture's sum of per-step losses, scaled by a constant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import torch

from rnnviz.engine.spec import SpecError


@dataclass(frozen=True)
class Batch:
    x: torch.Tensor  # [T, B, I] float32
    y: torch.Tensor  # [T, B] int64 (ce) or [T, B, O] float32 (mse)
    mask: torch.Tensor  # [T, B] float32

    @property
    def seq_len(self) -> int:
        return self.x.shape[0]

    @property
    def batch_size(self) -> int:
        return self.x.shape[1]

    def select(self, index: int) -> Batch:
        """The single sequence ``index`` as a batch of one (for the displayed sample)."""
        sl = slice(index, index + 1)
        return Batch(self.x[:, sl], self.y[:, sl], self.mask[:, sl])


@dataclass(frozen=True)
class SampleView:
    """A sample as text, for the predictions panel and the CLI.

    ``input_tokens``: one string per time step (a word, a character, or a number).
    ``target_tokens`` / ``predicted_tokens``: one string per time step ('' where no target).
    ``series``: for numeric tasks, named float arrays over t (e.g. "target", "prediction").
    ``text``: a one-paragraph human reading of the sample (e.g. generated text).
    """

    input_tokens: list[str]
    target_tokens: list[str]
    predicted_tokens: list[str]
    series: dict[str, np.ndarray] = field(default_factory=dict)
    text: str = ""


class Task:
    """Base class. Subclasses set the class attributes and implement ``make_batch``."""

    name: str = "task"
    title: str = "Task"
    loss_kind: str = "mse"  # "ce" or "mse"
    input_size: int = 1
    output_size: int = 1
    seq_len: int = 10
    #: input vocabulary (one-hot tasks) and output labels (classification tasks), or None
    input_vocab: list[str] | None = None
    output_labels: list[str] | None = None
    #: "many_to_many", "many_to_one" or "one_to_many" (what the drawing should emphasise)
    io_kind: str = "many_to_many"
    #: sequences shorter than ``seq_len`` are padded at the end, where the mask is 0 (the
    #: panels draw a sample only up to its last counted step)
    pads_at_end: ClassVar[bool] = False
    #: the options the task takes, with their defaults (the UI and CLI show and validate them;
    #: the type of a default is the type of the option: bool, int, float or str)
    option_defaults: ClassVar[dict[str, object]] = {}
    #: inclusive (low, high) bounds of numeric options; None where unbounded
    option_bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {}
    #: one short phrase per option, for tooltips and ``--help``
    option_help: ClassVar[dict[str, str]] = {}

    @classmethod
    def resolve_options(cls, options: dict[str, object]) -> dict[str, object]:
        """All options of this task (defaults filled in), each converted to its default's type
        and checked against ``option_bounds``. Unknown or invalid options raise SpecError.

        Strings are parsed (``"10"`` -> 10, ``"true"`` -> True) so a CLI or a text field can pass
        what the user typed; a float with an integral value is accepted for an int option.
        """
        resolved = dict(cls.option_defaults)
        for key, value in options.items():
            if key not in cls.option_defaults:
                if not cls.option_defaults:
                    raise SpecError(f"task {cls.name!r} takes no options (got {key!r})")
                known = ", ".join(cls.option_defaults)
                raise SpecError(
                    f"unknown option {key!r} for task {cls.name!r}; its options are: {known}"
                )
            resolved[key] = _coerce_option(cls.name, key, value, cls.option_defaults[key])
            low, high = cls.option_bounds.get(key, (None, None))
            if low is not None and resolved[key] < low:
                raise SpecError(
                    f"option {key!r} of task {cls.name!r} must be at least {low}, got {value!r}"
                )
            if high is not None and resolved[key] > high:
                raise SpecError(
                    f"option {key!r} of task {cls.name!r} must be at most {high}, got {value!r}"
                )
        return resolved

    def __init__(self, seed: int = 0, **options) -> None:
        self.seed = seed
        self.options = options

    # -- data ------------------------------------------------------------------------------
    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        raise NotImplementedError

    def batch(self, step: int, batch_size: int) -> Batch:
        """The training batch of ``step``: a pure function of (seed, step, batch_size)."""
        return self.make_batch(np.random.default_rng([self.seed, step]), batch_size)

    def eval_batch(self, batch_size: int = 64) -> Batch:
        """A fixed evaluation batch (independent of training steps)."""
        return self.make_batch(np.random.default_rng([self.seed, 2**31 - 1]), batch_size)

    # -- loss and metrics ----------------------------------------------------------------
    def loss(self, y_hat: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Masked mean of per-step losses. y_hat: [..., T, B, O] -> loss [...] (a scalar for
        one model; one value per grid point when leading dims batch several weight settings)."""
        mask = batch.mask  # [T, B]
        if self.loss_kind == "ce":
            logp = torch.log_softmax(y_hat, dim=-1)
            index = batch.y.expand(*y_hat.shape[:-1]).unsqueeze(-1)  # [..., T, B, 1]
            per_step = -logp.gather(-1, index).squeeze(-1)  # [..., T, B]
        else:
            per_step = ((y_hat - batch.y) ** 2).sum(-1)  # [..., T, B]
        return (per_step * mask).sum((-2, -1)) / mask.sum().clamp_min(1.0)

    def metrics(self, y_hat: torch.Tensor, batch: Batch) -> dict[str, float]:
        """Task metrics beyond the loss (accuracy for ce by default)."""
        if self.loss_kind != "ce":
            return {}
        correct = (y_hat.argmax(-1) == batch.y).float()
        acc = (correct * batch.mask).sum() / batch.mask.sum().clamp_min(1.0)
        return {"accuracy": float(acc)}

    # -- presentation ----------------------------------------------------------------------
    def view(self, x: np.ndarray, y: np.ndarray, y_hat: np.ndarray, mask: np.ndarray) -> SampleView:
        """Read one sequence as text. x [T, I], y [T] or [T, O], y_hat [T, O], mask [T]."""
        raise NotImplementedError

    def describe(self) -> str:
        return self.title


_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def _coerce_option(task: str, key: str, value: object, default: object) -> object:
    """``value`` converted to the type of ``default``, or SpecError naming the option."""
    where = f"option {key!r} of task {task!r}"
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, np.integer)) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return value.strip().lower() in _TRUE
        raise SpecError(f"{where} must be true or false, got {value!r}")
    if isinstance(default, int):
        number = _as_number(value)
        if number is None or not float(number).is_integer():
            raise SpecError(f"{where} must be an integer, got {value!r}")
        return int(number)
    if isinstance(default, float):
        number = _as_number(value)
        if number is None or not math.isfinite(number):
            raise SpecError(f"{where} must be a finite number, got {value!r}")
        return float(number)
    if not isinstance(value, str):
        raise SpecError(f"{where} must be text, got {value!r}")
    return value


def _as_number(value: object) -> float | int | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            return None
    return None
