"""The loss over a plane of parameter space, with the training path on it (no Qt).

See ``planes.py`` (exact / random filter-normalised / PCA planes, path projection) and
``evaluate.py`` (batched, cancellable, progressively refined grid evaluation).
"""

from .evaluate import (
    COARSE,
    PATH_NAMES,
    GridEvaluator,
    SurfaceCancelled,
    SurfaceGrid,
    SurfaceSource,
    bilinear,
    compute_surface,
    grid_levels,
)
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
