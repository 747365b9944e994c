"""A Dask ``distributed`` client for a sweep's runs (``sweep_dask.py``) or a loss surface's
blocks (``surface_dask.py``): an existing cluster given by its scheduler's address
(``tcp://HOST:PORT``: ``dask scheduler`` and ``dask worker`` on any machines, or dask-jobqueue
on a Slurm one), or ``"local"``: a LocalCluster of single-threaded worker processes started
for the job and closed after it. Either way, failing to connect is one sentence
(``SpecError``), not a traceback, and nothing is left running.
"""

from __future__ import annotations

import logging

from rnnviz.engine.errors import SpecError

#: how long to wait for the scheduler and a first worker before giving up
CONNECT_S = 60


def connect(scheduler: str, workers: int, config: dict | None = None, connect_s=None):
    """(client, cluster or None) with at least one worker. ``config``: Dask settings in force
    while a LocalCluster starts (e.g. the scheduler's ``allowed-failures``)."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise SpecError(
            "--scheduler / --dask need Dask's distributed package: pip install distributed"
        ) from None
    wait_s = CONNECT_S if connect_s is None else connect_s
    client = cluster = None
    try:
        if scheduler == "local":
            with dask.config.set(config or {}):
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout=f"{wait_s}s")
        client.wait_for_workers(1, timeout=wait_s)
    except (OSError, TimeoutError, ValueError) as exc:
        disconnect(client, cluster)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SpecError(f"cannot reach the Dask scheduler {scheduler}: {reason}") from None
    return client, cluster


def worker_slots(client) -> int:
    """Worker threads across the cluster (at least 1)."""
    return max(1, sum(client.nthreads().values()))


def disconnect(client, cluster) -> None:
    """Close the client, and the LocalCluster (its worker processes with it) if one was
    started; an existing cluster keeps running."""
    if client is not None:
        client.close()
    if cluster is not None:
        cluster.close()
