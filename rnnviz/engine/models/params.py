"""Parameter holders and deterministic initialisation.

Standard configurations hold their parameters in a real ``torch.nn.RNN`` / ``LSTM`` / ``GRU``
(so the fused kernel can run them); other variants use ``RecurrentParams``, a plain module with
the same parameter names: ``weight_ih_l{k}[_reverse]``, ``weight_hh_l{k}``, ``bias_ih_l{k}``,
``bias_hh_l{k}`` (torch's packed gate order), peephole ``weight_p{i,f,o}_l{k}`` ([H]) and
Jordan's ``weight_yh_l0`` ([H, O]). The SCRN (``scrn.py``) has ``weight_ih_l0`` (A),
``weight_hh_l0`` (R), ``weight_is_l0`` (B, input -> context [S, I]), ``weight_sh_l0`` (P,
context -> hidden [H, S]) and one hidden bias ``bias_h_l0``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from rnnviz.engine.spec import ModelSpec

from .clockwork import clock_mask

IRNN_INPUT_STD = 0.001
"""Standard deviation of the IRNN's Gaussian input weights (Le, Jaitly & Hinton 2015)."""


def gate_count(spec: ModelSpec) -> int:
    """Packed gate blocks per weight matrix: LSTM 4 (3 without forget gate), GRU 3, else 1."""
    if spec.kind == "lstm":
        return 4 if spec.forget_gate else 3
    if spec.kind == "gru":
        return 3
    return 1


def is_fusable(spec: ModelSpec) -> bool:
    """Whether a torch.nn.RNN / LSTM / GRU computes exactly this model's recurrence."""
    if spec.kind == "lstm":
        return (
            spec.forget_gate
            and not spec.peephole
            and spec.cell_input_activation == "tanh"
            and spec.cell_output_activation == "tanh"
        )
    if spec.kind == "elman":
        return spec.activation in ("tanh", "relu")
    return spec.kind in ("gru", "irnn")


def direction_suffix(direction: int) -> str:
    return "_reverse" if direction else ""


class RecurrentParams(nn.Module):
    """torch-named recurrent parameters for the variants torch has no module for."""

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__()
        if spec.kind == "scrn":
            self._add_scrn(spec)
            return
        hidden = spec.hidden_size
        rows = gate_count(spec) * hidden
        for layer in range(spec.num_layers):
            in_size = spec.input_size if layer == 0 else hidden * spec.num_directions
            for direction in range(spec.num_directions):
                sfx = f"_l{layer}{direction_suffix(direction)}"
                self.register_parameter(f"weight_ih{sfx}", nn.Parameter(torch.zeros(rows, in_size)))
                if spec.kind == "jordan":
                    yh = torch.zeros(hidden, spec.output_size)
                    self.register_parameter(f"weight_yh{sfx}", nn.Parameter(yh))
                else:
                    hh = torch.zeros(rows, hidden)
                    self.register_parameter(f"weight_hh{sfx}", nn.Parameter(hh))
                self.register_parameter(f"bias_ih{sfx}", nn.Parameter(torch.zeros(rows)))
                self.register_parameter(f"bias_hh{sfx}", nn.Parameter(torch.zeros(rows)))
                if spec.kind == "lstm" and spec.peephole:
                    gates = "ifo" if spec.forget_gate else "io"
                    for gate in gates:
                        p = nn.Parameter(torch.zeros(hidden))
                        self.register_parameter(f"weight_p{gate}{sfx}", p)

    def _add_scrn(self, spec: ModelSpec) -> None:
        H, S, I = spec.hidden_size, spec.context_size, spec.input_size
        shapes = {"weight_is": (S, I), "weight_ih": (H, I), "weight_sh": (H, S)}
        shapes.update(weight_hh=(H, H), bias_h=(H,))
        for name, shape in shapes.items():
            self.register_parameter(f"{name}_l0", nn.Parameter(torch.zeros(shape)))


def make_recurrent_module(spec: ModelSpec) -> nn.Module:
    """nn.LSTM / GRU / RNN for fusable specs, else RecurrentParams (values: ``initialise``)."""
    if not is_fusable(spec):
        return RecurrentParams(spec)
    common = dict(
        input_size=spec.input_size,
        hidden_size=spec.hidden_size,
        num_layers=spec.num_layers,
        bidirectional=spec.bidirectional,
    )
    # Constructing a torch RNN draws from the global RNG: fork it so the caller's is untouched.
    with torch.random.fork_rng(devices=[]):
        if spec.kind == "lstm":
            return nn.LSTM(**common)
        if spec.kind == "gru":
            return nn.GRU(**common)
        nonlinearity = "relu" if spec.kind == "irnn" else spec.activation
        return nn.RNN(nonlinearity=nonlinearity, **common)


@torch.no_grad()
def initialise(rnn: nn.Module, head: nn.Module | None, spec: ModelSpec, seed: int) -> None:
    """Deterministic initialisation from a private generator seeded with ``seed``.

    Recurrent parameters: U(-1/sqrt(H), 1/sqrt(H)) as torch does, except the IRNN
    (W_hh = I, biases 0, W_ih ~ N(0, IRNN_INPUT_STD^2)). Linear head: U(-1/sqrt(W), 1/sqrt(W))
    for weight and bias, W its input width. Clockwork: the masked blocks of W_hh are zero.
    """
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    bound = 1.0 / math.sqrt(spec.hidden_size)
    for name, param in rnn.named_parameters():
        values = torch.empty(param.shape)
        if spec.kind == "irnn" and name.startswith("weight_hh"):
            values = torch.eye(spec.hidden_size)
        elif spec.kind == "irnn" and name.startswith("bias"):
            values.zero_()
        elif spec.kind == "irnn" and name.startswith("weight_ih"):
            values.normal_(0.0, IRNN_INPUT_STD, generator=gen)
        else:
            values.uniform_(-bound, bound, generator=gen)
        if spec.kind == "clockwork" and name.startswith("weight_hh"):
            mask = clock_mask(spec.clock_periods, spec.hidden_size).bool()
            values = torch.where(mask, values, 0.0)  # +0.0, not the -0.0 of a product
        param.copy_(values)
    if head is not None:
        head_bound = 1.0 / math.sqrt(head.weight.shape[1])
        for param in (head.weight, head.bias):
            param.copy_(torch.empty(param.shape).uniform_(-head_bound, head_bound, generator=gen))
