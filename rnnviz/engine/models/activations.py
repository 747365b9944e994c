"""Activation functions by the spec's names: ``tanh``, ``sigmoid``, ``relu``, ``linear``."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor


def _linear(a: Tensor) -> Tensor:
    return a


ACTIVATION_FUNCTIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "linear": _linear,
}


def get_activation(name: str) -> Callable[[Tensor], Tensor]:
    """The elementwise function called ``name``; ValueError for an unknown name."""
    try:
        return ACTIVATION_FUNCTIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {tuple(ACTIVATION_FUNCTIONS)}"
        ) from None
