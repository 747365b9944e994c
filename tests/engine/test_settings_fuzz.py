"""The whole settings space, fuzzed (issue 17): every ``--set`` string, preset JSON shape and
model / task / training value either trains two steps or is refused with the project's own
error (SpecError, one line) -- never another exception.

Examples: ``RNNVIZ_FUZZ_EXAMPLES`` per test, default 400 (1000 per test took 30-70 s each on a
shared 2-core machine, the suite's longest items); ``RNNVIZ_SLOW=1`` adds the ``slow`` runs of 5000
per test. A small budget
(``RNNVIZ_MEMORY_BUDGET``, ``RNNVIZ_STEP_SECONDS``) keeps accepted cases quick;
``test_budget_measured.py`` measures that accepted runs stay under it.
"""

import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rnnviz.cli import parse_settings
from rnnviz.engine.presets import PRESET_DIR, load_preset, preset_from_dict
from rnnviz.engine.spec import ACTIVATIONS, COMBINES, HEADS, KINDS, MODEL_FIELDS, SpecError
from rnnviz.engine.tasks import TASKS
from rnnviz.engine.train_config import TRAIN_FIELDS
from rnnviz.session.settings import RunSettings

EXAMPLES = int(os.environ.get("RNNVIZ_FUZZ_EXAMPLES", "400"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # CI sees the same cases every run; the slow run explores more
)
SLOW = settings(FUZZ, max_examples=max(EXAMPLES, 5000), derandomize=False)
slow = pytest.mark.skipif(not os.environ.get("RNNVIZ_SLOW"), reason="RNNVIZ_SLOW=1 runs it")
PRESETS = sorted(p.stem for p in PRESET_DIR.glob("*.json"))
TASK_OPTIONS = sorted({o for cls in TASKS.values() for o in cls.option_defaults})
KEYS = (
    [f"model.{n}" for n in MODEL_FIELDS]
    + [f"train.{n}" for n in TRAIN_FIELDS]
    + [f"task.{n}" for n in [*TASK_OPTIONS, "kind", "nope"]]
    + ["lr", "seed", "seq_len", "hidden_size", "model.wings", "colour.x", ""]
)
WORDS = [
    *("true", "false", "yes", "no", "1", "0", "True", "Flase", "", "null", "none", "[]"),
    *("{}", "nan", "inf", "-inf", "-1", "0.0", "1e26", "1e-7", "abc", "1e308", "2.5"),
    *(str(2**64), str(2**63), str(2**63 - 1), '["rnn.weight_ih_l0"]', "[1]", "x" * 300),
    *ACTIVATIONS, *KINDS, *COMBINES, *HEADS, *TASKS,
    *("adam", "sgd", "momentum", "rmsprop", "norm", "value", "batch", "sequence"),
]  # fmt: skip
TEXT_VALUES = st.one_of(
    st.sampled_from(WORDS),
    st.integers(-3, 40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=6),
)


def _valid_data(field) -> st.SearchStrategy:
    """Values of a declared field's type, mostly inside its range (small sizes: quick runs)."""
    if field.kind == "bool":
        return st.booleans()
    if field.kind == "choice":
        return st.sampled_from(field.choices)
    if field.kind == "names":
        return st.just([])
    high = min(field.high, 48) if field.kind == "int" else min(field.high, 2.0)
    if field.kind == "int":
        return st.integers(int(field.low), int(high))
    return st.floats(field.low, high)


def _valid_text(key: str) -> st.SearchStrategy:
    """What a user would type for ``key`` (a declared field's value, a task option's)."""
    section, _, name = key.rpartition(".")
    fields = {"model": MODEL_FIELDS, "train": TRAIN_FIELDS}.get(section, {})
    if name in fields:
        return _valid_data(fields[name]).map(lambda v: str(v).lower() if v is not None else "")
    if name == "kind":
        return st.sampled_from(sorted(TASKS))
    return st.integers(1, 60).map(str)


SET_PAIRS = st.sampled_from(KEYS).flatmap(
    lambda key: st.tuples(st.just(key), _mostly(_valid_text(key), TEXT_VALUES))
)

JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.integers(0, 40),
    st.floats(),
    st.text(max_size=4),
    st.sampled_from(WORDS),
)
JSON_ANY = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def _mostly(right: st.SearchStrategy, wrong: st.SearchStrategy) -> st.SearchStrategy:
    """``right`` four times in five: most cases should get as far as training."""
    return st.integers(0, 4).flatmap(lambda i: wrong if i == 0 else right)


def _section(fields) -> st.SearchStrategy:
    """A section that is mostly right (known names, values of their type), sometimes not."""
    right = st.fixed_dictionaries({}, optional={n: _valid_data(f) for n, f in fields.items()})
    keys = st.sampled_from([*fields, "wings"])
    wrong = st.one_of(st.dictionaries(keys, JSON_LEAF, max_size=4), JSON_ANY)
    return _mostly(right, wrong)


def _task_of(kind: str) -> st.SearchStrategy:
    """A task section of ``kind`` with some of its own options, of their types."""
    cls = TASKS[kind]
    options = {}
    for name, default in cls.option_defaults.items():
        low, high = cls.option_bounds.get(name, (None, None))
        if isinstance(default, bool):
            options[name] = st.booleans()
        elif isinstance(default, int):
            # small values keep runs quick; an option whose range starts higher (a year)
            # gets its lowest value
            options[name] = st.integers(int(low or 0), int(min(high or 60, max(60, low or 0))))
        else:
            options[name] = st.floats(-2, 2)
    return st.fixed_dictionaries({"kind": st.just(kind)}, optional=options)


TASK_SECTION = _mostly(
    st.sampled_from(sorted(TASKS)).flatmap(_task_of),
    st.one_of(
        st.fixed_dictionaries(
            {"kind": st.one_of(st.sampled_from(sorted(TASKS)), JSON_LEAF)},
            optional={o: st.one_of(st.integers(1, 60), JSON_LEAF) for o in TASK_OPTIONS},
        ),
        JSON_ANY,
    ),
)
PRESET_JSON = st.fixed_dictionaries(
    {"task": TASK_SECTION},
    optional={
        "model": _section(MODEL_FIELDS),
        "train": _section(TRAIN_FIELDS),
        "weights": st.one_of(
            st.none(),
            st.none(),
            JSON_ANY,
            st.dictionaries(st.sampled_from(["rnn.weight_hh_l0", "head.bias", "x"]), JSON_ANY),
        ),
        "compare": st.one_of(
            st.none(),
            st.none(),
            JSON_ANY,
            st.fixed_dictionaries(
                {},
                optional={
                    "label": JSON_LEAF,
                    "model": _section(MODEL_FIELDS),
                    "train": _section(TRAIN_FIELDS),
                    "keep_weights": JSON_LEAF,
                },
            ),
        ),
        "title": _mostly(st.text(max_size=8), JSON_LEAF),
    },
)


@pytest.fixture(autouse=True)
def small_budget(monkeypatch):
    """Accepted cases must be quick to train twice: a small memory and time budget."""
    monkeypatch.setenv("RNNVIZ_MEMORY_BUDGET", "256M")
    monkeypatch.setenv("RNNVIZ_STEP_SECONDS", "0.3")


def two_steps_or_spec_error(make_settings) -> str:
    """Build the run(s) and train two steps; 'trained' or 'refused' (SpecError, one line).
    Any other exception fails the test."""
    try:
        run = make_settings()
        trainers = [run.make_trainer(), run.make_compare_trainer()]
    except SpecError as exc:
        assert "\n" not in str(exc) and str(exc), repr(exc)
        return "refused"
    for trainer in filter(None, trainers):
        for _ in range(2):
            if trainer.diverged:  # a diverged run is paused with its sentence, as the CLI does
                assert trainer.diverged.endswith("smaller learning rate.")
                break
            trainer.step(record=True)
    return "trained"


def _from_set(preset: str, items: list[str]):
    return lambda: RunSettings.from_preset(load_preset(preset).with_settings(parse_settings(items)))


@FUZZ
@given(
    preset=st.sampled_from(PRESETS),
    pairs=st.lists(SET_PAIRS, max_size=4),
)
def test_set_strings(preset, pairs):
    event(two_steps_or_spec_error(_from_set(preset, [f"{k}={v}" for k, v in pairs])))


@FUZZ
@given(data=PRESET_JSON)
def test_preset_json_shapes(data):
    event(two_steps_or_spec_error(lambda: RunSettings.from_preset(preset_from_dict("fuzz", data))))


@pytest.mark.slow
@slow
@SLOW
@given(
    preset=st.sampled_from(PRESETS),
    pairs=st.lists(SET_PAIRS, max_size=4),
)
def test_set_strings_slow(preset, pairs):
    event(two_steps_or_spec_error(_from_set(preset, [f"{k}={v}" for k, v in pairs])))


@pytest.mark.slow
@slow
@SLOW
@given(data=PRESET_JSON)
def test_preset_json_shapes_slow(data):
    event(two_steps_or_spec_error(lambda: RunSettings.from_preset(preset_from_dict("fuzz", data))))
