"""The lecture's one-neuron toys: the linear RNN (exploding/vanishing) and the cliff."""

from __future__ import annotations

import numpy as np

from rnnviz.engine.tasks._common import (
    BuiltinTask,
    as_numpy,
    fmt,
    last_step_mask,
    make_batch,
    series,
    value_tokens,
)
from rnnviz.engine.tasks.base import Batch, SampleView


class _LastStepTarget(BuiltinTask):
    """Deterministic input (same for every seed and step), one target at the last step."""

    loss_kind = "mse"
    input_size = 1
    output_size = 1
    io_kind = "many_to_one"

    def inputs(self, batch_size: int) -> np.ndarray:
        return np.zeros((self.seq_len, batch_size, 1), dtype=np.float32)

    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        T, B = self.seq_len, batch_size
        y = np.zeros((T, B, 1), dtype=np.float32)
        y[-1] = self.target
        return make_batch(self.inputs(B), y, last_step_mask(T, B), classes=False)

    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [fmt(v) for v in x[:, 0]]
        targets, predicted = value_tokens(y, y_hat, mask)
        text = f"target {fmt(self.target)} at t = {len(x)}"
        if y_hat is not None:
            text += f"; output {float(y_hat.reshape(len(y_hat), -1)[-1, 0]):.6g}"
        return SampleView(inputs, targets, predicted, series(y, y_hat), text)


class LinearToyTask(_LastStepTarget):
    """x = 1, 0, 0, ...; target ``target`` at the last step. For h_t = w h_{t-1} + x_t,
    y_T = w^(T-1)."""

    name = "linear_toy"
    title = "One-neuron linear RNN: exploding and vanishing"
    seq_len = 100
    option_defaults = {"seq_len": 100, "target": 1.0}
    option_bounds = {"seq_len": (2, 100_000)}
    option_help = {"seq_len": "time steps (the lecture uses 1000)", "target": "the last output"}

    def configure(self, seq_len: int, target: float) -> None:
        self.seq_len, self.target = seq_len, target

    def inputs(self, batch_size: int) -> np.ndarray:
        x = np.zeros((self.seq_len, batch_size, 1), dtype=np.float32)
        x[0] = 1.0
        return x

    def describe(self) -> str:
        T = self.seq_len
        return (
            "The lecture's one-neuron linear RNN, h_t = w h_{t-1} + x_t with the output y_t = "
            f"h_t. The input is 1 at the first step and 0 for the other {T - 1} steps, so the "
            f"last output is y_{T} = w^{T - 1}: with w = 1 it is 1, with w slightly above 1 it "
            "explodes, with w slightly below 1 it vanishes -- and so does the gradient "
            f"dy/dw = {T - 1} w^{T - 2}. The loss is the squared error against the target "
            f"{fmt(self.target)} at the last step only: a tiny change of w near 1 moves the loss "
            "enormously, which is why gradient clipping is needed."
        )


class CliffTask(_LastStepTarget):
    """Zero inputs; target 0.7 at the last step. With the cliff preset (one sigmoid unit,
    identity head, h0 = sigmoid(0.5)) the output at t = 50 is sigmoid(x_50) of
    x_t = w sigmoid(x_{t-1}) + b, x_0 = 0.5 (Pascanu, Mikolov & Bengio 2013)."""

    name = "cliff"
    title = "The cliff: a one-unit RNN's loss over (w, b)"
    seq_len = 50
    option_defaults = {"seq_len": 50, "target": 0.7}
    option_bounds = {"seq_len": (2, 100_000)}
    option_help = {"seq_len": "time steps (the paper uses 50)", "target": "the last output"}

    def configure(self, seq_len: int, target: float) -> None:
        self.seq_len, self.target = seq_len, target

    def describe(self) -> str:
        return (
            "The cliff of Pascanu, Mikolov & Bengio (2013): a one-unit recurrent network "
            "x_t = w sigmoid(x_{t-1}) + b, started at x_0 = 0.5 and given no input, must end "
            f"with sigmoid(x_{self.seq_len}) = {fmt(self.target)}. Its loss over the (w, b) "
            "plane is mostly flat plains cut by a steep wall where the iteration's fixed points "
            "change (a bifurcation). Plain gradient descent that hits the wall is thrown far "
            "away; clipping the gradient's norm keeps the step sensible. Loss: squared error at "
            "the last step."
        )
