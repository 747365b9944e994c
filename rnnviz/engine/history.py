"""The run's bounded history: what the panels plot over training.

- Scalar series for every step (loss, lr, gradient norms, metrics), in growable numpy arrays;
  past ``max_points`` a series is thinned (every other point dropped) so memory stays bounded.
- Full records kept at a thinning interval: at most ``max_records`` and at most
  ``RECORD_BYTES`` of them (a record of a long sequence is megabytes); when full, every other
  kept record is dropped (the interval doubles), the newest is always kept. The weight
  trajectory and the checkpoints are bounded in bytes the same way (``budget.py`` counts
  these bounds in a run's memory estimate).
- Sparse series (values known on recorded steps only): spectral radii (added late, by
  ``add_spectra``, when a viewer has computed them off the training path), ||dL/dh_t|| rows for the
  training-step x t heatmap, and the flattened weights (the trajectory for the PCA plane);
  each bounded the same way.
- A ring of checkpoints (``TrainerState``: weights, optimiser state, settings) every 50 steps,
  so an earlier step's weights can be looked at again and training continued from there.
- Events: (step, text) for marks on the loss curve (learning rate or clipping changed).
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rnnviz.engine.record import StepRecord

if TYPE_CHECKING:
    from rnnviz.engine.trainer_state import TrainerState

#: how many steps' eigenvalues the history keeps at hand (for the panel, not saved)
_EIGENVALUE_STEPS = 8

SCALARS = ("step", "loss", "lr", "grad_norm", "grad_norm_clipped", "clipped", "seconds")
MAX_RECORDS = 200
MAX_TRAJECTORY = 256
MAX_CHECKPOINTS = 32
#: byte bounds of what a run keeps (a full record at seq_len 5000 is ~10 MB: 200 of them
#: were 2 GB); past them the older items are thinned
RECORD_BYTES = 256 * 2**20
TRAJECTORY_BYTES = 128 * 2**20
CHECKPOINT_BYTES = 128 * 2**20


def nbytes(obj: object) -> int:
    """Bytes held by ``obj``'s arrays and text (records, states, nested dicts and lists)."""
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, str):
        return len(obj)
    if isinstance(obj, dict):
        return sum(nbytes(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return sum(nbytes(v) for v in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return sum(nbytes(getattr(obj, f.name)) for f in dataclasses.fields(obj))
    return 8


class _Series:
    """An append-only float64 series that halves its resolution when it reaches ``cap``."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = np.empty(64)
        self.n = 0

    def append(self, value: float) -> None:
        if self.n == self.data.size:
            if self.n >= self.cap:
                self.data[: self.n // 2] = self.data[1 : self.n : 2]  # keep odd points (newest)
                self.n //= 2
            else:
                self.data = np.resize(self.data, min(2 * self.data.size, self.cap))
        self.data[self.n] = value
        self.n += 1

    def view(self) -> np.ndarray:
        return self.data[: self.n]


class _Thinned:
    """Keeps at most ``cap`` (step, item) pairs spread over the run (and, given
    ``max_bytes``, at most that many bytes of them), dropping every other old item when
    full. Always holds the newest item."""

    def __init__(self, cap: int) -> None:
        self.cap = max(2, cap)
        self.steps: list[int] = []
        self.items: list = []
        self._sizes: list[int] = []

    def append(self, step: int, item, max_bytes: int | None = None) -> None:
        if max_bytes is not None and len(self._sizes) != len(self.items):
            self._sizes = [nbytes(i) for i in self.items]  # items set from a file
        size = nbytes(item) if max_bytes is not None else 0
        while len(self.items) >= self.cap or (
            max_bytes is not None and self.items and sum(self._sizes) + size > max_bytes
        ):
            self._thin()
        self.steps.append(step)
        self.items.append(item)
        if max_bytes is not None:
            self._sizes.append(size)

    def _thin(self) -> None:
        """Drop every other item (a single item is dropped: the newest replaces it)."""
        keep = slice(0, None, 2) if len(self.items) > 1 else slice(0, 0)
        self.steps, self.items = self.steps[keep], self.items[keep]
        self._sizes = self._sizes[keep] if len(self._sizes) else []

    def insert(self, step: int, item) -> None:
        """``append`` for a step that may come late (the spectra of an older record): put in
        step order, replacing an item of the same step."""
        i = int(np.searchsorted(self.steps, step))
        if i == len(self.steps):
            self.append(step, item)
        elif self.steps[i] == step:
            self.items[i] = item
        elif len(self.items) < self.cap:
            self.steps.insert(i, step)
            self.items.insert(i, item)

    def truncate(self, step: int) -> None:
        """Forget the items after ``step``."""
        keep = int(np.searchsorted(self.steps, step, side="right"))
        del self.steps[keep:], self.items[keep:]

    def nearest(self, step: int):
        """The kept item with the largest step <= ``step`` (or the first one)."""
        if not self.steps:
            return None
        i = int(np.searchsorted(self.steps, step, side="right")) - 1
        return self.items[max(i, 0)]


#: what an event marks: a setting changed mid-run (``lr``, ``clip``, ``gradients``), the run
#: diverged, or it was reset / continued from an earlier step
EVENT_KINDS = ("lr", "clip", "gradients", "diverged", "reset", "setting")


@dataclass(frozen=True)
class Event:
    """Something that happened after training step ``step``, e.g. "lr 0.01 -> 0.001"."""

    step: int
    text: str
    kind: str = "setting"


class History:
    """Everything a run has produced so far, bounded in memory."""

    def __init__(
        self,
        max_points: int = 200_000,
        max_records: int = MAX_RECORDS,
        max_rows: int = 2_000,
        max_trajectory: int = MAX_TRAJECTORY,
        max_checkpoints: int = MAX_CHECKPOINTS,
    ) -> None:
        self._max_points = max_points
        self._series: dict[str, _Series] = {name: _Series(max_points) for name in SCALARS}
        self._records = _Thinned(max_records)
        self._sparse: dict[str, _Thinned] = {}
        self._max_rows = max_rows
        self.trajectory = _Thinned(max_trajectory)
        self.checkpoints: deque[tuple[int, TrainerState]] = deque(maxlen=max_checkpoints)
        self.events: list[Event] = []
        self.last: StepRecord | None = None
        #: step -> {matrix: eigenvalues}, the latest few computed (not saved: recomputed)
        self._eigenvalues: dict[int, dict[str, np.ndarray]] = {}

    # -- writing ---------------------------------------------------------------------------
    def append(self, record: StepRecord) -> None:
        values = {
            "step": record.step,
            "loss": record.loss,
            "lr": record.lr,
            "grad_norm": record.grad_norm,
            "grad_norm_clipped": record.grad_norm_clipped,
            "clipped": float(record.clipped),
            "seconds": record.seconds,
        }
        values.update({f"metric:{k}": v for k, v in record.metrics.items()})
        for name, value in values.items():
            series = self._series.get(name)
            if series is None:  # a metric first seen now: pad the earlier steps with NaN
                series = self._series[name] = _Series(self._max_points)
                for _ in range(len(self) - 1):
                    series.append(np.nan)
            series.append(value)
        for name, value in record.param_grad_norms.items():
            self._sparse_append(f"param:{name}", record.step, value)
        if record.full:
            self._records.append(record.step, record, max_bytes=RECORD_BYTES)
            for name, (radius, sigma) in record.spectral.items():
                self._sparse_append(f"radius:{name}", record.step, radius)
                self._sparse_append(f"sigma:{name}", record.step, sigma)
            for chain, row in record.dh_norm.items():
                self._sparse_append(f"dh:{chain}", record.step, row)
            for chain, row in record.dc_norm.items():
                self._sparse_append(f"dc:{chain}", record.step, row)
        if record.diverged:
            self.add_event(record.step, "diverged", "diverged")
        self.last = record

    def _sparse_append(self, name: str, step: int, value) -> None:
        store = self._sparse.get(name)
        if store is None:
            store = self._sparse[name] = _Thinned(self._max_rows)
        store.append(step, value)

    def add_spectra(
        self,
        step: int,
        radius_sigma: dict[str, tuple[float, float]],
        eigenvalues: dict[str, np.ndarray] | None = None,
    ) -> None:
        """The spectra (rho, sigma_1 per recurrent matrix) of the recorded step ``step``,
        computed after the fact (``engine/spectra.py``): into the record and the series;
        ``eigenvalues`` (name -> complex [H]) into a small cache of the latest steps."""
        if eigenvalues is not None:
            self._eigenvalues[step] = eigenvalues
            while len(self._eigenvalues) > _EIGENVALUE_STEPS:
                del self._eigenvalues[next(iter(self._eigenvalues))]
        record = self._records.nearest(step)
        if record is not None and record.step == step:
            record.spectral.update(radius_sigma)
        for name, (radius, sigma) in radius_sigma.items():
            for kind, value in (("radius", radius), ("sigma", sigma)):
                store = self._sparse.get(f"{kind}:{name}")
                if store is None:
                    store = self._sparse[f"{kind}:{name}"] = _Thinned(self._max_rows)
                store.insert(step, value)

    def eigenvalues_at(self, step: int) -> dict[str, np.ndarray] | None:
        """The eigenvalues of step ``step``'s recurrent matrices, if computed lately."""
        return self._eigenvalues.get(step)

    def records_without_spectra(self) -> list[StepRecord]:
        """Kept records whose recurrent matrices have no spectra yet, newest first."""
        return [r for r in reversed(self._records.items) if r.recurrent and not r.spectral]

    def fill_spectra(self) -> int:
        """Compute the spectra of every kept record lacking them (e.g. before an export);
        returns how many records were filled."""
        from rnnviz.engine.spectra import spectra

        missing = self.records_without_spectra()
        for record in missing:
            self.add_spectra(record.step, spectra(record.recurrent))
        return len(missing)

    def add_event(self, step: int, text: str, kind: str = "setting") -> None:
        if kind not in EVENT_KINDS:
            raise ValueError(f"event kind must be one of {EVENT_KINDS} (got {kind!r})")
        self.events.append(Event(step, text, kind))

    def add_checkpoint(self, step: int, state: TrainerState) -> None:
        """Keep ``state``; the oldest go first past ``max_checkpoints`` or CHECKPOINT_BYTES
        (the newest is always kept)."""
        self.checkpoints.append((step, state))
        size = nbytes(state)
        while len(self.checkpoints) > 1 and size * len(self.checkpoints) > CHECKPOINT_BYTES:
            self.checkpoints.popleft()

    def truncate(self, step: int) -> None:
        """Forget everything after training step ``step`` (continuing from a checkpoint)."""
        steps = self._series["step"].view()
        keep = int(np.searchsorted(steps, step, side="right"))
        for series in self._series.values():
            series.n = min(series.n, keep)
        for store in (self._records, self.trajectory, *self._sparse.values()):
            store.truncate(step)
        kept = [(s, state) for s, state in self.checkpoints if s <= step]
        self.checkpoints = deque(kept, maxlen=self.checkpoints.maxlen)
        self.events = [e for e in self.events if e.step <= step]
        self._eigenvalues = {s: e for s, e in self._eigenvalues.items() if s <= step}
        self.last = self.record_at(step) if self._records.steps else None

    def add_trajectory_point(self, step: int, flat_weights: np.ndarray) -> None:
        self.trajectory.append(step, flat_weights, max_bytes=TRAJECTORY_BYTES)

    # -- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._series["step"].n

    def names(self) -> list[str]:
        return list(self._series)

    def series(self, name: str) -> np.ndarray:
        """Values over steps (aligned with ``series("step")``); NaN where not defined."""
        return self._series[name].view()

    def metric_names(self) -> list[str]:
        return [n.removeprefix("metric:") for n in self._series if n.startswith("metric:")]

    def sparse(self, name: str) -> tuple[np.ndarray, list]:
        """(steps, values) of a value known on some steps only, e.g. ``radius:L0.fwd W_hh``,
        ``sigma:...``, ``dh:L0.fwd`` (rows [T]), ``dc:...``, ``param:L0.fwd W_hh (f)``."""
        store = self._sparse.get(name)
        if store is None:
            return np.empty(0, dtype=np.int64), []
        return np.asarray(store.steps, dtype=np.int64), list(store.items)

    def sparse_names(self, prefix: str = "") -> list[str]:
        return [n for n in self._sparse if n.startswith(prefix)]

    def dh_map(self, chain: str, which: str = "dh") -> tuple[np.ndarray, np.ndarray]:
        """Training step x t heatmap of ||dL/dh_t|| (``which="dc"``: memory cells).
        Returns (steps [K], values [K, T]); rows of differing T (task changed) are dropped."""
        steps, rows = self.sparse(f"{which}:{chain}")
        if not rows:
            return steps, np.empty((0, 0))
        T = rows[-1].shape[0]
        keep = [i for i, r in enumerate(rows) if r.shape[0] == T]
        return steps[keep], np.stack([rows[i] for i in keep])

    def memory(self) -> dict[str, int]:
        """Bytes of arrays held per part (``nbytes``: the data, not Python's object
        overhead), e.g. to tell a soak's growth in the bounded history from a leak."""
        return {
            "series": sum(s.data.nbytes for s in self._series.values()),
            "records": sum(nbytes(r) for r in self._records.items),
            "sparse": sum(nbytes(s.items) for s in self._sparse.values()),
            "trajectory": sum(nbytes(t) for t in self.trajectory.items),
            "checkpoints": sum(nbytes(state) for _, state in self.checkpoints),
        }

    @property
    def kept_steps(self) -> list[int]:
        return list(self._records.steps)

    def record_at(self, step: int) -> StepRecord | None:
        """The kept full record nearest at or before ``step``."""
        return self._records.nearest(step)

    def checkpoint_at(self, step: int) -> tuple[int, TrainerState] | None:
        """(step, state) of the newest checkpoint at or before ``step``."""
        best = None
        for s, state in self.checkpoints:
            if s <= step:
                best = (s, state)
        return best

    def trajectory_array(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps [K], flattened weights [K, P]) of the training path so far."""
        if not self.trajectory.items:
            return np.empty(0, dtype=np.int64), np.empty((0, 0), dtype=np.float32)
        return np.asarray(self.trajectory.steps), np.stack(self.trajectory.items)
