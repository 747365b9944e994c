"""The last computed loss surface of a session: enough to draw it again without computing it.

A surface costs seconds to minutes to compute (a model evaluation per grid point), so a
session keeps the last finished one and its file stores it: opening the file shows it at
once. ``SavedSurface`` holds the plane (its origin, two directions, axis labels), the region
and the grid of losses, the training step the weights were taken at, and the panel settings
it was computed with (plane choice, chosen parameters, centre, span, resolution). The
optimiser's path is not part of it: the panel projects the run's own trajectory (in the
history) onto the plane.

``encode_surface`` / ``decode_surface`` turn it into the plain data and arrays of
``engine/plain.py`` (no pickle); decoding checks every shape, so a malformed file is refused
with a ValueError (a SessionFileError sentence when opened through ``files.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.engine import plain
from rnnviz.engine.surface import PATH_NAMES, Plane, SurfaceGrid
from rnnviz.engine.surface.planes import PLANE_KINDS
from rnnviz.engine.surface_view import CENTRES, VIEW_PLANES


@dataclass(frozen=True)
class SavedSurface:
    """A finished surface and what it was computed from (see the module docstring)."""

    plane: Plane
    ranges: tuple[tuple[float, float], tuple[float, float]]  # (a0, a1), (b0, b1)
    grid: SurfaceGrid
    step: int  # the training step whose weights the plane was made around
    #: the trained parameters' names and shapes (the exact plane's parameter choices)
    names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    params: tuple[int, int]  # flat indices of the exact plane's two parameters
    span: float
    resolution: int
    #: the panel's plane choice ("auto" made a pca or random plane; "": the plane's own
    #: kind, as in files written before it was kept) and what the region is centred on
    choice: str = ""
    centre: str = "current"


def encode_surface(surface: SavedSurface, arrays: dict[str, np.ndarray], key: str) -> dict:
    """JSON-able data for ``surface``; its arrays go into ``arrays`` under ``key/...``."""
    plane, grid = surface.plane, surface.grid
    data = {
        "plane": {
            "kind": plane.kind,
            "origin": np.asarray(plane.origin, dtype=np.float64),
            "directions": np.asarray(plane.directions, dtype=np.float64),
            "labels": list(plane.labels),
            "center": [float(c) for c in plane.center],
            "info": plane.info,
            "fit": None if plane.fit is None else [float(f) for f in plane.fit],
        },
        "ranges": [[float(v) for v in pair] for pair in surface.ranges],
        "grid": {
            "a": np.asarray(grid.a, dtype=np.float64),
            "b": np.asarray(grid.b, dtype=np.float64),
            "loss": np.asarray(grid.loss, dtype=np.float64),
            "level": int(grid.level),
            "levels": int(grid.levels),
            "seconds": float(grid.seconds),
            "method": str(grid.method),
            "calibration_seconds": float(grid.calibration_seconds),
        },
        "step": int(surface.step),
        "names": list(surface.names),
        "shapes": [list(shape) for shape in surface.shapes],
        "params": [int(p) for p in surface.params],
        "span": float(surface.span),
        "resolution": int(surface.resolution),
        "choice": surface.choice,
        "centre": surface.centre,
    }
    return plain.encode(data, arrays, key)


def decode_surface(data, arrays) -> SavedSurface:
    """The surface ``encode_surface`` described; ValueError (or KeyError / TypeError) when
    the data is not a consistent surface."""
    raw = plain.decode(data, arrays)
    if not isinstance(raw, dict):
        raise ValueError("its loss surface is malformed")
    plane = _plane(raw["plane"])
    grid = _grid(raw["grid"])
    names = tuple(str(n) for n in raw["names"])
    shapes = tuple(tuple(int(d) for d in shape) for shape in raw["shapes"])
    if len(names) != len(shapes) or sum(int(np.prod(s)) for s in shapes) != plane.size:
        raise ValueError("its loss surface does not match its parameters")
    ranges = tuple(_pair(pair) for pair in raw["ranges"])
    if len(ranges) != 2:
        raise ValueError("its loss surface has no valid region")
    params = _pair(raw["params"], int)
    choice, centre = raw.get("choice", ""), raw.get("centre", "current")
    if (choice and choice not in VIEW_PLANES) or centre not in CENTRES:
        raise ValueError("its loss surface names an unknown plane choice or centre")
    return SavedSurface(
        plane=plane,
        ranges=ranges,
        grid=grid,
        step=int(raw["step"]),
        names=names,
        shapes=shapes,
        params=params,
        span=float(raw["span"]),
        resolution=int(raw["resolution"]),
        choice=choice,
        centre=centre,
    )


def _plane(raw: dict) -> Plane:
    kind = raw["kind"]
    if kind not in PLANE_KINDS:
        raise ValueError(f"its loss surface has an unknown plane {kind!r}")
    origin = _array(raw["origin"], 1)
    directions = _array(raw["directions"], 2)
    if directions.shape != (2, origin.size):
        raise ValueError("its loss surface's plane directions do not match its origin")
    fit = raw["fit"]
    return Plane(
        kind=kind,
        origin=origin,
        directions=directions,
        labels=_pair(raw["labels"], str),
        center=_pair(raw["center"]),
        info=str(raw["info"]),
        fit=None if fit is None else _pair(fit),
    )


def _grid(raw: dict) -> SurfaceGrid:
    a, b, loss = _array(raw["a"], 1), _array(raw["b"], 1), _array(raw["loss"], 2)
    if loss.shape != (a.size, b.size) or a.size < 2 or b.size < 2:
        raise ValueError("its loss surface grid does not match its axes")
    method = raw.get("method", "")  # files written before the path was kept have none
    if not isinstance(method, str) or (method and method not in PATH_NAMES):
        raise ValueError("its loss surface names an unknown evaluation path")
    return SurfaceGrid(
        a=a,
        b=b,
        loss=loss,
        level=int(raw["level"]),
        levels=int(raw["levels"]),
        seconds=float(raw["seconds"]),
        method=method,
        calibration_seconds=float(raw.get("calibration_seconds", 0.0)),
    )


def _array(value, ndim: int) -> np.ndarray:
    if not isinstance(value, np.ndarray) or value.ndim != ndim or value.dtype.kind != "f":
        raise ValueError("its loss surface holds an array of the wrong shape or type")
    return value.astype(np.float64, copy=False)


def _pair(value, kind=float) -> tuple:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError("its loss surface holds a malformed pair")
    return (kind(value[0]), kind(value[1]))
