"""The lecture's hand-wired LSTM.

Input (x1, x2, x3): x2 = 1 adds x1 to the memory, x2 = -1 resets it, x3 = 1 outputs it::

    z_i = 100 x2 - 10,  z_f = 100 x2 + 10,  z_o = 100 x3 - 10,  z = x1,  linear g and h

On x1 = 1 3 2 4 2 1 3 6 1, x2 = 0 1 0 1 0 0 -1 1 0, x3 = 0 0 0 0 0 1 0 0 1 the outputs are
0 0 0 0 0 7 0 0 6.
"""

from __future__ import annotations

import numpy as np

from rnnviz.engine.spec import ModelSpec

LECTURE_LSTM_SPEC = ModelSpec(
    kind="lstm",
    input_size=3,
    hidden_size=1,
    output_size=1,
    head="identity",
    cell_input_activation="linear",
    cell_output_activation="linear",
)

LECTURE_X = np.array(
    [
        [1, 3, 2, 4, 2, 1, 3, 6, 1],
        [0, 1, 0, 1, 0, 0, -1, 1, 0],
        [0, 0, 0, 0, 0, 1, 0, 0, 1],
    ],
    dtype=np.float32,
).T  # [T=9, 3]
LECTURE_Y = np.array([0, 0, 0, 0, 0, 7, 0, 0, 6], dtype=np.float32)  # [T]


def lecture_lstm_weights() -> dict[str, np.ndarray]:
    """Weights for LECTURE_LSTM_SPEC (packed rows i, f, g, o; no recurrent weights)."""
    w_ih = np.array(
        [
            [0, 100, 0],  # i
            [0, 100, 0],  # f
            [1, 0, 0],  # g (cell input z = x1)
            [0, 0, 100],  # o
        ],
        dtype=np.float32,
    )  # [4H, I]
    return {
        "rnn.weight_ih_l0": w_ih,
        "rnn.weight_hh_l0": np.zeros((4, 1), dtype=np.float32),
        "rnn.bias_ih_l0": np.array([-10, 10, 0, -10], dtype=np.float32),
        "rnn.bias_hh_l0": np.zeros(4, dtype=np.float32),
    }
