"""The loss over a plane of parameter space, with the training path on it (no Qt).

See ``planes.py`` (exact / random filter-normalised / PCA planes, path projection),
``evaluate.py`` (cancellable, progressively refined grid evaluation), ``evaluator.py`` (the
batched / fused per-point chunks on threads), ``grid.py`` (the grid, its levels, reading it
between points) and ``source.py`` (the trainer snapshot a surface is computed from).
"""

from .evaluate import compute_surface
from .evaluator import PATH_NAMES, GridEvaluator
from .grid import COARSE, SurfaceGrid, bilinear, grid_levels
from .planes import (
    PLANE_KINDS,
    Plane,
    ProjectedPath,
    clip_segments,
    exact_plane,
    filter_normalised,
    first_exit,
    pca_plane,
    project_path,
    random_plane,
    scalar_labels,
)
from .source import SurfaceCancelled, SurfaceSource

__all__ = [
    "COARSE",
    "PATH_NAMES",
    "PLANE_KINDS",
    "GridEvaluator",
    "Plane",
    "ProjectedPath",
    "SurfaceCancelled",
    "SurfaceGrid",
    "SurfaceSource",
    "bilinear",
    "clip_segments",
    "compute_surface",
    "exact_plane",
    "filter_normalised",
    "first_exit",
    "grid_levels",
    "pca_plane",
    "project_path",
    "random_plane",
    "scalar_labels",
]
