"""Blocks of a loss-surface grid as Dask ``distributed`` tasks (``surface_blocks.py``), on an
existing cluster given by its scheduler's address or on a LocalCluster of worker processes
started for the surface and closed after it (as ``sweep_dask.py`` does for a sweep's runs).

The job (the model, its task and evaluation batch, the plane) is sent to every worker once
(``scatter(broadcast=True)``); each block is then one task ``evaluate_block(job, method,
coords)``, a few KB. The workers need rnnviz installed (the same version).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from rnnviz.session import dask_connect
from rnnviz.session.surface_blocks import SurfaceJob, evaluate_block

#: how long to wait for the scheduler and a first worker before giving up
CONNECT_S = 30
#: blocks per worker thread: enough to even out workers of different speeds
BLOCKS_PER_SLOT = 4


class DaskBlocks:
    """``scheduler``: ``"local"`` (a LocalCluster of ``workers`` single-threaded worker
    processes) or a scheduler address (``tcp://HOST:PORT``). Use as a context manager (or
    call ``close``): it ends the LocalCluster and disconnects."""

    def __init__(self, scheduler: str, workers: int = 2) -> None:
        self._client, self._cluster = dask_connect.connect(scheduler, workers, connect_s=CONNECT_S)
        self.slots = dask_connect.worker_slots(self._client)
        self.blocks_per_slot = BLOCKS_PER_SLOT

    def run(self, job: SurfaceJob, method: str, parts: list[np.ndarray]) -> Iterator:
        """Each block's (index, losses) as it finishes; what is left is cancelled when the
        caller stops early."""
        from distributed import as_completed

        shared = self._client.scatter(job, broadcast=True, hash=False)
        futures = [
            self._client.submit(evaluate_block, shared, method, part, pure=False) for part in parts
        ]
        index = {future.key: i for i, future in enumerate(futures)}
        try:
            for future in as_completed(futures):
                yield index[future.key], future.result()
        finally:
            self._client.cancel([f for f in futures if not f.done()])

    def close(self) -> None:
        dask_connect.disconnect(self._client, self._cluster)
        self._client = self._cluster = None

    def __enter__(self) -> DaskBlocks:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
