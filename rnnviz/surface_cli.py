"""``rnnviz surface FILE.rnnviz``: the loss surface of a saved session's run, computed here
(one block of grid points per thread) or split over a Dask cluster, and written into the
session file, which the window then opens and draws without computing."""

from __future__ import annotations

import sys

from rnnviz.cluster_args import add_cluster_args, check_workers

PLANES = ("pca", "random", "exact", "auto")


def add_surface_parser(sub) -> None:
    surface = sub.add_parser(
        "surface",
        help="compute a session's loss surface (here or on a Dask cluster) into its file",
        description="Compute the loss surface of FILE's run around its current weights, on the "
        "plane the loss surface panel offers, and save it into FILE (the window shows it at "
        "once). Without --scheduler / --dask the grid is computed on this machine's cores.",
    )
    surface.add_argument("session", metavar="FILE.rnnviz", help="a saved session file")
    surface.add_argument(
        "--resolution", type=int, default=101, metavar="N", help="grid points per side (5-301)"
    )
    surface.add_argument(
        "--plane",
        default="random",
        help="random (filter-normalised directions, the default), pca (of the training "
        "path), exact (two parameters, see --params) or auto (pca once the path has moved, "
        "else random)",
    )
    surface.add_argument(
        "--params",
        type=int,
        nargs=2,
        default=(0, 1),
        metavar=("I", "J"),
        help="the exact plane's two parameters, as flat indices (default 0 1)",
    )
    surface.add_argument(
        "--span", type=float, default=None, help="half-width of the region (the panel's span)"
    )
    add_cluster_args(
        surface, "threads here, or worker processes of --dask local (default 2)", "surface"
    )


def surface_command(args) -> int:
    from tqdm import tqdm

    from rnnviz.engine.errors import SpecError
    from rnnviz.engine.surface import PATH_NAMES, SurfaceSource
    from rnnviz.session.session import Session
    from rnnviz.session.surface_blocks import LocalBlocks, SurfaceJob, compute_in_blocks

    if args.plane not in PLANES:
        raise SpecError(f"--plane must be one of {', '.join(PLANES)} (got {args.plane!r})")
    if not 5 <= args.resolution <= 301:
        raise SpecError(f"--resolution must be between 5 and 301 (got {args.resolution})")
    check_workers(args)
    session = Session()
    session.open(args.session)
    source = SurfaceSource.from_trainer(session.trainer)
    job = SurfaceJob.of(source, args.plane, args.span, args.resolution, tuple(args.params))
    scheduler = args.scheduler or args.dask
    if scheduler is None:
        runner = LocalBlocks(args.workers)
    else:
        from rnnviz.session.surface_dask import DaskBlocks

        runner = DaskBlocks(scheduler, args.workers or 2)
    try:
        total = args.resolution**2
        with _quiet_bar(tqdm)(total=total, desc="surface", unit="pt", file=sys.stderr) as bar:
            grid = compute_in_blocks(job, runner, progress=lambda done, _: bar.update(done - bar.n))
    finally:
        runner.close()
    session.set_surface(job.saved(grid))
    written = session.save(args.session)
    where = "here" if scheduler is None else f"on {scheduler}"
    print(
        f"surface {args.resolution}x{args.resolution} on the {args.plane} plane at step "
        f"{source.step} ({PATH_NAMES.get(grid.method, grid.method)}, {runner.slots} "
        f"worker(s) {where}, {grid.seconds:.1f} s), loss {_range(grid.loss)}, saved to {written}"
    )
    return 0


def _quiet_bar(tqdm):
    """tqdm without its monitor thread (tqdm 4.70 keeps it after the bar closes; the bar is
    updated per block, so nothing needs it)."""

    class Bar(tqdm):
        monitor_interval = 0

    return Bar


def _range(loss) -> str:
    import numpy as np

    finite = loss[np.isfinite(loss)]
    return f"{finite.min():.4g}..{finite.max():.4g}" if finite.size else "not finite"
