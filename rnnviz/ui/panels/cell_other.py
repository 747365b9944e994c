"""The cell drawings of the Clockwork RNN and the SCRN: boxes, arrows, the numbers of one
unit at one step read off a record's trace, and their equations. No Qt (the boxes are
``cell_geometry.Node`` data).

Clockwork RNN, unit j of module i (period T_i), step t counted in the chain's reading order::

    clock = 1 if t mod T_i == 0 else 0
    h' = f(a) if clock else h          a = W_ih x + (W_hh * M) h + b (computed when clock = 1)

SCRN, hidden unit j and context unit k = min(j, S - 1)::

    s' = (1 - alpha) Bx + alpha s      (Bx = (B x_t)_k, read back from s' and s)
    h' = f(a),  a = P s' + A x + R h + b
"""

from __future__ import annotations

from rnnviz.engine.tasks._common import rounded as fmt
from rnnviz.ui.panels.cell_geometry import Node
from rnnviz.ui.panels.cell_numbers import previous

CLOCKWORK_NODES = (
    Node("h'", "new state\nh'", 1, 0),
    Node("f(a)", "f(a)", 0, 1),
    Node("pick", "?", 1, 1, "op"),
    Node("clock", "clock\nt mod T = 0", 2, 1, "gate", "clock"),
    Node("a", "pre-activation\na", 0, 2),
    Node("h", "old state\nh", 1, 2),
    Node("T", "module\nperiod T", 2, 2, short="T"),
)
CLOCKWORK_EDGES = (
    ("a", "f(a)"),
    ("f(a)", "pick"),
    ("h", "pick"),
    ("T", "clock"),
    ("clock", "pick"),
    ("pick", "h'"),
)
SCRN_NODES = (
    Node("s'", "new context\ns'", 1, 0),
    Node("a", "a = P s' + A x\n+ R h + b", 2, 0, short="a"),
    Node("h'", "new state\nh'", 3, 0),
    Node("s", "old context\ns", 0, 1),
    Node("plus", "+", 1, 1, "op"),
    Node("h", "old state\nh", 2, 1),
    Node("Bx", "input\nBx", 1, 2),
)
SCRN_EDGES = (
    ("Bx", "plus"),
    ("s", "plus"),
    ("plus", "s'"),
    ("s'", "a"),
    ("h", "a"),
    ("a", "h'"),
)


def module_period(spec, unit: int) -> int:
    periods = spec.clock_periods
    return int(periods[unit // (spec.hidden_size // len(periods))])


def clockwork_numbers(trace: dict, t: int, unit: int, spec, backward: bool) -> dict:
    """The clock of the unit's module, its old and new state and (when it updates) a, f(a)."""
    h0 = 0.0 if spec.h0 is None else float(spec.h0)
    active = float(trace["active"][t, unit])
    numbers: dict[str, float | str] = {
        "T": float(module_period(spec, unit)),
        "clock": active,
        "h": previous(trace, "h", t, unit, h0, backward),
        "h'": float(trace["h"][t, unit]),
        "a": float(trace["a"][t, unit]) if active else "not computed",
        "f(a)": float(trace["h"][t, unit]) if active else "-",
    }
    return numbers


def scrn_numbers(trace: dict, t: int, unit: int, spec, backward: bool) -> dict:
    """Context unit k = min(unit, S - 1): s, Bx, s'; hidden unit ``unit``: h, a, h'."""
    k = min(unit, trace["s"].shape[1] - 1)
    alpha = float(spec.context_alpha)
    s_new = float(trace["s"][t, k])
    s_old = previous(trace, "s", t, k, 0.0, backward)
    h0 = 0.0 if spec.h0 is None else float(spec.h0)
    return {
        "s": s_old,
        "Bx": (s_new - alpha * s_old) / (1.0 - alpha),
        "s'": s_new,
        "h": previous(trace, "h", t, unit, h0, backward),
        "a": float(trace["a"][t, unit]),
        "h'": float(trace["h"][t, unit]),
        "k": float(k),
    }


def clockwork_equation(values: dict[str, str], spec) -> str:
    """The update of the shown unit with its numbers (rich text)."""
    period, h_new = values["T"], values["h'"]
    if values["clock"] == "1":
        act = ACTIVATION_NAMES.get(spec.activation, spec.activation)
        return (
            f"clock = 1 (t mod {period} = 0): the module updates<br>"
            f"h' = f(a) = {act}({values['a']}) = <b>{h_new}</b>"
        )
    return f"clock = 0 (t mod {period} ≠ 0): the module keeps its value<br>h' = h = <b>{h_new}</b>"


def scrn_equation(values: dict[str, str], spec) -> str:
    """The context and hidden updates of the shown units with their numbers (rich text)."""
    alpha = spec.context_alpha
    act = ACTIVATION_NAMES.get(spec.activation, spec.activation)
    s_new, h_new = values["s'"], values["h'"]
    return (
        f"s' = (1 - α) Bx + α s = {fmt(1 - alpha)} · {values['Bx']} + {fmt(alpha)} · "
        f"{values['s']} = <b>{s_new}</b> (context unit {values['k']})<br>"
        f"h' = f(a) = {act}({values['a']}) = <b>{h_new}</b>"
    )


ACTIVATION_NAMES = {"tanh": "tanh", "sigmoid": "σ", "relu": "ReLU", "linear": ""}
#: kind -> (boxes, arrows, numbers(trace, t, unit, spec, backward), equation(values, spec))
OTHER_CELLS = {
    "clockwork": (CLOCKWORK_NODES, CLOCKWORK_EDGES, clockwork_numbers, clockwork_equation),
    "scrn": (SCRN_NODES, SCRN_EDGES, scrn_numbers, scrn_equation),
}
