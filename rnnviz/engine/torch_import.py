"""Open a torch model file: a state_dict of ``nn.RNN`` / ``LSTM`` / ``GRU`` (with an optional
``nn.Linear`` head), or a checkpoint dict that holds one.

The file is read with ``torch.load(weights_only=True)`` only: torch's restricted unpickler
builds tensors and plain containers and refuses any other class, so a file that pickles code
or a custom object is refused before any of its code runs. The architecture is then inferred
from the key names and shapes (``torch_infer.py``).

>>> imported = load_torch_model("weights.pt")          # doctest: +SKIP
>>> imported.spec.kind, imported.describe()            # doctest: +SKIP
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Mapping
from pathlib import Path

import torch

from rnnviz.engine.spec import SpecError
from rnnviz.engine.torch_infer import ImportedModel, infer_model

#: a model rnnviz can show is far smaller (budget.py); a bigger file is not read into memory
MAX_MODEL_BYTES = 256 * 2**20
#: where checkpoints usually keep the weights (searched first, then every nested dict)
STATE_DICT_KEYS = ("state_dict", "model_state_dict", "model", "net", "weights")

__all__ = ["MAX_MODEL_BYTES", "ImportedModel", "load_torch_model", "find_state_dict"]


def load_torch_model(path: str | Path) -> ImportedModel:
    """The model in a torch file, as rnnviz will run it; SpecError with one sentence when the
    file cannot be read, pickles code, or holds no recurrent state_dict that fits."""
    path = Path(path).expanduser()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpecError(f"cannot open the model {path}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise SpecError(f"the model {path} is not a file")
    if size > MAX_MODEL_BYTES:
        raise SpecError(
            f"the model {path.name} is {size / 2**20:.0f} MB; rnnviz opens models of up to "
            f"{MAX_MODEL_BYTES >> 20} MB"
        )
    data = _safe_load(path)
    state_dict = find_state_dict(data)
    if state_dict is None:
        raise SpecError(
            f"{path.name} holds no state_dict of tensors (a torch.nn.RNN / LSTM / GRU's "
            "module.state_dict(), alone or inside a checkpoint dict)"
        )
    try:
        return infer_model(state_dict, source=str(path))
    except SpecError as exc:
        raise SpecError(f"{path.name}: {exc}") from None


def _safe_load(path: Path) -> object:
    """``torch.load`` with weights_only=True: no class outside torch's allow-list is built."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        found = re.search(r"GLOBAL ([\w.]+)", str(exc))
        if found is None and "Unsupported operand" in str(exc):  # not a pickle at all
            raise SpecError(f"{path.name} is not a torch file rnnviz can read") from None
        what = f"the class {found.group(1)}" if found else "an object that is not a tensor"
        raise SpecError(
            f"{path.name} is refused: it pickles {what}, and rnnviz opens only tensors "
            "(torch.load with weights_only=True); save model.state_dict() instead"
        ) from None
    except (RuntimeError, EOFError, ValueError, OSError, AttributeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SpecError(f"{path.name} is not a torch file rnnviz can read ({first})") from None


def _is_state_dict(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in value.items())
    )


def find_state_dict(data: object, depth: int = 0) -> Mapping[str, torch.Tensor] | None:
    """``data`` itself if it is a state_dict (name -> tensor), else the first one inside it:
    the usual checkpoint keys first (``state_dict``, ``model_state_dict``, ``model`` ...),
    then any other value, at most three dicts deep (optimizer states hold no recurrent
    weight names, so they are passed over)."""
    if _is_state_dict(data):
        return data if _has_recurrent_key(data) else None
    if not isinstance(data, Mapping) or depth >= 3:
        return None
    ordered = [k for k in STATE_DICT_KEYS if k in data]
    ordered += [k for k in data if k not in STATE_DICT_KEYS]
    for key in ordered:
        found = find_state_dict(data[key], depth + 1)
        if found is not None:
            return found
    return None


def _has_recurrent_key(state_dict: Mapping[str, torch.Tensor]) -> bool:
    return any(k.rpartition(".")[2].startswith("weight_ih_l") for k in state_dict)
