"""What the loss surface panel says in words and exports as numbers: the summary lines
(the step the surface was computed at and how many steps ago that is, its size, where a
path leaves the region or lies off the plane), the legend of the paths, the CSV tables of
the grid and the paths; and the path read from the history."""

from __future__ import annotations

import html

import numpy as np

from rnnviz.engine.history import History
from rnnviz.engine.surface import PATH_NAMES, Plane, SurfaceGrid, first_exit
from rnnviz.ui.export import Table, columns_table, grid_table
from rnnviz.ui.panels.surface_gl import PATH_COLOURS

Paths = dict[str, tuple[np.ndarray, np.ndarray]]  # "main" / "compare" -> (steps, weights)


def staleness_text(step: int, shown: int | None) -> str:
    """When the surface was computed, against the training step the panels show: a surface
    of step 0 seen at step 11,000 is another model's landscape."""
    if shown is None:
        return f"computed at step {step}"
    if shown == step:
        return f"computed at step {step} (the step shown)"
    ago = shown - step
    if ago < 0:
        return f"computed at step {step} — {-ago:,} step{'s' * (ago != -1)} after the one shown"
    return f"computed at step {step} — {ago:,} step{'s' * (ago != 1)} ago"


def summary_text(
    grid: SurfaceGrid,
    plane: Plane,
    ranges,
    step: int,
    paths: Paths,
    compare_label: str,
    cancelled: bool,
    shown: int | None = None,
) -> str:
    """The staleness line (with the grid's size and time), then one per warning about a
    path."""
    n = grid.loss.shape[0]
    state = "" if grid.final else f" (refining, level {grid.level + 1}/{grid.levels})"
    if cancelled and not grid.final:
        state = " (cancelled)"
    how = f", {PATH_NAMES.get(grid.method, grid.method)}" if grid.method else ""
    when = staleness_text(step, shown)
    parts = [f"{when} · {n}×{n} in {grid.seconds:.2f} s{how}{state}"]
    names = {"main": "this run", "compare": compare_label or "compare"}
    for key, name in names.items():
        path = paths.get(key)
        if path is None:
            continue
        coords, distance = plane.project(path[1])
        index = first_exit(coords, *ranges)
        who = "the path" if key == "main" and "compare" not in paths else f"{name}'s path"
        if index is not None:
            parts.append(f"⚠ {who} leaves the plotted region at step {int(path[0][index])}")
        scale = 1.0 + float(np.abs(path[1]).max())
        if distance.size and distance.max() > 1e-5 * scale:
            parts.append(f"{who} lies up to {distance.max():.3g} off this plane")
    if plane.info.startswith("auto: the path has not moved") and _moved(paths.get("main")):
        parts.append("the path has moved since: Recompute for its own plane (PCA)")
    return "\n".join(parts)


def _moved(path) -> bool:
    return path is not None and len(path[1]) >= 2 and bool(np.any(path[1][-1] != path[1][0]))


def eta_text(done: int, total: int, seconds: float) -> str:
    """The progress bar's text while computing: the percent ("%p%", Qt fills it in) and the
    time left at the measured time per point, ``seconds / done`` (none before the first
    points, nor when all are done)."""
    if done <= 0 or done >= total or seconds <= 0:
        return "%p%"
    left = seconds / done * (total - done)
    if left < 10:
        return f"%p% · {max(1, round(left))} s left"
    if left < 90:
        return f"%p% · {5 * max(1, round(left / 5))} s left"
    return f"%p% · {round(left / 60)} min left"


def legend_html(compare_label: str | None) -> str:
    """The paths' colours (rich text); ``compare_label`` None: no second path drawn. Each
    entry stays on one line; a narrow panel breaks the legend between them."""
    entries = [(PATH_COLOURS["main"], "this run")]
    if compare_label is not None:
        entries.append((PATH_COLOURS["compare"], compare_label or "compare"))
    return "&nbsp; ".join(
        f'<span style="color:{colour}">━&nbsp;{html.escape(name).replace(" ", "&nbsp;")}</span>'
        for colour, name in entries
    )


def surface_tables(
    grid: SurfaceGrid, plane: Plane, step: int, paths: Paths, compare_label: str
) -> dict[str, Table]:
    """``surface``: the loss grid; ``path`` / ``compare_path``: the projected paths."""
    label_a, label_b = plane.labels[:2]
    name = f"loss at step {step} over ({label_a}, {label_b})"
    tables = {
        "surface": grid_table(
            {f"{label_a} \\ {label_b}": grid.a.tolist()},
            [repr(float(b)) for b in grid.b],
            grid.loss,
            name,
        )
    }
    for key, path in paths.items():
        coords, distance = plane.project(path[1])
        columns = {
            "step": path[0],
            label_a: coords[:, 0],
            label_b: coords[:, 1],
            "distance off the plane": distance,
        }
        who = "this run" if key == "main" else compare_label or "compare"
        tables["path" if key == "main" else "compare_path"] = columns_table(
            columns, f"the optimiser's path ({who})"
        )
    return tables


def read_trajectory(history: History, until: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(steps [K], weights [K, P]) of the path up to step ``until`` (the step the panels
    show: a past one when viewing it), read safely while another thread appends."""
    traj = history.trajectory
    steps, items = list(traj.steps), list(traj.items)
    if abs(len(steps) - len(items)) > 1:  # caught in the middle of thinning: skip this time
        return np.empty(0, dtype=np.int64), np.empty((0, 0))
    n = min(len(steps), len(items))
    if n == 0:
        return np.empty(0, dtype=np.int64), np.empty((0, 0))
    steps = np.asarray(steps[:n])
    if until is not None:
        n = int(np.searchsorted(steps, until, side="right"))
        if n == 0:
            return np.empty(0, dtype=np.int64), np.empty((0, 0))
    return steps[:n], np.stack(items[:n])
