"""The Neural Turing Machine (Graves, Wayne & Danihelka 2014), built as Collier & Beel 2018
("Implementing Neural Turing Machines", ICANN) found it trains reliably.

Shapes: T steps, B sequences, I inputs, H controller units, R read heads, K_w write heads,
N memory slots of width W, s = ``shift_range``, O outputs. At each step t::

    u_t = [x_t ; r_{t-1}^1 .. r_{t-1}^R]                          [B, I + R W]
    h_t = LSTM(u_t, (h_{t-1}, c_{t-1}))   (``controller="lstm"``, torch's LSTM equations)
        = tanh(W_ih u_t + b_ih)           (``controller="feedforward"``)        [B, H]
    p_t = clip(W_p h_t + b_p, -20, 20)    every head's raw parameters (``heads``)
    per head: k_t = p (linear) [W], beta_t = softplus(p) >= 0, g_t = sigmoid(p) in [0, 1],
              s_t = softmax(p) over the 2s + 1 shifts -s..s, gamma_t = 1 + softplus(p) >= 1;
    write heads also: e_t = sigmoid(p) in [0, 1]^W (erase), a_t = tanh(p) [W] (add)
    w_t = address(M_{t-1}, w_{t-1}, k, beta, g, s, gamma)          [B, heads, N]
    r_t = sum_i w_t^read(i) M_{t-1}(i)                            [B, R, W]
    M_t = write(M_{t-1}, w_t^write, e_t, a_t)                     [B, N, W]
    y_t = W_o [h_t ; r_t] + b_o                                   [B, O]

``ntm_heads.py`` holds the addressing equations (content, interpolation, circular shift,
sharpening), the read and the write. As in Collier & Beel's implementation, all heads address
the memory as it was before this step's write, the read heads read that memory, then the
write heads write it; every head keeps its own previous weighting w_{t-1}.

The choices taken from Collier & Beel 2018:
- the memory starts as a small constant, M_0(i, j) = 1e-6 (``MEMORY_INIT``), not learned and
  not random (their best-performing, fastest-converging initialisation);
- the initial read vectors r_0 ([R, W]) and the initial head weightings w_0 =
  softmax(learned logits) ([R + K_w, N]) are learned parameters (``read_init``,
  ``weight_init``), as is every head's previous weighting at t = 1;
- the controller's outputs (the heads' raw parameters p_t) are clipped to [-20, 20]
  (``OUTPUT_CLIP``) so that a large key or sharpening cannot overflow the softmax or w^gamma.
The add vector's tanh is rnnviz's choice (it keeps the memory bounded).

Parameters: ``rnn.weight_ih_l0`` [G H, I + R W], ``rnn.bias_ih_l0`` [G H] and, for the LSTM
controller, ``rnn.weight_hh_l0`` [4 H, H], ``rnn.bias_hh_l0`` [4 H] (torch's gate order i, f,
g, o; G = 4, feedforward G = 1); ``heads.weight`` / ``heads.bias``; ``head.weight`` [O, H +
R W] / ``head.bias``; ``read_init``, ``weight_init``.

Trace: chain ``L0.fwd`` is the controller (LSTM: z, g, z_i, i, z_f, f, z_o, o, c, h;
feedforward: a, h; each [T, B, H]); ``ntm`` holds ``read_weights`` [T, B, R, N],
``write_weights`` [T, B, K_w, N], ``memory`` [T, B, N, W] (M_t after the step's write),
``read_vectors`` [T, B, R, W] and each head's parameters: ``read_key`` / ``write_key`` [T, B,
heads, W], ``read_beta``, ``read_g``, ``read_gamma`` (and write_) [T, B, heads],
``read_shift`` / ``write_shift`` [T, B, heads, 2s + 1], ``erase`` and ``add`` [T, B, K_w, W].
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rnnviz.engine.spec import ModelSpec

from . import ntm_heads
from .model import ModelOutput
from .weights import WeightsMixin

MEMORY_INIT = 1e-6
OUTPUT_CLIP = 20.0
NTM_CHAIN = "ntm"
"""The trace key of the memory and the heads (not a recurrent chain of units)."""


def head_layout(spec: ModelSpec, write: bool) -> dict[str, int]:
    """How many raw parameters each part of one head takes, in order."""
    W, shifts = spec.memory_width, 2 * spec.shift_range + 1
    parts = {"key": W, "beta": 1, "g": 1, "shift": shifts, "gamma": 1}
    if write:
        parts.update(erase=W, add=W)
    return parts


def head_parameters(raw: Tensor, spec: ModelSpec, write: bool) -> dict[str, Tensor]:
    """The heads' parameters from their clipped raw outputs ``raw`` [B, K, P] (P the sum of
    ``head_layout``): key [B, K, W], beta, g, gamma [B, K], shift [B, K, 2s + 1], erase and
    add [B, K, W], each passed through the function that keeps it in its range."""
    layout = head_layout(spec, write)
    parts = dict(zip(layout, raw.split(list(layout.values()), -1), strict=True))
    params = {
        "key": parts["key"],
        "beta": F.softplus(parts["beta"]).squeeze(-1),
        "g": torch.sigmoid(parts["g"]).squeeze(-1),
        "shift": torch.softmax(parts["shift"], -1),
        "gamma": 1.0 + F.softplus(parts["gamma"]).squeeze(-1),
    }
    if write:
        params["erase"] = torch.sigmoid(parts["erase"])
        params["add"] = torch.tanh(parts["add"])
    return params


class ControllerParams(nn.Module):
    """The controller's weights under torch's LSTM names (one layer)."""

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__()
        gates = 4 if spec.controller == "lstm" else 1
        rows, width = (
            gates * spec.hidden_size,
            spec.input_size + spec.read_heads * spec.memory_width,
        )
        self.weight_ih_l0 = nn.Parameter(torch.zeros(rows, width))
        self.bias_ih_l0 = nn.Parameter(torch.zeros(rows))
        if spec.controller == "lstm":
            self.weight_hh_l0 = nn.Parameter(torch.zeros(rows, spec.hidden_size))
            self.bias_hh_l0 = nn.Parameter(torch.zeros(rows))


class NTMModel(WeightsMixin, nn.Module):
    """A Neural Turing Machine built from a ModelSpec with kind ``ntm``; see the module
    docstring."""

    fused_available = False  # the controller reads what the heads read at the step before

    def __init__(self, spec: ModelSpec, seed: int = 0) -> None:
        super().__init__()
        spec.validate()
        self.spec = spec
        R, Kw, N, W = spec.read_heads, spec.write_heads, spec.memory_slots, spec.memory_width
        self.read_size = sum(head_layout(spec, False).values())
        self.write_size = sum(head_layout(spec, True).values())
        self.rnn = ControllerParams(spec)
        with torch.random.fork_rng(devices=[]):
            self.heads = nn.Linear(spec.hidden_size, R * self.read_size + Kw * self.write_size)
            self.head = nn.Linear(spec.top_width, spec.output_size)
        self.read_init = nn.Parameter(torch.zeros(R, W))
        self.weight_init = nn.Parameter(torch.zeros(R + Kw, N))
        self.register_buffer("memory_init", torch.full((N, W), MEMORY_INIT), persistent=False)
        self._initialise(seed)

    @torch.no_grad()
    def _initialise(self, seed: int) -> None:
        """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for every weight and bias, as torch does; the
        initial read vectors U(-0.1, 0.1), the initial weightings' logits U(-1, 1) (a
        constant memory gives every slot the same content weight: these break the tie)."""
        gen = torch.Generator(device="cpu").manual_seed(int(seed))
        H = self.spec.hidden_size
        for name, param in self.named_parameters():
            if name == "read_init":
                bound = 0.1
            elif name == "weight_init":
                bound = 1.0
            elif name.startswith("rnn."):
                bound = 1.0 / math.sqrt(H)
            else:
                bound = 1.0 / math.sqrt(
                    self.heads.in_features if "heads" in name else self.head.in_features
                )
            param.copy_(torch.empty(param.shape).uniform_(-bound, bound, generator=gen))

    # ----------------------------------------------------------------- description
    @property
    def chains(self) -> tuple[str, ...]:
        return ("L0.fwd",)

    @property
    def gate_names(self) -> tuple[str, ...]:
        return ("i", "f", "g", "o") if self.spec.controller == "lstm" else ("",)

    @torch.no_grad()
    def recurrent_matrices(self) -> dict[str, Tensor]:
        """The LSTM controller's W_hh per gate block (the feedforward controller has none)."""
        if self.spec.controller != "lstm":
            return {}
        blocks = self.rnn.weight_hh_l0.split(self.spec.hidden_size, 0)
        return {
            f"L0.fwd W_hh ({gate})": block.detach().clone()
            for gate, block in zip(self.gate_names, blocks, strict=True)
        }

    # ----------------------------------------------------------------- forward
    def forward_batch(self, batch, truncate: int = 0, keep_states: bool = False) -> ModelOutput:
        return self.forward(batch.x, truncate=truncate, keep_states=keep_states)

    def forward(self, x: Tensor, truncate: int = 0, keep_states: bool = False) -> ModelOutput:
        """``x`` [T, B, I] -> outputs [T, B, O] and the trace (module docstring).
        ``truncate=k > 0``: every state carried into every k-th step is a detached copy."""
        _check_input(x, self.spec.input_size, truncate)
        T, B = x.shape[0], x.shape[1]
        state = self.initial_state(B, x)
        lists: dict[str, dict[str, list[Tensor]]] = {"L0.fwd": {}, NTM_CHAIN: {}}
        h_list: list[Tensor] = []
        c_list: list[Tensor] = []
        ys: list[Tensor] = []
        for t in range(T):
            if truncate and t and t % truncate == 0:
                state = {k: v.detach() for k, v in state.items()}
            step = self.step(x[t], state)
            state = step["state"]
            ys.append(step["y"])
            h_list.append(state["h"])
            if "c" in state:
                c_list.append(state["c"])
            for key in lists:
                for name, value in step[key].items():
                    lists[key].setdefault(name, []).append(value)
        trace = {key: {k: torch.stack(v) for k, v in kinds.items()} for key, kinds in lists.items()}
        states = {}
        if keep_states:
            states["L0.fwd"] = {"h": h_list} | ({"c": c_list} if c_list else {})
        return ModelOutput(y=torch.stack(ys), trace=trace, states=states)

    def initial_state(self, batch: int, like: Tensor) -> dict[str, Tensor]:
        """M_0 (the constant), r_0 and w_0 (learned), h_0 = c_0 = 0."""
        spec = self.spec
        weights = torch.softmax(self.weight_init, -1)  # [R + K_w, N]
        state = {
            "memory": self.memory_init.to(like).expand(batch, -1, -1),  # [B, N, W]
            "read": self.read_init.expand(batch, -1, -1),  # [B, R, W]
            "weights": weights.expand(batch, -1, -1),  # [B, R + K_w, N]  read heads first
            "h": like.new_zeros(batch, spec.hidden_size),
        }
        if spec.controller == "lstm":
            state["c"] = like.new_zeros(batch, spec.hidden_size)
        return state

    def step(self, x_t: Tensor, state: dict[str, Tensor]) -> dict:
        """One time step: ``x_t`` [B, I] and the previous ``state`` -> {"state": the new
        state, "y": y_t [B, O], "L0.fwd": the controller's values, "ntm": the heads' and the
        memory's}."""
        spec = self.spec
        B, R, Kw = x_t.shape[0], spec.read_heads, spec.write_heads
        u = torch.cat([x_t, state["read"].reshape(B, -1)], -1)  # [B, I + R W]
        out = self._controller(u, state)
        h = out["h"]
        raw = self.heads(h).clamp(-OUTPUT_CLIP, OUTPUT_CLIP)  # [B, P]
        raw_read, raw_write = raw.split([R * self.read_size, Kw * self.write_size], -1)
        p_read = head_parameters(raw_read.reshape(B, R, -1), spec, write=False)
        p_write = head_parameters(raw_write.reshape(B, Kw, -1), spec, write=True)
        memory = state["memory"]
        # every head addresses M_{t-1}: all of them in one call, read heads first
        both = {k: torch.cat([p_read[k], p_write[k]], 1) for k in p_read}
        weights = ntm_heads.address(memory, state["weights"], both)  # [B, R + K_w, N]
        w_read, w_write = weights.split([R, Kw], 1)  # [B, R, N], [B, K_w, N]
        read = ntm_heads.read(memory, w_read)  # [B, R, W]
        memory = ntm_heads.write(memory, w_write, p_write["erase"], p_write["add"])
        y = self.head(torch.cat([h, read.reshape(B, -1)], -1))  # [B, O]
        new_state = {"memory": memory, "read": read, "weights": weights, "h": h}
        if "c" in out:
            new_state["c"] = out["c"]
        traced = dict(read_weights=w_read, write_weights=w_write, memory=memory, read_vectors=read)
        for name in ("key", "beta", "g", "shift", "gamma"):
            traced[f"read_{name}"] = p_read[name]
            traced[f"write_{name}"] = p_write[name]
        traced.update(erase=p_write["erase"], add=p_write["add"])
        return {"state": new_state, "y": y, "L0.fwd": out, NTM_CHAIN: traced}

    def _controller(self, u: Tensor, state: dict[str, Tensor]) -> dict[str, Tensor]:
        """The controller's step on ``u`` [B, I + R W]: its traced internals, h (and c)."""
        rnn = self.rnn
        if self.spec.controller == "feedforward":
            a = F.linear(u, rnn.weight_ih_l0, rnn.bias_ih_l0)  # [B, H]
            return {"a": a, "h": torch.tanh(a)}
        z = F.linear(u, rnn.weight_ih_l0, rnn.bias_ih_l0) + F.linear(
            state["h"], rnn.weight_hh_l0, rnn.bias_hh_l0
        )  # [B, 4H]  (z_i, z_f, z, z_o)
        z_i, z_f, z_g, z_o = z.split(self.spec.hidden_size, -1)
        i, f, o = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.sigmoid(z_o)
        g = torch.tanh(z_g)
        c = f * state["c"] + i * g
        h = o * torch.tanh(c)
        return {
            "z": z_g,
            "g": g,
            "z_i": z_i,
            "i": i,
            "z_f": z_f,
            "f": f,
            "z_o": z_o,
            "o": o,
            "c": c,
            "h": h,
        }


def _check_input(x: Tensor, input_size: int, truncate: int) -> None:
    if not isinstance(x, Tensor) or x.dim() != 3 or x.shape[2] != input_size:
        shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
        raise ValueError(f"the model needs input of shape [T, B, {input_size}] (got {shape})")
    if not isinstance(truncate, int) or truncate < 0:
        raise ValueError(f"truncate must be a whole number >= 0 (got {truncate!r})")
