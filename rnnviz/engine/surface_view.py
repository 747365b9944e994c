"""Which view of the loss surface a preset opens on: the plane that tells its story.

A preset may say ``"surface": {"plane": "exact", "params": ["rnn.weight_hh_l0",
"rnn.bias_hh_l0"], "centre": "start", "span": 5}``. The cliff's lesson is the wall in the
(w, b) plane around the starting point, which no random plane through the current weights
shows; a big model's path lies in the plane of its own principal directions, so "auto"
(the default) is the PCA of the optimiser's path once it has moved, random directions
before. ``centre``: the plane is made through the weights at the start of the run or the
current ones. ``params`` (exact plane only) name two trained scalars as the panel lists
them: a one-value tensor by its name, others as ``name[i, j]``; they are checked against
the model when the run is built (``resolve_params``), the rest here, each with one sentence.

Torch-free (presets import it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rnnviz.engine.errors import SpecError
from rnnviz.engine.schema import Field

#: the planes a preset (and the panel) may choose; "auto": PCA once the path moved, else random
VIEW_PLANES = ("auto", "exact", "random", "pca")
CENTRES = ("current", "start")
SURFACE_KEYS = ("plane", "params", "centre", "span")
_FIELDS = {
    "plane": Field("plane", "choice", choices=VIEW_PLANES),
    "centre": Field("centre", "choice", choices=CENTRES),
    "span": Field("span", "float", low=0.0, high=1e4, low_open=True),
}


@dataclass(frozen=True)
class SurfaceView:
    """The loss surface panel's first view: plane kind, the exact plane's two parameter
    labels, what the region is centred on, and its half-width (None: the plane's default)."""

    plane: str = "auto"
    params: tuple[str, ...] = ()
    centre: str = "current"
    span: float | None = None

    def to_dict(self) -> dict:
        data: dict = {"plane": self.plane, "centre": self.centre}
        if self.params:
            data["params"] = list(self.params)
        if self.span is not None:
            data["span"] = self.span
        return data


def check_surface(name: str, data: object) -> SurfaceView | None:
    """A preset's ``surface`` field as a SurfaceView (None when absent); SpecError with one
    sentence naming what does not fit."""
    if data is None:
        return None
    where = f"preset {name!r}: surface"
    if not isinstance(data, dict):
        raise SpecError(f"{where} must be an object with plane, params, centre, span")
    unknown = sorted(map(str, set(data) - set(SURFACE_KEYS)))
    if unknown:
        raise SpecError(
            f"{where} has unknown key(s) {', '.join(unknown)}; it takes {', '.join(SURFACE_KEYS)}"
        )
    try:
        values = {k: f.check(data[k], "surface") for k, f in _FIELDS.items() if k in data}
    except SpecError as exc:
        raise SpecError(f"preset {name!r}: {exc}") from None
    plane = values.get("plane", "auto")
    params = data.get("params", [])
    if plane == "exact":
        if (
            not isinstance(params, list)
            or len(params) != 2
            or not all(isinstance(p, str) and p for p in params)
            or params[0] == params[1]
        ):
            raise SpecError(
                f"{where}.params must name two different trained parameters for the exact "
                f'plane, e.g. ["rnn.weight_hh_l0[0, 0]", "rnn.bias_hh_l0[0]"] (got {params!r:.60})'
            )
    elif params:
        raise SpecError(f"{where}.params only applies to the exact plane (the plane is {plane!r})")
    return SurfaceView(
        plane=plane,
        params=tuple(params),
        centre=values.get("centre", "current"),
        span=values.get("span"),
    )


def resolve_params(view: SurfaceView | None, labels: Sequence[str]) -> tuple[int, int]:
    """The flat indices of ``view``'s two exact-plane parameters among the model's trained
    scalars ``labels`` (``planes.scalar_labels``); (0, 1) without any. SpecError with one
    sentence when one is not a trained scalar of this model."""
    if view is None or not view.params:
        return (0, min(1, max(len(labels) - 1, 0)))
    index = {label: i for i, label in enumerate(labels)}
    for param in view.params:
        if param not in index:
            examples = ", ".join(labels[:3]) + (", …" if len(labels) > 3 else "")
            raise SpecError(
                f"surface.params names {param!r}, which is not a trained scalar of this model "
                f"(its {len(labels)} are named like {examples})"
            )
    return index[view.params[0]], index[view.params[1]]


def scalar_labels_of(params) -> list[str]:
    """The trained scalars' labels of ``params`` (name -> tensor), as the panel lists them."""
    from rnnviz.engine.surface.planes import scalar_labels

    return scalar_labels(list(params), [tuple(p.shape) for p in params.values()])
