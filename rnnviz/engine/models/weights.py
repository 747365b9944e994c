"""Setting weights by hand and loading torch state dicts, with clear errors."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import Tensor

from rnnviz.engine.errors import SpecError


def as_tensor(value: object) -> Tensor:
    """A numpy array, list, number or tensor as a float32 tensor (a detached copy)."""
    if isinstance(value, Tensor):
        return value.detach().clone()
    return torch.as_tensor(np.asarray(value, dtype=np.float32))


class WeightsMixin:
    """set_weights / load_torch_state_dict / get_weights for RecurrentModel."""

    def get_weights(self) -> dict[str, np.ndarray]:
        """All parameters as numpy copies, by full name ("rnn.weight_hh_l0", "head.weight")."""
        return {n: p.detach().cpu().numpy().copy() for n, p in self.named_parameters()}

    def set_weights(self, weights: Mapping[str, object]) -> None:
        """Set some or all parameters by full name, e.g. {"rnn.weight_hh_l0": array}.

        Every name and shape is checked before anything is written; a ValueError names the
        first problem (a SpecError, which is a ValueError).
        """
        params = dict(self.named_parameters())
        staged: list[tuple[torch.nn.Parameter, Tensor]] = []
        for name, value in weights.items():
            if name not in params:
                raise SpecError(
                    f"this model has no weight {name!r}; its weights are {sorted(params)}"
                )
            param = params[name]
            tensor = as_tensor(value)
            if tuple(tensor.shape) != tuple(param.shape):
                raise SpecError(
                    f"weight {name!r} must have shape {tuple(param.shape)} "
                    f"(got {tuple(tensor.shape)})"
                )
            staged.append((param, tensor))
        with torch.no_grad():
            for param, tensor in staged:
                param.copy_(tensor.to(dtype=param.dtype, device=param.device))

    def load_torch_state_dict(self, state_dict: Mapping[str, object]) -> None:
        """Load a torch.nn.RNN / LSTM / GRU state_dict (keys like "weight_ih_l0", no "rnn."
        prefix; a prefixed dict is accepted too) into ``self.rnn``.

        The keys must be exactly this model's recurrent parameters and the shapes must match,
        else ValueError saying what is missing, unexpected or of the wrong shape.
        """
        items = dict(state_dict.items())
        if items and all(k.startswith("rnn.") for k in items):
            items = {k[len("rnn.") :]: v for k, v in items.items()}
        expected = {n: p for n, p in self.rnn.named_parameters()}
        missing = sorted(set(expected) - set(items))
        unexpected = sorted(set(items) - set(expected))
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing {missing}")
            if unexpected:
                parts.append(f"unexpected {unexpected}")
            raise SpecError(
                "the state dict does not fit this model (kind, layers, direction or options "
                f"differ): {'; '.join(parts)}"
            )
        self.set_weights({f"rnn.{k}": v for k, v in items.items()})
