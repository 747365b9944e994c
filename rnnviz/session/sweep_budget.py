"""What a sweep will cost before it starts: its runs, its time and its peak memory, from each
run's budget estimate (``engine/budget.py``), refused above the budget in one sentence.

    time   ~ (sum over runs of steps x step_seconds + RUN_OVERHEAD_S) / workers
    memory ~ workers x (WORKER_BASE_BYTES + the largest run's peak)

A worker process holds the interpreter, torch and numpy (WORKER_BASE_BYTES, measured: about
370 MB of resident memory after a small run) and one run at a time. The memory budget is the
one every run answers to (``RNNVIZ_MEMORY_BUDGET``, else a quarter of the machine's memory)
when the workers run here; on a Dask cluster each worker is counted on its own machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnviz.engine.budget import current_budget, human_bytes
from rnnviz.engine.errors import SpecError

#: a worker's interpreter, torch and numpy, before any run
WORKER_BASE_BYTES = 400 * 2**20
#: building the settings, task and model, the held-out evaluation, a result sent back
RUN_OVERHEAD_S = 0.3


@dataclass(frozen=True)
class SweepEstimate:
    runs: int
    to_run: int
    workers: int
    seconds: float
    peak_bytes: int

    def describe(self) -> str:
        return (
            f"{self.to_run} of {self.runs} run(s) to train on {self.workers} worker(s): about "
            f"{human_duration(self.seconds)} and {human_bytes(self.peak_bytes)} of memory"
        )


def human_duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def estimate_sweep(spec, workers: int, skip: set[str] = frozenset(), local: bool = True):
    """The estimate for training the runs of ``spec`` not in ``skip`` on ``workers``
    workers (``local``: all on this machine, so their memory adds up)."""
    todo = [run for run in spec.runs if run.id not in skip]
    work = sum(run.steps * run.step_seconds + RUN_OVERHEAD_S for run in todo)
    largest = max((run.memory_bytes for run in todo), default=0)
    per_worker = WORKER_BASE_BYTES + largest
    parallel = max(1, min(workers, len(todo)))
    peak = per_worker * (parallel if local else 1)
    return SweepEstimate(len(spec.runs), len(todo), workers, work / parallel, peak)


def check_sweep_budget(spec, workers: int, skip: set[str] = frozenset(), local: bool = True):
    """The estimate, or SpecError when its time is above the spec's max_minutes or its
    memory above the memory budget (the estimate in the sentence)."""
    cost = estimate_sweep(spec, workers, skip, local)
    memory = current_budget().memory_bytes
    if cost.seconds > spec.max_minutes * 60:
        raise SpecError(
            f"this sweep would take too long: {cost.describe()}, above its budget.max_minutes "
            f"of {spec.max_minutes:g}; use fewer runs or steps, more workers, or raise "
            "budget.max_minutes"
        )
    if cost.peak_bytes > memory:
        raise SpecError(
            f"this sweep needs too much memory: {cost.describe()}, above the budget of "
            f"{human_bytes(memory)}; use fewer --workers (RNNVIZ_MEMORY_BUDGET sets the budget)"
        )
    return cost
