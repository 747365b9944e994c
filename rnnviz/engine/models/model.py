"""RecurrentModel: stacking, bidirectional chains, the head, the fused path and weight loading.

A model is ``num_layers`` recurrent layers of one cell kind, each with a forward chain
("L{l}.fwd") and, when bidirectional, a backward chain ("L{l}.bwd"). Layer l+1 reads
concat(fwd, bwd) of layer l, as torch does; the head reads concat(fwd, bwd) or fwd + bwd of the
top layer (``spec.combine``). Jordan networks are one forward layer whose output feeds back;
an SCRN is one forward layer whose head reads concat(h_t, s_t).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rnnviz.engine.crf_objective import CRFLayer
from rnnviz.engine.spec import ModelSpec

from .activations import get_activation
from .chain import ChainResult
from .clockwork import clock_mask, run_clockwork
from .elman import run_elman
from .gru import run_gru
from .jordan import run_jordan
from .lstm import run_lstm
from .params import direction_suffix, initialise, is_fusable, make_recurrent_module
from .scrn import run_scrn
from .weights import WeightsMixin


@dataclass
class ModelOutput:
    """What ``model(x)`` returns.

    ``y``: [T, B, O] outputs (head applied, no softmax). ``trace``: {chain: {name: [T, B, H]}},
    time-ordered. ``states``: with keep_states=True, {chain: {"h": T tensors [B, H], "c": ...}}
    (time-ordered, the very tensors in the autograd graph); else empty.
    """

    y: Tensor
    trace: dict[str, dict[str, Tensor]]
    states: dict[str, dict[str, list[Tensor]]] = field(default_factory=dict)


class RecurrentModel(WeightsMixin, nn.Module):
    """A recurrent model built from a ModelSpec; see the module docstring and CONTRACTS.md."""

    def __init__(self, spec: ModelSpec, seed: int = 0) -> None:
        super().__init__()
        spec.validate()
        self.spec = spec
        self.rnn = make_recurrent_module(spec)
        self.head: nn.Linear | None = None
        if spec.head == "linear":
            with torch.random.fork_rng(devices=[]):
                self.head = nn.Linear(spec.top_width, spec.output_size)
        initialise(self.rnn, self.head, spec, seed)
        #: the CRF's transitions and start / end scores (``crf_objective.py``), or None
        self.crf = CRFLayer(spec.output_size) if spec.crf else None

    # ----------------------------------------------------------------- description
    @property
    def fused_available(self) -> bool:
        """True when ``self.rnn`` is a torch.nn.RNN / LSTM / GRU that computes this model."""
        return is_fusable(self.spec)

    @property
    def chains(self) -> tuple[str, ...]:
        dirs = ("fwd", "bwd")[: self.spec.num_directions]
        return tuple(f"L{layer}.{d}" for layer in range(self.spec.num_layers) for d in dirs)

    @property
    def gate_names(self) -> tuple[str, ...]:
        if self.spec.kind == "lstm":
            return ("i", "f", "g", "o") if self.spec.forget_gate else ("i", "g", "o")
        if self.spec.kind == "gru":
            return ("r", "z", "n")
        return ("",)

    def _param(self, base: str, layer: int, direction: int) -> Tensor:
        return getattr(self.rnn, f"{base}_l{layer}{direction_suffix(direction)}")

    # ----------------------------------------------------------------- explicit path
    def forward(self, x: Tensor, truncate: int = 0, keep_states: bool = False) -> ModelOutput:
        """Explicit forward pass. ``x``: [T, B, I]. Returns y, the full trace and (optionally)
        the per-step states in the graph. ``truncate=k > 0``: truncated BPTT every k steps."""
        self._check_input(x, truncate)
        spec = self.spec
        trace: dict[str, dict[str, Tensor]] = {}
        states: dict[str, dict[str, list[Tensor]]] = {}
        layer_input = x  # [T, B, I]
        outs: list[Tensor] = []
        for layer in range(spec.num_layers):
            outs = []
            for direction in range(spec.num_directions):
                chain = f"L{layer}.{'bwd' if direction else 'fwd'}"
                result = self._run_chain(layer_input, layer, direction, truncate)
                trace[chain] = result.trace
                if keep_states:
                    states[chain] = {"h": result.h}
                    if result.c is not None:
                        states[chain]["c"] = result.c
                if result.y is not None:  # Jordan: the head ran inside the loop
                    return ModelOutput(y=result.y, trace=trace, states=states)
                outs.append(_chain_output(result))  # [T, B, H] (SCRN [T, B, H+S])
            layer_input = outs[0] if len(outs) == 1 else torch.cat(outs, -1)  # [T, B, D*H]
        return ModelOutput(y=self._head(self._combine(outs)), trace=trace, states=states)

    def forward_batch(self, batch, truncate: int = 0, keep_states: bool = False) -> ModelOutput:
        """``forward`` on a task batch's inputs (an encoder-decoder also reads its targets)."""
        return self.forward(batch.x, truncate=truncate, keep_states=keep_states)

    def _run_chain(self, inp: Tensor, layer: int, direction: int, truncate: int) -> ChainResult:
        spec = self.spec
        reverse = direction == 1
        if spec.kind == "scrn":
            return self._run_scrn(inp, truncate)
        w_ih = self._param("weight_ih", layer, direction)  # [G*H, I_l]
        b_ih = self._param("bias_ih", layer, direction)  # [G*H]
        b_hh = self._param("bias_hh", layer, direction)  # [G*H]
        batch = inp.shape[1]
        h0 = self._initial_h(batch, inp)  # [B, H]
        if spec.kind == "gru":
            xp = F.linear(inp, w_ih, b_ih)  # [T, B, 3H]
            w_hh = self._param("weight_hh", layer, direction)
            return run_gru(xp, w_hh, b_hh, h0, truncate, reverse)
        xp = F.linear(inp, w_ih, b_ih + b_hh)  # [T, B, G*H]  all input projections at once
        if spec.kind == "jordan":
            w_yh = self._param("weight_yh", layer, direction)  # [H, O]
            head_w = None if self.head is None else self.head.weight
            head_b = None if self.head is None else self.head.bias
            act = get_activation(spec.activation)
            return run_jordan(xp, w_yh, head_w, head_b, act, truncate)
        w_hh = self._param("weight_hh", layer, direction)  # [G*H, H]
        if spec.kind == "lstm":
            peep = None
            if spec.peephole:
                p_f = self._param("weight_pf", layer, direction) if spec.forget_gate else None
                peep = (
                    self._param("weight_pi", layer, direction),
                    p_f,
                    self._param("weight_po", layer, direction),
                )
            return run_lstm(
                xp,
                w_hh,
                h0,
                torch.zeros_like(h0),
                get_activation(spec.cell_input_activation),
                get_activation(spec.cell_output_activation),
                forget_gate=spec.forget_gate,
                peephole=peep,
                truncate=truncate,
                reverse=reverse,
            )
        act = get_activation("relu" if spec.kind == "irnn" else spec.activation)
        if spec.kind == "clockwork":
            return run_clockwork(xp, w_hh, h0, act, spec.clock_periods, truncate, reverse)
        return run_elman(xp, w_hh, h0, act, truncate, reverse)

    def _run_scrn(self, inp: Tensor, truncate: int) -> ChainResult:
        rnn = self.rnn
        bx = F.linear(inp, rnn.weight_is_l0)  # [T, B, S]  B x_t
        ax = F.linear(inp, rnn.weight_ih_l0, rnn.bias_h_l0)  # [T, B, H]  A x_t + b
        h0 = self._initial_h(inp.shape[1], inp)  # [B, H]
        act = get_activation(self.spec.activation)
        alpha = self.spec.context_alpha
        return run_scrn(bx, ax, rnn.weight_sh_l0, rnn.weight_hh_l0, h0, alpha, act, truncate)

    def _initial_h(self, batch: int, like: Tensor) -> Tensor:
        value = 0.0 if self.spec.h0 is None else float(self.spec.h0)
        return like.new_full((batch, self.spec.hidden_size), value)  # [B, H]

    def _combine(self, outs: list[Tensor]) -> Tensor:
        """Top layer's chains -> what the head reads: [T, B, H] or [T, B, 2H]."""
        if len(outs) == 1:
            return outs[0]
        if self.spec.combine == "sum":
            return outs[0] + outs[1]
        return torch.cat(outs, -1)

    def _head(self, top: Tensor) -> Tensor:
        return top if self.head is None else self.head(top)  # [T, B, O]

    def _check_input(self, x: Tensor, truncate: int) -> None:
        if not isinstance(x, Tensor) or x.dim() != 3 or x.shape[2] != self.spec.input_size:
            shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
            raise ValueError(
                f"the model needs input of shape [T, B, {self.spec.input_size}] (got {shape})"
            )
        if not isinstance(truncate, int) or truncate < 0:
            raise ValueError(f"truncate must be a whole number >= 0 (got {truncate!r})")

    # ----------------------------------------------------------------- fused path
    def forward_fused(self, x: Tensor, truncate: int = 0) -> Tensor:
        """Outputs [T, B, O] through torch's fused kernels (same numbers as ``forward``)."""
        return self.forward_fused_layers(x, truncate)[0]

    def forward_fused_layers(self, x: Tensor, truncate: int = 0) -> tuple[Tensor, list[Tensor]]:
        """Outputs [T, B, O] and each layer's output [T, B, D*H] (its chains' h_t side by side,
        forward first), through torch's fused kernels one layer at a time.

        The layer outputs are what ``fused_trace.trace_from_layers`` reads the gates from, so a
        recorded training step needs no second pass. Falls back to the explicit path when no
        fused module exists, and for bidirectional models with truncation (torch's kernel
        cannot chunk the two directions apart).
        """
        self._check_input(x, truncate)
        spec = self.spec
        if not self.fused_available or (truncate and spec.bidirectional):
            out = self.forward(x, truncate=truncate)
            outs = [
                torch.cat(
                    [out.trace[c]["h"] for c in self.chains if c.startswith(f"L{layer}.")], -1
                )
                for layer in range(spec.num_layers)
            ]
            return out.y, outs
        D = spec.num_directions
        h0 = self._initial_h(x.shape[1], x).unsqueeze(0).expand(D, -1, -1).contiguous()
        layer_input, outs = x, []
        for layer in range(spec.num_layers):
            params = [
                self._param(base, layer, d)
                for d in range(D)
                for base in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
            state = (h0, torch.zeros_like(h0)) if spec.kind == "lstm" else h0  # [D, B, H]
            if not truncate:
                out, _ = _fused_layer(spec, layer_input, state, params)
            else:
                chunks = []
                for start in range(0, x.shape[0], truncate):
                    out_k, state = _fused_layer(
                        spec, layer_input[start : start + truncate], state, params
                    )
                    chunks.append(out_k)
                    state = _detach_state(state)
                out = torch.cat(chunks, 0)
            outs.append(out)  # [T, B, D*H]
            layer_input = out
        top = list(outs[-1].split(spec.hidden_size, -1)) if D == 2 else [outs[-1]]
        return self._head(self._combine(top)), outs

    # ----------------------------------------------------------------- recurrent matrices
    @torch.no_grad()
    def recurrent_matrices(self) -> dict[str, Tensor]:
        """Hidden-to-hidden matrices [H, H] (detached copies), per gate block for LSTM / GRU.

        Names: "L0.fwd W_hh (f)" (LSTM / GRU), "L0.fwd W_hh" (Elman / IRNN; Clockwork's masked
        W_hh * M; SCRN's R), Jordan's effective recurrence W_yh W_out (W_yh alone for an
        identity head) as "L0.fwd W_yh·W_out".
        """
        spec = self.spec
        hidden = spec.hidden_size
        result: dict[str, Tensor] = {}
        for chain in self.chains:
            layer = int(chain[1 : chain.index(".")])
            direction = 1 if chain.endswith("bwd") else 0
            if spec.kind == "jordan":
                w_yh = self._param("weight_yh", layer, direction)  # [H, O]
                eff = w_yh if self.head is None else w_yh @ self.head.weight  # [H, H]
                result[f"{chain} W_yh·W_out"] = eff.detach().clone()
                continue
            w_hh = self._param("weight_hh", layer, direction)  # [G*H, H]
            if spec.kind == "clockwork":  # as the forward pass uses it
                w_hh = w_hh * clock_mask(spec.clock_periods, hidden)
            if spec.kind in ("lstm", "gru"):
                for gate, block in zip(self.gate_names, w_hh.split(hidden, 0), strict=True):
                    result[f"{chain} W_hh ({gate})"] = block.detach().clone()
            else:
                result[f"{chain} W_hh"] = w_hh.detach().clone()
        return result


def build_model(spec: ModelSpec, seed: int = 0) -> RecurrentModel:
    """A RecurrentModel (an encoder-decoder for ``spec.seq2seq``) for ``spec``, initialised
    deterministically from ``seed``."""
    if spec.seq2seq:
        from .seq2seq import Seq2SeqModel  # it builds its chains from this module

        return Seq2SeqModel(spec, seed=seed)
    if spec.kind == "ntm":
        from .ntm import NTMModel  # it imports ModelOutput from this module

        return NTMModel(spec, seed=seed)
    return RecurrentModel(spec, seed=seed)


def _chain_output(result: ChainResult) -> Tensor:
    """What the layer above or the head reads of a chain: h_t, or concat(h_t, s_t) (SCRN)."""
    if "s" in result.trace:
        return torch.cat([result.trace["h"], result.trace["s"]], -1)  # [T, B, H+S]
    return result.trace["h"]  # [T, B, H]


def _fused_layer(spec: ModelSpec, inp: Tensor, state, params: list[Tensor]):
    """One layer (both directions) through torch's fused kernel: (out [T, B, D*H], state)."""
    args = (params, True, 1, 0.0, False, spec.bidirectional, False)
    if spec.kind == "lstm":
        out, h, c = torch.lstm(inp, state, *args)
        return out, (h, c)
    if spec.kind == "gru":
        return torch.gru(inp, state, *args)
    relu = spec.kind == "irnn" or spec.activation == "relu"
    return (torch.rnn_relu if relu else torch.rnn_tanh)(inp, state, *args)


def _detach_state(state: Tensor | tuple[Tensor, ...]) -> Tensor | tuple[Tensor, ...]:
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()
