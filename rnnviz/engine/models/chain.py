"""What running one recurrent chain (one layer, one direction) over time gives back."""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor


@dataclass
class ChainResult:
    """The outputs of one chain.

    ``trace``: name -> [T, B, H] internals, time-ordered (index t is input step t, also for a
    backward chain). ``h`` / ``c``: the per-step states [B, H] as used in the graph,
    time-ordered (``c`` is None except for LSTM). ``y``: Jordan's per-step outputs [T, B, O].
    """

    trace: dict[str, Tensor]
    h: list[Tensor]
    c: list[Tensor] | None = None
    y: Tensor | None = None


def processing_order(steps: tuple[Tensor, ...], reverse: bool) -> tuple[Tensor, ...]:
    """The per-step slices in the order the chain reads them."""
    return steps[::-1] if reverse else steps


def time_order(values: list[Tensor], reverse: bool) -> list[Tensor]:
    """Per-step values collected in processing order, put back in input-time order."""
    return values[::-1] if reverse else values
