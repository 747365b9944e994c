"""The cost budget: the memory and time a run will need, estimated from its settings before
anything is allocated, and refused above the budget with the estimate in the sentence.

Each size field alone is range-checked by ``schema.py``; it is their product that costs (seq
length x batch x hidden x layers x directions x gates). The estimate counts what a training
step keeps alive at its peak -- the activations autograd saves for the backward pass, their
gradients, the parameters, their gradients and the optimiser's state -- plus what the run's
history keeps (full records, the weight trajectory, checkpoints; each bounded in bytes by
``history.py``). It is deliberately an upper estimate: ``tests/engine/test_bad_input.py``
measures the real peak (``resource.getrusage``) of accepted runs against it.

The budget defaults to a quarter of the machine's memory (the window keeps a mirror of the
training process's run, and the machine has other work); ``RNNVIZ_MEMORY_BUDGET`` sets it
(``800M``, ``4G`` or a byte count) and ``RNNVIZ_STEP_SECONDS`` the longest step accepted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from rnnviz.engine import history as history_caps
from rnnviz.engine.models.params import is_fusable
from rnnviz.engine.spec import ModelSpec, SpecError

GATES = {"elman": 1, "irnn": 1, "jordan": 1, "lstm": 4, "gru": 3}
GATES.update(clockwork=1, scrn=1)
GATES.update(ntm=4)  # an LSTM controller at most
OPTIMISER_SLOTS = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}
#: a step estimated slower than this is accepted with a warning (the sidebar shows it)
SLOW_STEP_SECONDS = 1.0
#: a step estimated slower than this is refused: nothing interactive is left of such a run
DEFAULT_STEP_SECONDS = 120.0
#: multiply-adds per second of one core on the fused kernels (measured ~9e9 on a 2-core VM),
#: and fewer on the explicit cells, which run per time step in Python
_FUSED_RATE = 8e9
_EXPLICIT_RATE = 4e9
_PER_TIMESTEP_S = 40e-6  # the explicit path's Python overhead per time step, layer, direction
#: what torch, numpy and the interpreter hold before any run (not counted against the budget)
_FLOAT = 4


@dataclass(frozen=True)
class Budget:
    """How much a run may cost: bytes of memory, seconds per training step."""

    memory_bytes: int
    step_seconds: float = DEFAULT_STEP_SECONDS


@dataclass(frozen=True)
class Estimate:
    """What a run is expected to cost; ``parts`` breaks ``memory_bytes`` down by cause."""

    memory_bytes: int
    step_seconds: float
    parts: dict[str, int]

    def describe(self) -> str:
        big = sorted(self.parts.items(), key=lambda kv: -kv[1])[:2]
        causes = ", ".join(f"{name} {human_bytes(size)}" for name, size in big)
        return f"about {human_bytes(self.memory_bytes)} ({causes})"


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover (the loop returns)


def machine_memory() -> int:
    """Physical memory in bytes (POSIX sysconf; 8 GB where the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return 8 * 2**30


def current_budget() -> Budget:
    """The budget from ``RNNVIZ_MEMORY_BUDGET`` / ``RNNVIZ_STEP_SECONDS``, else a quarter of
    the machine's memory and ``DEFAULT_STEP_SECONDS``."""
    memory = _parse_bytes(os.environ.get("RNNVIZ_MEMORY_BUDGET", ""))
    seconds = _parse_seconds(os.environ.get("RNNVIZ_STEP_SECONDS", ""))
    return Budget(memory or machine_memory() // 4, seconds or DEFAULT_STEP_SECONDS)


def _parse_bytes(text: str) -> int | None:
    text = text.strip().upper().removesuffix("B")
    if not text:
        return None
    scale = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}.get(text[-1], 1)
    try:
        value = float(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise SpecError(f"RNNVIZ_MEMORY_BUDGET must be like 800M or 4G (got {text!r})") from None
    if not value > 0 or value == float("inf"):
        raise SpecError(f"RNNVIZ_MEMORY_BUDGET must be a positive size (got {text!r})")
    return int(value)


def _parse_seconds(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise SpecError(f"RNNVIZ_STEP_SECONDS must be a positive number (got {text!r})")
    return value


# -- the estimate ------------------------------------------------------------------------------
def parameter_count(spec: ModelSpec, input_size: int, output_size: int) -> int:
    """Trainable values of the model (the recurrence of every layer and direction, peepholes,
    Jordan's output feedback, the head)."""
    G, H, D = GATES[spec.kind], spec.hidden_size, spec.num_directions
    total = 0
    width = input_size
    for _layer in range(spec.num_layers):
        per_direction = G * H * (width + H) + 2 * G * H + (3 * H if spec.peephole else 0)
        total += D * per_direction
        width = spec.top_width
    if spec.kind == "jordan":
        total += H * output_size
    if spec.kind == "scrn":  # B [S, I], P [H, S]; one bias [H] instead of two
        total += spec.context_size * (input_size + H) - H
    if spec.kind == "ntm":
        return ntm_parameter_count(spec, input_size, output_size)
    return total + output_size * spec.top_width + output_size


def estimate(spec: ModelSpec, task, config) -> Estimate:
    """Memory and seconds of one training step of ``spec`` on ``task`` with ``config``, and of
    the history the run will keep. ``task`` needs ``seq_len``, ``input_size``, ``output_size``."""
    if spec.kind == "ntm":  # a loop over heads and memory, not a stack of chains
        from rnnviz.engine.ntm_budget import ntm_estimate

        return ntm_estimate(spec, task, config)
    T, B = int(task.seq_len), int(config.batch_size)
    G, H = GATES[spec.kind], spec.hidden_size
    chains = spec.num_layers * spec.num_directions
    I, O = int(task.input_size), int(task.output_size)
    P = parameter_count(spec, I, O)
    fused = is_fusable(spec)
    # autograd keeps every gate, the states and the layer output of each time step; the
    # backward pass holds as much again in gradients; the explicit cells about twice that
    per_chain = T * B * H * (G + 4) * _FLOAT
    activations = chains * per_chain * (5 if fused else 8) // 2
    if config.gradients_of == "batch":  # a recorded step's trace and BPTT over the batch
        activations += chains * per_chain * 2
    data = T * B * (I + 3 * O) * _FLOAT * 3  # inputs, targets, mask, outputs and their grads
    weights = P * _FLOAT * (2 + OPTIMISER_SLOTS[config.optimizer])  # + grads + state
    parts = {
        "activations": activations,
        "data": data,
        "weights and optimiser": weights,
        "history": history_bytes(T, H, G, chains, P, config.optimizer),
    }
    return Estimate(sum(parts.values()), step_seconds(spec, T, B, I, fused), parts)


def history_bytes(T: int, H: int, G: int, chains: int, P: int, optimizer: str) -> int:
    """What the run's History keeps at most: full records (trace, dL/dh per unit, recurrent
    matrices), the weight trajectory and checkpoints, each within its byte bound."""
    record = chains * (T * H * (2 * G + 4) * _FLOAT + T * H * 8 + G * H * H * _FLOAT)
    records = min(history_caps.MAX_RECORDS * record, history_caps.RECORD_BYTES) + record
    trajectory = min(history_caps.MAX_TRAJECTORY * P * _FLOAT, history_caps.TRAJECTORY_BYTES)
    state = P * _FLOAT * (1 + OPTIMISER_SLOTS[optimizer])
    checkpoints = min(history_caps.MAX_CHECKPOINTS * state, history_caps.CHECKPOINT_BYTES)
    return records + trajectory + P * _FLOAT + checkpoints + state


def step_seconds(spec: ModelSpec, T: int, B: int, I: int, fused: bool) -> float:
    """Seconds of one training step: forward and backward multiply-adds at one core's rate,
    and the explicit cells' per-time-step Python overhead."""
    G, H, D = GATES[spec.kind], spec.hidden_size, spec.num_directions
    macs, width = 0, I
    for _layer in range(spec.num_layers):
        macs += D * T * B * G * H * (width + H)
        width = spec.top_width
    work = 3 * macs  # forward, and backward for inputs and weights
    chains = spec.num_layers * D
    # a recorded step also runs a hand BPTT over the displayed sequence (a Python loop over
    # t) and an eigen-decomposition (~10 H^3) of each gate block of each recurrent matrix
    record = T * chains * _PER_TIMESTEP_S + G * chains * 10 * H**3 / _FUSED_RATE
    if fused:
        return work / _FUSED_RATE + record
    return work / _EXPLICIT_RATE + 3 * T * chains * _PER_TIMESTEP_S + record


# -- the checks --------------------------------------------------------------------------------
def check_budget(spec: ModelSpec, task, config, budget: Budget | None = None) -> Estimate:
    """The estimate, or SpecError when it is above the budget (one sentence with both)."""
    budget = budget or current_budget()
    cost = estimate(spec, task, config)
    if cost.memory_bytes > budget.memory_bytes:
        raise SpecError(
            f"these settings need {cost.describe()} of memory, above the budget of "
            f"{human_bytes(budget.memory_bytes)}: make seq_len, batch_size, hidden_size or "
            "num_layers smaller (RNNVIZ_MEMORY_BUDGET sets the budget)"
        )
    if cost.step_seconds > budget.step_seconds:
        raise SpecError(
            f"one training step of these settings would take about {cost.step_seconds:.0f} s, "
            f"above the limit of {budget.step_seconds:.0f} s: make seq_len, batch_size or "
            "hidden_size smaller (RNNVIZ_STEP_SECONDS sets the limit)"
        )
    return cost


def slow_step_warning(spec: ModelSpec, task, config) -> str:
    """A sentence for the sidebar when a step will be slow ('' when it will not)."""
    seconds = estimate(spec, task, config).step_seconds
    if seconds < SLOW_STEP_SECONDS:
        return ""
    return (
        f"Slow: one training step will take about {seconds:.1f} s "
        f"({1 / seconds:.2g} steps/s); a smaller seq_len or batch_size is faster."
    )


def ntm_parameter_count(spec: ModelSpec, input_size: int, output_size: int) -> int:
    """An NTM's trainable values (``models/ntm.py``): controller, heads, output, initial
    read vectors and weightings."""
    H, N, W, s = spec.hidden_size, spec.memory_slots, spec.memory_width, spec.shift_range
    R, Kw = spec.read_heads, spec.write_heads
    G = 4 if spec.controller == "lstm" else 1
    controller = G * H * (input_size + R * W + 1)
    if spec.controller == "lstm":
        controller += G * H * (H + 1)
    read_size = W + 3 + 2 * s + 1
    heads = (H + 1) * (R * read_size + Kw * (read_size + 2 * W))
    return controller + heads + output_size * (spec.top_width + 1) + R * W + (R + Kw) * N
