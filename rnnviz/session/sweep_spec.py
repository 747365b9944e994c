"""A sweep: many independent runs of one base preset, as plain JSON data, checked before any
run starts.

    {"title": "...", "description": "...",
     "preset": "adding_lstm",                   # the base run (a preset name)
     "set": {"train.batch_size": 32},           # fixed overrides, as ``rnnviz train --set``
     "axes": {                                  # the grid: every combination is a run
        "preset": ["adding_rnn", "adding_lstm"],        # another base preset per value
        "task.seq_len": [10, 20, 50],                   # a list of values ...
        "train.lr": {"log_uniform": [1e-4, 1e-2], "count": 4, "seed": 0}},  # ... or samples
     "seeds": [0, 1, 2],                        # or "repeats": 3 (seeds 0, 1, 2)
     "steps": 300,                              # training steps of every run
     "success": {"metric": "val_loss", "below": 0.0041667},
     "budget": {"max_runs": 10000, "max_minutes": 1440}}

Each run is exactly ``rnnviz train --preset P --set k=v ... --steps N`` (a compare run of the
preset is not trained: a sweep compares runs itself). Every value goes through the settings
layer (``engine/schema.py`` fields, the task's declared options, ``engine/budget.py``), so a
sweep refuses what ``--set`` refuses, with one sentence naming the axis.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from rnnviz.engine.errors import SpecError
from rnnviz.engine.spec import MODEL_FIELDS
from rnnviz.engine.train_config import TRAIN_FIELDS

TOP_KEYS = {"title", "description", "preset", "set", "axes", "seeds", "repeats", "steps"}
TOP_KEYS |= {"success", "budget"}
#: a spec file is a page of settings, not a data set
MAX_SPEC_BYTES = 1_000_000
MAX_AXIS_VALUES = 1000
MAX_STEPS = 10_000_000
DEFAULT_MAX_RUNS = 10_000
DEFAULT_MAX_MINUTES = 24 * 60.0
#: final metrics a success criterion can name: the last training step's loss, and the loss
#: and task metrics on a held-out batch after training (``sweep_run.evaluate``)
METRIC_PREFIX = "val_"


@dataclass(frozen=True)
class Success:
    """A run succeeds when ``metric`` is below (or above) ``threshold``."""

    metric: str
    threshold: float
    below: bool = True

    def judge(self, metrics: dict[str, float]) -> bool:
        value = metrics.get(self.metric)
        if value is None or not math.isfinite(value):
            return False
        return value < self.threshold if self.below else value > self.threshold

    def describe(self) -> str:
        return f"{self.metric} {'<' if self.below else '>'} {self.threshold:g}"


@dataclass(frozen=True)
class PlannedRun:
    """One run of the sweep: its axis values, seed, and the ``--set`` overrides of its
    preset that make it. ``id`` is a hash of what defines the run (stable across re-runs of
    the same spec, so a resumed sweep recognises it)."""

    id: str
    preset: str
    values: dict
    seed: int | None
    overrides: dict
    steps: int
    model_kind: str = ""
    #: the budget's estimate of one step (seconds) and of the run's peak memory (bytes)
    step_seconds: float = 0.0
    memory_bytes: int = 0


@dataclass(frozen=True)
class SweepSpec:
    title: str
    description: str
    preset: str
    fixed: dict
    axes: dict[str, list]
    seeds: tuple[int | None, ...]
    steps: int
    success: Success | None
    max_runs: int = DEFAULT_MAX_RUNS
    max_minutes: float = DEFAULT_MAX_MINUTES
    runs: tuple[PlannedRun, ...] = field(default=(), repr=False)

    @property
    def axis_names(self) -> list[str]:
        return list(self.axes)


def load_sweep_spec(path: str | Path) -> SweepSpec:
    """Read and check a sweep file (JSON, never executed); SpecError with one sentence."""
    path = Path(path).expanduser()
    if not path.is_file():
        shipped = sweep_dir() / f"{path.name}.json"
        if path.suffix == "" and shipped.is_file():
            path = shipped  # a shipped sweep by name: `rnnviz sweep memory_vs_length`
        else:
            raise SpecError(f"{path} is not a file (nor a shipped sweep: {shipped_sweeps()})")
    if path.stat().st_size > MAX_SPEC_BYTES:
        raise SpecError(f"{path.name} is larger than {MAX_SPEC_BYTES} bytes: not a sweep spec")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise SpecError(f"{path.name} is not valid JSON: {exc}") from None
    return sweep_spec_from_dict(data)


def sweep_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "resources" / "sweeps"


def shipped_sweeps() -> str:
    return ", ".join(sorted(p.stem for p in sweep_dir().glob("*.json"))) or "none"


def sweep_spec_from_dict(data: object) -> SweepSpec:
    """Check every part of a sweep and plan its runs (each run's settings built and
    budget-checked as ``rnnviz train`` would build them)."""
    if not isinstance(data, dict):
        raise SpecError(f"a sweep spec must be a JSON object (got {type(data).__name__})")
    unknown = sorted(map(str, set(data) - TOP_KEYS))
    if unknown:
        raise SpecError(
            f"the sweep has unknown field(s): {', '.join(unknown)}; "
            f"its fields are: {', '.join(sorted(TOP_KEYS))}"
        )
    preset = _text(data, "preset", required=True)
    fixed = _object(data, "set")
    if "preset" in fixed:
        raise SpecError("the sweep's set cannot name a preset: give it as the sweep's preset")
    fixed = {k: _check_axis_value(k, v, f"the sweep's set {k}") for k, v in fixed.items()}
    axes = {key: _axis_values(key, value) for key, value in _object(data, "axes").items()}
    budget = _object(data, "budget")
    unknown = sorted(set(budget) - {"max_runs", "max_minutes"})
    if unknown:
        raise SpecError(f"the sweep's budget has unknown field(s): {', '.join(unknown)}")
    spec = SweepSpec(
        title=_text(data, "title"),
        description=_text(data, "description"),
        preset=preset,
        fixed=fixed,
        axes=axes,
        seeds=_seeds(data),
        steps=_whole(data.get("steps", 200), "steps", 1, MAX_STEPS),
        success=_success(data.get("success")),
        max_runs=_whole(budget.get("max_runs", DEFAULT_MAX_RUNS), "budget.max_runs", 1, 10**7),
        max_minutes=_positive(budget.get("max_minutes", DEFAULT_MAX_MINUTES), "max_minutes"),
    )
    count = len(spec.seeds) * math.prod(len(v) for v in axes.values())
    if count > spec.max_runs:
        raise SpecError(
            f"the sweep has {count} runs, above its budget.max_runs of {spec.max_runs}: "
            "use fewer axis values or seeds (or raise budget.max_runs)"
        )
    return replace(spec, runs=tuple(_plan(spec)))


# -- the parts ---------------------------------------------------------------------------------
def _text(data: dict, key: str, required: bool = False) -> str:
    value = data.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value):
        raise SpecError(f"the sweep's {key} must be {'a preset name' if required else 'text'}")
    return value


def _object(data: dict, key: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise SpecError(f"the sweep's {key} must be an object of setting: value")
    return value


def _whole(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SpecError(f"the sweep's {name} must be a whole number in [{low}, {high}]")
    return value


def _positive(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise SpecError(f"the sweep's {name} must be a positive number (got {value!r})")
    return float(value)


def _seeds(data: dict) -> tuple[int | None, ...]:
    """``seeds`` (a list) or ``repeats`` (seeds 0 .. n-1); neither: the preset's own seed."""
    if "seeds" in data and "repeats" in data:
        raise SpecError("the sweep gives both seeds and repeats: give one of them")
    if "repeats" in data:
        return tuple(range(_whole(data["repeats"], "repeats", 1, MAX_AXIS_VALUES)))
    if "seeds" not in data:
        return (None,)
    seeds = data["seeds"]
    if not isinstance(seeds, list) or not seeds or len(seeds) > MAX_AXIS_VALUES:
        raise SpecError(f"the sweep's seeds must be a list of 1 to {MAX_AXIS_VALUES} seeds")
    checked = tuple(TRAIN_FIELDS["seed"].check(s, "sweep seeds: train") for s in seeds)
    if len(set(checked)) != len(checked):
        raise SpecError("the sweep's seeds repeat a seed: each seed once")
    return checked


def _success(data: object) -> Success | None:
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) - {"metric", "below", "above"}:
        raise SpecError('the sweep\'s success must be like {"metric": "val_loss", "below": 0.01}')
    metric = data.get("metric")
    if not isinstance(metric, str) or not (metric == "loss" or metric.startswith(METRIC_PREFIX)):
        raise SpecError(
            "the sweep's success.metric must be loss (the last step's) or val_loss / "
            f"val_<task metric> (on a held-out batch), got {metric!r}"
        )
    if ("below" in data) == ("above" in data):
        raise SpecError("the sweep's success needs one threshold: below or above")
    below = "below" in data
    threshold = data["below" if below else "above"]
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise SpecError(f"the sweep's success threshold must be a number (got {threshold!r})")
    if not math.isfinite(threshold):
        raise SpecError(f"the sweep's success threshold must be finite (got {threshold!r})")
    return Success(metric, float(threshold), below)


def _axis_values(key: str, value: object) -> list:
    """An axis: a non-empty list of values (JSON scalars), or log-uniform samples."""
    if isinstance(value, dict):
        return _log_uniform(key, value)
    if not isinstance(value, list):
        raise SpecError(
            f"sweep axis {key}: give a list of values or "
            '{"log_uniform": [low, high], "count": n} (got ' + f"{value!r:.60})"
        )
    if not value:
        raise SpecError(f"sweep axis {key} is empty: give it at least one value")
    if len(value) > MAX_AXIS_VALUES:
        raise SpecError(f"sweep axis {key} has more than {MAX_AXIS_VALUES} values")
    for v in value:
        if not isinstance(v, str | int | float | bool):
            raise SpecError(f"sweep axis {key}: each value must be a number, text or boolean")
    if len({json.dumps(v) for v in value}) != len(value):
        raise SpecError(f"sweep axis {key} repeats a value: each value once")
    return [_check_axis_value(key, v) for v in value]


def _log_uniform(key: str, data: dict) -> list:
    """``count`` values drawn log-uniformly from [low, high] with numpy's ``default_rng(seed)``
    (the same values every time the spec is read), sorted; rounded (and each once) for a
    whole-number setting."""
    if set(data) - {"log_uniform", "count", "seed"} or "log_uniform" not in data:
        raise SpecError(
            f'sweep axis {key}: samples are given as {{"log_uniform": [low, high], "count": n}}'
        )
    bounds = data["log_uniform"]
    ok = isinstance(bounds, list) and len(bounds) == 2
    ok = ok and all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
    if not ok or not 0 < bounds[0] < bounds[1] < math.inf:
        raise SpecError(f"sweep axis {key}: log_uniform needs [low, high] with 0 < low < high")
    count = _whole(data.get("count"), f"axis {key} count", 1, MAX_AXIS_VALUES)
    seed = _whole(data.get("seed", 0), f"axis {key} seed", 0, 2**32 - 1)
    logs = np.random.default_rng(seed).uniform(math.log(bounds[0]), math.log(bounds[1]), count)
    values = sorted(float(v) for v in np.exp(logs))
    if _declared(key) is not None and _declared(key).kind == "int":
        values = sorted({round(v) for v in values})
    return [_check_axis_value(key, v) for v in values]


def _declared(key: str):
    section, _, name = key.rpartition(".")
    return {"model": MODEL_FIELDS, "train": TRAIN_FIELDS}.get(section, {}).get(name)


def _check_axis_value(key: str, value: object, where: str = "") -> object:
    """A setting's value checked as data, in its declared type (JSON ``"0.1"`` for a number
    is a wrong type here, not text to parse as ``--set`` does); task options are numbers or
    booleans (their ranges are checked when each run's settings are built), presets names."""
    where = where or f"sweep axis {key}"
    section, _, name = key.rpartition(".")
    if key == "preset":
        if not isinstance(value, str):
            raise SpecError(f"{where}: values must be preset names (got {value!r})")
        return value
    if section not in ("model", "task", "train"):
        raise SpecError(
            f"{where}: {key!r} is not a setting; name it model.<field>, task.<option>, "
            "train.<field> or preset"
        )
    declared = _declared(key)
    if section == "task":
        if name != "kind" and isinstance(value, str):
            raise SpecError(f"{where}: task options are numbers or true/false (got {value!r})")
        return value
    if declared is None:
        raise SpecError(f"{where}: there is no setting {key!r}")
    try:
        return declared.check(value, section)
    except SpecError as exc:
        raise SpecError(f"{where}: {exc}") from None


# -- the runs ----------------------------------------------------------------------------------
def _plan(spec: SweepSpec) -> list[PlannedRun]:
    """Every combination of axis values x seeds, each run's settings built (so a bad
    combination is refused now, naming its values), in axis order then seed order."""
    runs = []
    names = spec.axis_names
    for combo in itertools.product(*(spec.axes[n] for n in names)):
        values = dict(zip(names, combo, strict=True))
        preset = values.get("preset", spec.preset)
        overrides = {**spec.fixed, **{k: v for k, v in values.items() if k != "preset"}}
        kind, cost = _checked(preset, overrides, values)
        for seed in spec.seeds:
            run_overrides = overrides if seed is None else {**overrides, "train.seed": seed}
            ident = run_id(preset, run_overrides, spec.steps)
            runs.append(
                PlannedRun(
                    ident, preset, values, seed, run_overrides, spec.steps, kind,
                    cost.step_seconds, cost.memory_bytes,
                )
            )  # fmt: skip
    return runs


def run_id(preset: str, overrides: dict, steps: int) -> str:
    """12 hex digits of the SHA-1 of what defines the run."""
    text = json.dumps({"preset": preset, "set": overrides, "steps": steps}, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _checked(preset: str, overrides: dict, values: dict):
    """The run's model kind and cost estimate; SpecError naming its axis values."""
    from rnnviz.session.sweep_run import checked_cost, run_settings

    try:
        settings = run_settings(preset, overrides)
        cost = checked_cost(settings)
    except SpecError as exc:
        shown = ", ".join(f"{k}={v}" for k, v in values.items()) or "the base run"
        raise SpecError(f"sweep run {shown}: {exc}") from None
    return settings.spec.kind, cost
