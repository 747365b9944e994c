"""Where many independent tasks run, as the ``surface`` and ``sweep`` commands ask it:
``--workers N`` and either ``--scheduler ADDR`` (an existing Dask cluster) or ``--dask local``
(a LocalCluster started for the job). Without either, this machine's cores."""

from __future__ import annotations

MAX_WORKERS = 1024


def add_cluster_args(parser, workers_help: str, job: str) -> None:
    """The three options on a subcommand's ``parser``; ``job`` names what runs ("sweep")."""
    parser.add_argument("--workers", type=int, default=None, help=workers_help)
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDR",
        help=f"run the {job} on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
        "(`dask scheduler`)",
    )
    where.add_argument(
        "--dask",
        choices=("local",),
        help=f"local: a Dask LocalCluster of --workers processes, started for the {job}",
    )


def check_workers(args) -> None:
    """Refuse a worker count out of range in one sentence (``SpecError``)."""
    from rnnviz.engine.errors import SpecError

    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        raise SpecError(f"--workers must be between 1 and {MAX_WORKERS} (got {args.workers})")
