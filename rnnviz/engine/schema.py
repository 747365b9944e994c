"""The one validation layer: every setting's declared type and range, and one sentence when a
value does not fit.

Every way a setting arrives goes through here: ``ModelSpec`` / ``TrainConfig`` check their
fields with ``check_fields`` (so presets, session files, the sidebar's edits and live changes
are all checked the same way), and text the user typed (``rnnviz train --set key=value``) is
parsed by ``Field.parse`` into the declared type first, so ``model.peephole=False`` is the
boolean False, never the truthy string "False". The cost of a run (memory, time) is checked
in ``budget.py``; task options are declared by each task (``option_defaults`` /
``option_bounds``) and checked by ``Task.resolve_options``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from rnnviz.engine.errors import SpecError

TRUE_WORDS = ("true", "yes", "1")
FALSE_WORDS = ("false", "no", "0")
#: seeds go to numpy's SeedSequence and torch.manual_seed, which takes a signed 64-bit value
SEED_LIMIT = 2**63


@dataclass(frozen=True)
class Field:
    """A setting's declared type and range.

    ``kind``: ``bool``, ``int``, ``float``, ``choice`` (one of ``choices``), ``names`` (a
    list of strings) or ``ints`` (a list of whole numbers, each in [low, high]). ``low`` /
    ``high`` bound numbers, inclusive unless ``low_open`` / ``high_open``. ``optional``: None
    is allowed (e.g. ``h0``: zeros).
    """

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple = ()
    optional: bool = False
    label: str = ""

    def where(self, section: str) -> str:
        """How a message names the field: ``train.lr (learning rate)``."""
        full = f"{section}.{self.name}" if section else self.name
        return f"{full} ({self.label})" if self.label else full

    def allowed(self) -> str:
        """The allowed values, in words: ``a number in (0, 10000]``."""
        if self.kind == "bool":
            return "true or false (true/false/yes/no/1/0)"
        if self.kind == "choice":
            return f"one of {', '.join(map(str, self.choices))}"
        if self.kind == "names":
            return "a list of parameter names"
        if self.kind == "ints":
            return f"a list of whole numbers in {self._interval()}"
        what = "a whole number" if self.kind == "int" else "a finite number"
        text = f"{what} in {self._interval()}"
        return text + " or none" if self.optional else text

    def _interval(self) -> str:
        low = "-inf" if self.low is None else _num(self.low)
        high = "inf" if self.high is None else _num(self.high)
        left = "(" if self.low_open or self.low is None else "["
        right = ")" if self.high_open or self.high is None else "]"
        return f"{left}{low}, {high}{right}"

    def refuse(self, section: str, value: object) -> SpecError:
        shown = repr(value)
        if len(shown) > 60:  # a 200 kB value does not belong in a one-line message
            shown = shown[:57] + "..."
        return SpecError(f"{self.where(section)} must be {self.allowed()} (got {shown})")

    # -- checking values that are already data (JSON, dataclass fields) ---------------------
    def check(self, value: object, section: str = "") -> object:
        """``value`` in its declared type (ints become floats for a float field; a list of
        names a tuple), or SpecError naming the field, the value and the allowed range."""
        if value is None and self.optional:
            return None
        checker = _CHECKERS[self.kind]
        result = checker(self, value)
        if result is _BAD:
            raise self.refuse(section, value)
        return result

    # -- parsing what a user typed -----------------------------------------------------------
    def parse(self, text: object, section: str = "") -> object:
        """A ``--set`` value (text) in the declared type; non-text is checked as data."""
        if not isinstance(text, str):
            return self.check(text, section)
        raw = text.strip()
        if self.optional and raw.lower() in ("none", "null", ""):
            return None
        if self.kind == "bool":
            word = raw.lower()
            if word in TRUE_WORDS or word in FALSE_WORDS:
                return word in TRUE_WORDS
            raise self.refuse(section, text)
        if self.kind in ("int", "float"):
            return self.check(_number_from_text(raw), section)
        if self.kind == "names":
            return self.check(_names_from_text(raw), section)
        if self.kind == "ints":
            return self.check(_ints_from_text(raw), section)
        return self.check(raw, section)


_BAD = object()


def _check_bool(field: Field, value: object):
    return value if isinstance(value, bool) else _BAD


def _check_int(field: Field, value: object):
    if isinstance(value, bool):
        return _BAD
    if isinstance(value, float) and value.is_integer():  # 1e3 from JSON is a whole number
        value = int(value)
    if not isinstance(value, int) or not _in_range(field, value):
        return _BAD
    return int(value)


def _check_float(field: Field, value: object):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _BAD
    try:
        number = float(value)  # a 400-digit int overflows here: refused, not a traceback
    except OverflowError:
        return _BAD
    if not math.isfinite(number) or not _in_range(field, number):
        return _BAD
    return number


def _check_choice(field: Field, value: object):
    return value if isinstance(value, str) and value in field.choices else _BAD


def _check_names(field: Field, value: object):
    if isinstance(value, str) or not isinstance(value, list | tuple):
        return _BAD  # a bare string would otherwise become a tuple of its letters
    if not all(isinstance(v, str) for v in value):
        return _BAD
    return tuple(value)


def _check_ints(field: Field, value: object):
    if isinstance(value, str) or not isinstance(value, list | tuple) or len(value) > 64:
        return _BAD
    numbers = [_check_int(field, v) for v in value]
    return _BAD if any(n is _BAD for n in numbers) else tuple(numbers)


_CHECKERS = {
    "bool": _check_bool,
    "int": _check_int,
    "float": _check_float,
    "choice": _check_choice,
    "names": _check_names,
    "ints": _check_ints,
}


def _in_range(field: Field, value: float) -> bool:
    if field.low is not None and (value < field.low or (field.low_open and value == field.low)):
        return False
    if field.high is not None and (value > field.high or (field.high_open and value == field.high)):
        return False
    return True


def _number_from_text(raw: str) -> object:
    """``"32"`` -> 32, ``"1e-3"`` -> 0.001; anything else stays text (and is refused)."""
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return float(raw)
    except ValueError:
        return raw


def _names_from_text(raw: str) -> object:
    """``'["a", "b"]'`` (JSON) or ``a,b`` -> a list of names."""
    if raw.startswith("["):
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            return raw
    return [part.strip() for part in raw.split(",") if part.strip()]


def _ints_from_text(raw: str) -> object:
    """``'[1, 2, 4]'`` (JSON) or ``1,2,4`` -> a list of numbers (checked by the caller)."""
    parts = _names_from_text(raw)
    if isinstance(parts, str):
        return parts
    return [_number_from_text(p) if isinstance(p, str) else p for p in parts]


def _num(value: float) -> str:
    if isinstance(value, int) and value > 2**40 and value & (value - 1) == 0:
        return f"2^{value.bit_length() - 1}"  # the seed limit, readable
    return f"{value:g}" if isinstance(value, float) else str(value)


def check_fields(obj: object, fields: dict[str, Field], section: str) -> dict[str, object]:
    """Check every declared field of a dataclass instance; returns the normalised values (the
    caller stores them back, e.g. an int lr as a float)."""
    return {name: field.check(getattr(obj, name), section) for name, field in fields.items()}


def check_mapping(data: object, section: str) -> dict:
    """A section of a preset or settings file must be a JSON object."""
    if not isinstance(data, dict):
        raise SpecError(f"the {section!r} settings must be an object of key: value (got {data!r})")
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise SpecError(f"the {section!r} settings have a non-text key {bad[0]!r}")
    return data
