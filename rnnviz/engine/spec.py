"""The declarative model spec: plain data that presets and session files can name.

A spec says *what* recurrent model to build; `rnnviz.engine.models.build_model(spec)` builds it.

Kinds
-----
- ``elman``:  h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), f = ``activation``.
- ``irnn``:   Elman with f = ReLU, W_hh initialised to the identity, b = 0 and small
  input weights (Le, Jaitly & Hinton 2015).
- ``jordan``: h_t = f(W_ih x_t + b_ih + W_yh y_{t-1} + b_hh), y_t = head(h_t): the previous
  *output* feeds the hidden layer (single layer, unidirectional).
- ``lstm``:   LSTM with forget gate; ``peephole``, ``forget_gate=False`` (Hochreiter &
  Schmidhuber 1997) and the cell-input / cell-output activations are options.
- ``gru``:    GRU with update and reset gates (torch's formulation).
- ``clockwork``: Clockwork RNN (Koutnik et al. 2014): the hidden units split into modules
  with periods ``clock_periods`` (fastest first); module i updates only when t mod T_i == 0
  and reads only itself and the slower modules (``models/clockwork.py``).
- ``scrn``:   Structurally Constrained Recurrent Network (Mikolov et al. 2015): a slow
  context layer s_t = (1 - alpha) B x_t + alpha s_{t-1} of ``context_size`` units beside the
  hidden layer; the head reads both (``models/scrn.py``).

- ``ntm``:    Neural Turing Machine (Graves, Wayne & Danihelka 2014): an LSTM or feedforward
  ``controller`` with ``read_heads`` / ``write_heads`` over a ``memory_slots`` x
  ``memory_width`` memory, shifts in {-``shift_range`` .. ``shift_range``}
  (``models/ntm.py``).

``seq2seq``: an encoder-decoder of ``kind`` cells (``models/seq2seq.py``), ``attention``
``none`` (the decoder starts from the encoder's last state only), ``additive`` (Bahdanau et al.
2015) or ``dot`` (Luong et al. 2015).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from rnnviz.engine.errors import SpecError, named
from rnnviz.engine.schema import Field, check_fields, check_mapping

KINDS = ("elman", "irnn", "jordan", "lstm", "gru")
KINDS = (*KINDS, "clockwork", "scrn")  # the other remedies for vanishing gradients
KINDS = (*KINDS, "ntm")  # a controller with heads over an external memory
NTM_CONTROLLERS = ("lstm", "feedforward")
ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")
HEADS = ("linear", "identity")
COMBINES = ("concat", "sum")
ATTENTIONS = ("none", "additive", "dot")
SEQ2SEQ_KINDS = ("elman", "gru", "lstm")

#: every field's declared type and range (``schema.py``); the cost of a combination of sizes
#: is checked by ``budget.py`` when a trainer is built
MODEL_FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("kind", "choice", choices=KINDS),
        Field("input_size", "int", 1, 4096),
        Field("hidden_size", "int", 1, 1024, label="units per layer"),
        Field("output_size", "int", 1, 4096),
        Field("num_layers", "int", 1, 8),
        Field("bidirectional", "bool"),
        Field("combine", "choice", choices=COMBINES),
        Field("activation", "choice", choices=ACTIVATIONS),
        Field("peephole", "bool"),
        Field("forget_gate", "bool"),
        Field("cell_input_activation", "choice", choices=ACTIVATIONS),
        Field("cell_output_activation", "choice", choices=ACTIVATIONS),
        Field("head", "choice", choices=HEADS),
        # a fixed initial hidden value; beyond +-1000 every squashing unit is saturated anyway
        Field("h0", "float", -1000.0, 1000.0, optional=True, label="initial hidden value"),
        Field("clock_periods", "ints", 1, 100_000, label="Clockwork module periods"),
        Field("context_size", "int", 1, 1024, label="SCRN context units"),
        Field("context_alpha", "float", 0.0, 1.0, high_open=True, label="SCRN context decay"),
        Field("seq2seq", "bool", label="encoder-decoder"),
        Field("attention", "choice", choices=ATTENTIONS),
        Field("crf", "bool", label="CRF output layer"),
        Field("memory_slots", "int", 1, 4096, label="NTM memory slots N"),
        Field("memory_width", "int", 1, 1024, label="NTM memory width W"),
        Field("read_heads", "int", 1, 8, label="NTM read heads"),
        Field("write_heads", "int", 1, 8, label="NTM write heads"),
        Field("shift_range", "int", 0, 2047, label="NTM shift range"),
        Field("controller", "choice", choices=NTM_CONTROLLERS, label="NTM controller"),
    )
}

__all__ = ["MODEL_FIELDS", "ModelSpec", "SpecError"]


@dataclass(frozen=True)
class ModelSpec:
    """Plain-data description of a recurrent model.

    ``head``: ``linear`` maps the top layer's (combined) hidden state to ``output_size``
    values per time step; ``identity`` outputs the hidden state itself (output_size must
    equal the top layer width), as the one-neuron toys of the lecture need.
    ``h0``: a fixed initial hidden value for every unit (None: zeros).
    ``clock_periods`` (clockwork): the period T_i of each module, fastest first (non-decreasing);
    ``hidden_size`` must be divisible by their number.
    ``context_size`` (scrn): S, the slow context units; ``context_alpha``: alpha in
    s_t = (1 - alpha) B x_t + alpha s_{t-1}, fixed (not trained), 0 <= alpha < 1.
    ``seq2seq``: an encoder-decoder (one layer each; the encoder may be bidirectional) with
    ``attention`` none / additive / dot.
    ``crf``: a linear-chain CRF over the head's per-step tag scores (``crf_objective.py``):
    learned transitions, trained by the CRF's likelihood, decoded by Viterbi.
    ``memory_slots`` N, ``memory_width`` W, ``read_heads``, ``write_heads``, ``shift_range``
    s (shifts -s..s, 2s + 1 <= N) and ``controller`` (lstm / feedforward): the NTM's.
    """

    kind: str = "lstm"
    input_size: int = 1
    hidden_size: int = 8
    output_size: int = 1
    num_layers: int = 1
    bidirectional: bool = False
    combine: str = "concat"
    activation: str = "tanh"
    peephole: bool = False
    forget_gate: bool = True
    cell_input_activation: str = "tanh"
    cell_output_activation: str = "tanh"
    head: str = "linear"
    h0: float | None = None
    clock_periods: tuple[int, ...] = (1, 2, 4, 8)
    context_size: int = 8
    context_alpha: float = 0.95
    seq2seq: bool = False
    attention: str = "none"
    crf: bool = False
    memory_slots: int = 32
    memory_width: int = 8
    read_heads: int = 1
    write_heads: int = 1
    shift_range: int = 1
    controller: str = "lstm"

    def __post_init__(self) -> None:
        self.validate()

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def top_width(self) -> int:
        """Width of what the head reads: H, or 2H for a concatenated bidirectional model."""
        if self.bidirectional and self.combine == "concat":
            return 2 * self.hidden_size
        if self.kind == "scrn":  # the head reads concat(h_t, s_t)
            return self.hidden_size + self.context_size
        if self.kind == "ntm":  # the head reads concat(h_t, r_t^1 .. r_t^R)
            return self.hidden_size + self.read_heads * self.memory_width
        return self.hidden_size

    @property
    def cell_kind(self) -> str:
        """The recurrent cell the panels draw: an NTM's LSTM controller is an LSTM cell."""
        if self.kind == "ntm":
            return "lstm" if self.controller == "lstm" else "ntm_feedforward"
        return self.kind

    @property
    def is_lstm(self) -> bool:
        return self.kind == "lstm"

    def validate(self) -> None:
        """Each field against its declaration, then the rules between fields."""
        for name, value in check_fields(self, MODEL_FIELDS, "model").items():
            object.__setattr__(self, name, value)  # normalised: an int h0 becomes a float

        def need(cond: bool, msg: str) -> None:
            if not cond:
                raise SpecError(msg)

        if self.kind == "jordan":
            need(
                self.num_layers == 1 and not self.bidirectional,
                "a Jordan network has one unidirectional layer (its output feeds back)",
            )
        if self.kind == "clockwork":
            _check_clock(self.clock_periods, self.hidden_size)
        if self.kind == "scrn":
            need(
                self.num_layers == 1 and not self.bidirectional,
                "an SCRN has one unidirectional layer here (its head reads the slow context "
                "s_t beside h_t, which a layer above or a backward chain would have no place for)",
            )
        if self.kind == "ntm":
            _check_ntm(self)
        if self.head == "identity":
            need(
                self.output_size == self.top_width,
                f"an identity head needs output_size == {self.top_width} (the hidden width)",
            )
        if self.peephole or not self.forget_gate:
            need(self.kind == "lstm", "peephole / no-forget-gate options apply to LSTM only")
        if self.seq2seq:
            need(
                self.kind in SEQ2SEQ_KINDS and not self.peephole and self.forget_gate,
                "an encoder-decoder is built from plain elman, gru or lstm cells",
            )
            need(
                self.num_layers == 1 and self.head == "linear" and self.h0 is None,
                "an encoder-decoder has one layer, a linear head and a zero initial state",
            )
        else:
            need(self.attention == "none", "attention needs an encoder-decoder (seq2seq)")
        if self.crf:
            need(
                not self.seq2seq and self.head == "linear",
                "a CRF output layer scores tags with a linear head, not on an encoder-decoder",
            )

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelSpec:
        check_mapping(data, "model")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SpecError(f"unknown model setting(s): {named(unknown)}")
        return cls(**data)


def _check_clock(periods: tuple[int, ...], hidden_size: int) -> None:
    """Clockwork modules: fastest first, and an equal share of the hidden units each."""
    if not periods:
        raise SpecError("model.clock_periods needs at least one period (e.g. 1, 2, 4, 8)")
    if any(b < a for a, b in zip(periods, periods[1:], strict=False)):
        raise SpecError(
            f"model.clock_periods must not decrease (fastest module first; got {list(periods)})"
        )
    if hidden_size % len(periods):
        raise SpecError(
            f"a Clockwork RNN splits its {hidden_size} hidden units into {len(periods)} equal "
            f"modules (one per clock period): hidden_size must be divisible by {len(periods)}"
        )


def _check_ntm(spec: ModelSpec) -> None:
    """An NTM: one controller, a linear head, and shifts that land on distinct slots."""
    if spec.num_layers != 1 or spec.bidirectional:
        raise SpecError(
            "an NTM has one unidirectional controller layer (num_layers 1, not bidirectional)"
        )
    if spec.head != "linear" or spec.h0 is not None or spec.seq2seq:
        raise SpecError(
            "an NTM reads its output through a linear head from the controller and the read "
            "vectors, and starts from learned states (head linear, no h0, no seq2seq)"
        )
    if 2 * spec.shift_range + 1 > spec.memory_slots:
        raise SpecError(
            f"model.shift_range (NTM shift range) must be at most (memory_slots - 1) / 2 = "
            f"{(spec.memory_slots - 1) // 2}, so that each of the shifts "
            f"-{spec.shift_range}..{spec.shift_range} lands on a different one of the "
            f"{spec.memory_slots} memory slots (got {spec.shift_range})"
        )
