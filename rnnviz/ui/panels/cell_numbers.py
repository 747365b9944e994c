"""The numbers of the cell drawing: every value the lecture's LSTM cell (or a GRU cell)
shows for one unit at one time step, read off a record's trace, as the lecture writes them,
and the two equations with those numbers filled in. No Qt: plain data in, text out."""

from __future__ import annotations

import numpy as np

ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "relu": lambda v: np.maximum(v, 0.0),
    "linear": lambda v: v,
}
NO_GATES = (
    "{name} has no gates and no memory cell: h_t = f(W_x x_t + W_h h_(t-1) + b).\n\n"
    "Choose an LSTM to see the lecture's cell with its live numbers (a GRU works too)."
)


def previous(trace: dict, name: str, t: int, unit: int, initial: float, backward: bool) -> float:
    """The state before step t: t-1 in a forward chain, t+1 in a backward one."""
    k = t + 1 if backward else t - 1
    if 0 <= k < trace[name].shape[0]:
        return float(trace[name][k, unit])
    return initial


def lstm_numbers(trace: dict, t: int, unit: int, spec, backward: bool) -> dict:
    """z, g(z), the gates before and after their sigmoid, c, c', h(c') and the output a."""
    c_new = float(trace["c"][t, unit])
    act_h = ACTIVATIONS.get(spec.cell_output_activation, np.tanh)
    numbers = {
        "z": float(trace["z"][t, unit]),
        "g(z)": float(trace["g"][t, unit]),
        "z_i": float(trace["z_i"][t, unit]),
        "f(z_i)": float(trace["i"][t, unit]),
        "z_o": float(trace["z_o"][t, unit]),
        "f(z_o)": float(trace["o"][t, unit]),
        "c": previous(trace, "c", t, unit, 0.0, backward),
        "c'": c_new,
        "h(c')": float(act_h(c_new)),
        "a": float(trace["h"][t, unit]),
    }
    if "f" in trace:
        numbers["z_f"] = float(trace["z_f"][t, unit])
        numbers["f(z_f)"] = float(trace["f"][t, unit])
    else:  # the 1997 LSTM: the memory is kept whole
        numbers["z_f"] = "none"
        numbers["f(z_f)"] = "1 (no gate)"
    return numbers


def gru_numbers(trace: dict, t: int, unit: int, spec, backward: bool) -> dict:
    """The old state h, the reset and update gates, the candidate n and the new state h'."""
    h0 = spec.h0
    u = float(trace["u"][t, unit])
    return {
        "h": previous(trace, "h", t, unit, 0.0 if h0 is None else float(h0), backward),
        "z_r": float(trace["z_r"][t, unit]),
        "r": float(trace["r"][t, unit]),
        "z_n": float(trace["z_n"][t, unit]),
        "n": float(trace["n"][t, unit]),
        "z_u": float(trace["z_u"][t, unit]),
        "u": u,
        "1-u": 1.0 - u,
        "h'": float(trace["h"][t, unit]),
    }


def equations(values: dict[str, str], lstm: bool, peephole: bool) -> str:
    """The cell's update with the shown numbers filled in (rich text)."""
    v = values
    if lstm:
        c_new, h_of_c, forget = v["c'"], v["h(c')"], v["f(z_f)"].split(" ")[0]
        peep = ""
        if peephole:
            peep = "<br><i>peephole: the gates also see the memory (z_i, z_f: c; z_o: c')</i>"
        return (
            f"c' = g(z) f(z_i) + c f(z_f) = {v['g(z)']} · {v['f(z_i)']} + {v['c']} · "
            f"{forget} = <b>{c_new}</b><br>"
            f"a = h(c') f(z_o) = {h_of_c} · {v['f(z_o)']} = <b>{v['a']}</b>{peep}"
        )
    h_new = v["h'"]
    return f"h' = (1 - u) n + u h = {v['1-u']} · {v['n']} + {v['u']} · {v['h']} = <b>{h_new}</b>"
