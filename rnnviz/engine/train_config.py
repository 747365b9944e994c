"""Training settings: plain data, validated with a reason a user can act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from rnnviz.engine.errors import named
from rnnviz.engine.schema import SEED_LIMIT, Field, check_fields, check_mapping
from rnnviz.engine.spec import SpecError

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
CLIP_MODES = ("none", "norm", "value")
GRADIENTS_OF = ("sequence", "batch")
#: settings a running trainer can change between two steps (``Trainer.set_live``)
LIVE_FIELDS = ("lr", "clip_mode", "clip_threshold", "gradients_of")

#: every field's declared type and range (``schema.py``); the sidebar's boxes use the same
#: ranges, so what it shows is what runs
TRAIN_FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("optimizer", "choice", choices=OPTIMIZERS),
        Field("lr", "float", 1e-6, 1e4, label="learning rate"),
        Field("momentum", "float", 0.0, 1.0, high_open=True),
        Field("clip_mode", "choice", choices=CLIP_MODES),
        Field("clip_threshold", "float", 1e-6, 1e6, label="clipping threshold"),
        Field("bptt", "int", 0, 100_000, label="truncated BPTT length, 0 for full"),
        Field("batch_size", "int", 1, 4096),
        Field("seed", "int", 0, SEED_LIMIT, high_open=True),
        Field("freeze", "names", label="parameters not trained"),
        Field("gradients_of", "choice", choices=GRADIENTS_OF),
    )
}


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
        self.validate()

    def validate(self) -> None:
        """Each field against its declaration (``TRAIN_FIELDS``); values are stored normalised
        (an int lr as a float: torch's optimisers overflow on a huge int, e.g. 10**26)."""
        for name, value in check_fields(self, TRAIN_FIELDS, "train").items():
            object.__setattr__(self, name, value)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["freeze"] = list(self.freeze)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> TrainConfig:
        check_mapping(data, "train")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SpecError(f"unknown training setting(s): {named(unknown)}")
        return cls(**data)
