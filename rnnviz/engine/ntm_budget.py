"""The cost of a Neural Turing Machine's training step (``models/ntm.py``), for ``budget.py``.

Per time step and sequence the NTM does the controller's multiply-adds, the heads' linear
map, the output's, and for each of its K = R + K_w heads a pass over the N x W memory
(content similarity, read, erase and add), and autograd keeps the memory M_t and the
erase / add products of every step. Its step is a Python loop of some 60 small operations
per time step: at the sizes of the presets that overhead, not the arithmetic, is the time
(measured: about 0.1 s for T = 17, B = 32, H = 64, N = 32, W = 12 on one core).
"""

from __future__ import annotations

from rnnviz.engine.budget import (
    _EXPLICIT_RATE,
    _FLOAT,
    OPTIMISER_SLOTS,
    Estimate,
    history_bytes,
    ntm_parameter_count,
)
from rnnviz.engine.spec import ModelSpec

#: forward and backward of one time step's small operations (measured, one core)
NTM_PER_TIMESTEP_S = 4e-3


def ntm_estimate(spec: ModelSpec, task, config) -> Estimate:
    """Memory and seconds of one training step of the NTM ``spec`` on ``task``."""
    T, B = int(task.seq_len), int(config.batch_size)
    I, O = int(task.input_size), int(task.output_size)
    H, N, W = spec.hidden_size, spec.memory_slots, spec.memory_width
    K, shifts = spec.read_heads + spec.write_heads, 2 * spec.shift_range + 1
    G = 4 if spec.controller == "lstm" else 1
    P = ntm_parameter_count(spec, I, O)
    per_sequence = G * H * (I + spec.read_heads * W + H) + P + 6 * K * N * W + K * N * shifts
    work = 3 * T * B * per_sequence  # forward, and backward for inputs and weights
    # a recorded step runs the shown sequence forward and backward once more
    seconds = work / _EXPLICIT_RATE + 2 * T * NTM_PER_TIMESTEP_S
    # kept for backward per step and sequence: the controller's gates, M_t and the erase /
    # add products (a few N x W each), the weightings through each addressing stage
    per_step = B * (12 * G * H + 10 * N * W + 8 * K * N * (shifts + 2) + 6 * K * W)
    activations = 2 * T * per_step * _FLOAT
    data = T * B * (I + 3 * O) * _FLOAT * 3
    weights = P * _FLOAT * (2 + OPTIMISER_SLOTS[config.optimizer])
    # a record keeps the shown sample's memory [T, N, W] and weightings besides the trace
    record_width = N * W + K * (N + W + shifts + 3) + W
    parts = {
        "activations": activations,
        "data": data,
        "weights and optimiser": weights,
        "history": history_bytes(T, H + record_width // 4, G, 1, P, config.optimizer),
    }
    return Estimate(sum(parts.values()), seconds, parts)
