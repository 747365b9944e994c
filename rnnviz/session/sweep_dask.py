"""The Dask ``distributed`` executor of a sweep: an existing cluster (``dask scheduler`` and
``dask worker tcp://HOST:PORT`` on any machines, or dask-jobqueue on a Slurm one) given by
its scheduler's address, or a LocalCluster of worker processes started for the sweep and
closed after it.

Each run is one task (``client.submit(run_one, payload)``, not pure: a retry is a new task).
The workers need rnnviz installed (the same version: a run's settings are rebuilt there from
the preset's name). On the LocalCluster a task whose worker dies is not resubmitted by the
scheduler (``allowed-failures`` 0): the sweep retries it once itself, as on the local pool.
"""

from __future__ import annotations

import uuid

from rnnviz.session import dask_connect


class DaskPool:
    """``scheduler``: ``"local"`` (a LocalCluster of ``workers`` single-threaded worker
    processes) or a scheduler address (``tcp://HOST:PORT``)."""

    def __init__(self, scheduler: str, workers: int) -> None:
        # a task whose worker died is retried by the sweep itself, once, as on the local pool
        no_resubmit = {"distributed.scheduler.allowed-failures": 0}
        self._client, self._cluster = dask_connect.connect(scheduler, workers, no_resubmit)
        self.slots = dask_connect.worker_slots(self._client)
        self._futures: list = []
        # running tasks cannot be stopped by Dask: each run polls this event (sweep_run.py)
        self.cancel_event = f"rnnviz-sweep-cancel-{uuid.uuid4().hex}"

    def submit(self, fn, payload: dict):
        key = f"rnnviz-sweep-{payload['id']}-attempt{payload.get('attempt', 1)}"
        payload = {**payload, "cancel_event": self.cancel_event}
        future = self._client.submit(fn, payload, key=key, pure=False)
        self._futures.append(future)
        return future

    def wait(self, futures: list, timeout: float) -> list:
        from distributed import wait

        try:
            done, _ = wait(futures, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        return list(done)

    @staticmethod
    def result(future) -> dict:
        return future.result()

    @staticmethod
    def describe(exc: BaseException) -> str:
        from distributed import KilledWorker

        if isinstance(exc, KilledWorker):
            return "its worker process died"
        return f"{type(exc).__name__}: {exc}"

    def close(self, cancel: bool = False) -> None:
        """Cancel what is still queued or running, disconnect, and end the LocalCluster
        (its worker processes with it); an existing cluster keeps running."""
        if cancel and self._futures:
            from distributed import Event

            Event(self.cancel_event, client=self._client).set()  # running runs end themselves
            self._client.cancel([f for f in self._futures if not f.done()])
        dask_connect.disconnect(self._client, self._cluster)
