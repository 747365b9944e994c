"""How far the 3D loss surface's camera stands so that the whole box fits the view.

pyqtgraph's GLViewWidget has a *horizontal* field of view (``fov``, 60°): the vertical one
shrinks with the view's aspect, tan(v/2) = tan(fov/2) · h / w. At a fixed distance the box's
top (the height axis's label) and its front corner were cut in a wide, short view (the
surface's tab at 1280x720: 460x180 px). The distance is fitted instead: the smallest one at
which every corner of the box, the label above it included, projects within ``MARGIN`` of
the view's edges. The camera orbits ``centre`` at (elevation, azimuth) in degrees, looking at
it, as GLViewWidget's "euler" rotation does:

    eye = centre + d · (cos e · cos a, cos e · sin a, sin e)
    ndc_x = (p - eye)·right / ((p - eye)·forward · tan(fov/2))
    ndc_y = (p - eye)·up / ((p - eye)·forward · tan(fov/2) · h / w)
"""

from __future__ import annotations

import numpy as np

#: the share of the view's half-width / half-height the box may take (its labels' text runs
#: past their anchors)
MARGIN = 0.84


def box_corners(half: float, top: float) -> np.ndarray:
    """The 8 corners [8, 3] of the box x, y in ±half, z in 0..top."""
    return np.array(
        [(x, y, z) for x in (-half, half) for y in (-half, half) for z in (0.0, top)],
        dtype=np.float64,
    )


def projected(
    points: np.ndarray,
    centre,
    distance: float,
    elevation: float,
    azimuth: float,
    fov: float,
    aspect: float,
) -> np.ndarray:
    """Normalised view coordinates [n, 2] of ``points`` [n, 3] (±1 at the view's edges);
    ``aspect`` = width / height."""
    e, a = np.radians(elevation), np.radians(azimuth)
    centre = np.asarray(centre, dtype=np.float64)
    eye = centre + distance * np.array([np.cos(e) * np.cos(a), np.cos(e) * np.sin(a), np.sin(e)])
    forward = (centre - eye) / distance
    right = np.cross(forward, (0.0, 0.0, 1.0))
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    v = np.asarray(points, dtype=np.float64) - eye
    depth = v @ forward
    tan_h = np.tan(np.radians(fov) / 2)
    return np.stack([(v @ right) / (depth * tan_h), (v @ up) * aspect / (depth * tan_h)], 1)


def fitted_distance(
    points: np.ndarray, centre, elevation: float, azimuth: float, fov: float, aspect: float
) -> float:
    """The smallest distance (to 1 %) at which all ``points`` lie within ``MARGIN``."""

    def fits(distance: float) -> bool:
        ndc = projected(points, centre, distance, elevation, azimuth, fov, aspect)
        return bool(np.abs(ndc).max() <= MARGIN)

    reach = float(np.linalg.norm(np.asarray(points) - np.asarray(centre), axis=1).max())
    low, high = reach, 4.0 * reach
    while not fits(high):  # (a very wide, short view)
        low, high = high, 2.0 * high
    while high - low > 0.01 * high:
        middle = 0.5 * (low + high)
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high
