"""Training settings: plain data, validated with a reason a user can act on."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from rnnviz.engine.spec import SpecError

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
CLIP_MODES = ("none", "norm", "value")
GRADIENTS_OF = ("sequence", "batch")
#: settings a running trainer can change between two steps (``Trainer.set_live``)
LIVE_FIELDS = ("lr", "clip_mode", "clip_threshold", "gradients_of")


@dataclass(frozen=True)
class TrainConfig:
    """How to train.

    ``clip_mode``: ``norm`` rescales g <- mu * g / ||g|| when ||g|| > mu (mu =
    ``clip_threshold``); ``value`` clamps every component to [-mu, mu].
    ``bptt``: 0 for full backpropagation through time, k > 0 to truncate it to k steps (the
    state is carried forward but the gradient is cut every k steps).
    ``freeze``: parameter names that are not trained (e.g. the cliff toy's input weights).
    ``gradients_of``: which loss a recorded step's dL/dh_t, dL/dc_t are taken of: the
    displayed ``sequence``'s (the one whose gates and cells the panels show; cheap) or the
    training ``batch``'s (what the optimiser follows; a hand BPTT over the whole batch, which
    costs about as much as the fused training step itself). Training is the same either way.
    """

    optimizer: str = "adam"
    lr: float = 1e-2
    momentum: float = 0.9
    clip_mode: str = "none"
    clip_threshold: float = 1.0
    bptt: int = 0
    batch_size: int = 32
    seed: int = 0
    freeze: tuple[str, ...] = ()
    gradients_of: str = "sequence"

    def __post_init__(self) -> None:
        object.__setattr__(self, "freeze", tuple(self.freeze))
        self.validate()

    def validate(self) -> None:
        def need(cond: bool, msg: str) -> None:
            if not cond:
                raise SpecError(msg)

        need(self.optimizer in OPTIMIZERS, f"optimizer must be one of {OPTIMIZERS}")
        need(_positive(self.lr), f"learning rate must be a positive number (got {self.lr!r})")
        need(
            isinstance(self.momentum, int | float) and 0 <= self.momentum < 1,
            f"momentum must be in [0, 1) (got {self.momentum!r})",
        )
        need(self.clip_mode in CLIP_MODES, f"clip_mode must be one of {CLIP_MODES}")
        need(self.gradients_of in GRADIENTS_OF, f"gradients_of must be one of {GRADIENTS_OF}")
        need(
            _positive(self.clip_threshold),
            f"clipping threshold must be a positive number (got {self.clip_threshold!r})",
        )
        need(
            _whole(self.bptt, 0), f"bptt must be 0 (full) or a positive step count ({self.bptt!r})"
        )
        need(_whole(self.batch_size, 1), f"batch_size must be at least 1 (got {self.batch_size!r})")
        need(self.batch_size <= 4096, "batch_size above 4096 is too large for interactive use")
        need(_whole(self.seed, 0), f"seed must be a non-negative whole number (got {self.seed!r})")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["freeze"] = list(self.freeze)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SpecError(f"unknown training setting(s): {', '.join(unknown)}")
        return cls(**data)


def _positive(value) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def _whole(value, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
