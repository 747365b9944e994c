"""The encoder-decoder (sequence to sequence), optionally with attention.

Encoder: one chain of ``spec.kind`` cells over the source x_1..x_{T_in} (one-hot, [T_in, B, I]),
chain ``enc.fwd``; bidirectional adds ``enc.bwd`` over the reversed source. The encoder states
h_i ([T_in, B, S]) are concat(fwd, bwd) (S = 2H) or their sum (S = H), as ``spec.combine`` says.

Decoder: one chain ``dec.fwd`` of the same kind with S units, started from the encoder's last
state s_0 = h_{T_in} (concat / sum of the forward chain's last and the backward chain's first
state; LSTM: the memory cells likewise). Its input at output step j is the one-hot of the
previous token y_{j-1} over the O output classes and ``<bos>`` (O + 1 columns, ``<bos>`` last);
output class 0 is ``<eos>``. Teacher forcing feeds the target y_{j-1}; greedy decoding feeds its
own argmax and stops after ``<eos>`` or at a cap.

Attention (``spec.attention``), over the encoder states, with alpha_j = softmax_i(e_{j,i}):

- ``none``:     s_j = cell([y_{j-1}], s_{j-1}),          logits_j = W_o s_j + b_o
  (the last encoder state is the only path from input to output: the bottleneck);
- ``additive`` (Bahdanau et al. 2015): e_{j,i} = v^T tanh(W_q s_{j-1} + W_k h_i + b_k),
  c_j = sum_i alpha_{j,i} h_i,  s_j = cell([y_{j-1}; c_j], s_{j-1}),
  logits_j = W_o [s_j; c_j] + b_o;
- ``dot`` (Luong et al. 2015): s_j = cell([y_{j-1}], s_{j-1}), e_{j,i} = s_j . h_i,
  c_j = sum_i alpha_{j,i} h_i,  logits_j = W_o [s_j; c_j] + b_o.

The cells are the explicit ones of ``lstm.py`` / ``gru.py`` / ``elman.py`` (torch's equations,
parameters held in torch.nn.LSTM / GRU / RNN modules), so the traces carry every gate.
A batch holds sources of one length (the tasks bucket them): no encoder padding.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rnnviz.engine.spec import ModelSpec

from .activations import get_activation
from .elman import run_elman
from .gru import run_gru
from .lstm import run_lstm
from .model import ModelOutput, RecurrentModel
from .weights import WeightsMixin

EOS = 0
"""Output class 0 is ``<eos>``; the decoder's extra input column (index O) is ``<bos>``."""

ENCODER_CHAINS = ("enc.fwd", "enc.bwd")
DECODER_CHAIN = "dec.fwd"


@dataclass
class Seq2SeqOutput(ModelOutput):
    """``y``: [T_out, B, O] logits; ``attention``: alpha [T_out, B, T_in] (None without
    attention); ``tokens``: the fed-back argmax [T_out, B] (greedy decoding only)."""

    attention: Tensor | None = None
    tokens: Tensor | None = None


class Seq2SeqModel(WeightsMixin, nn.Module):
    """An encoder-decoder built from a ModelSpec with ``seq2seq`` true; see the module
    docstring. ``spec.input_size``: source classes I; ``spec.output_size``: output classes O."""

    fused_available = False  # the decoder's steps depend on each other through attention

    def __init__(self, spec: ModelSpec, seed: int = 0) -> None:
        super().__init__()
        spec.validate()
        self.spec = spec
        H, S, O = spec.hidden_size, spec.top_width, spec.output_size
        # each chain is a one-layer RecurrentModel whose identity head outputs its states
        chain = replace(
            spec,
            seq2seq=False,
            attention="none",
            bidirectional=False,
            head="identity",
            output_size=H,
        )
        self.encoder = RecurrentModel(chain, seed=seed)
        self.encoder_bwd = RecurrentModel(chain, seed=seed + 1) if spec.bidirectional else None
        dec_in = O + 1 + (S if spec.attention == "additive" else 0)
        self.decoder = RecurrentModel(
            replace(chain, input_size=dec_in, hidden_size=S, output_size=S), seed=seed + 2
        )
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed + 3)
            if spec.attention == "additive":
                self.attn_query = nn.Linear(S, S, bias=False)  # W_q
                self.attn_key = nn.Linear(S, S)  # W_k, b_k
                self.attn_v = nn.Linear(S, 1, bias=False)  # v
            self.head = nn.Linear(S * (1 if spec.attention == "none" else 2), O)

    # ----------------------------------------------------------------- description
    @property
    def chains(self) -> tuple[str, ...]:
        return (*ENCODER_CHAINS[: self.spec.num_directions], DECODER_CHAIN)

    @property
    def gate_names(self) -> tuple[str, ...]:
        return self.decoder.gate_names

    @torch.no_grad()
    def recurrent_matrices(self) -> dict[str, Tensor]:
        """Each chain's hidden-to-hidden matrices, named like ``"enc.fwd W_hh (f)"``."""
        result = {}
        for chain, part in zip(self.chains, self._chain_models(), strict=True):
            for name, matrix in part.recurrent_matrices().items():
                result[name.replace("L0.fwd", chain)] = matrix
        return result

    def _chain_models(self) -> list[RecurrentModel]:
        parts = [self.encoder, self.encoder_bwd, self.decoder]
        return [p for p in parts if p is not None]

    # ----------------------------------------------------------------- encoder
    def encode(self, x: Tensor, keep_states: bool = False) -> tuple[Tensor, tuple, dict, dict]:
        """x [T_in, B, I] -> encoder states h_i [T_in, B, S], the decoder's start (s_0, c_0)
        ([B, S] each; c_0 None but for LSTM), the traces and (keep_states) the states."""
        self._check_source(x)
        trace, states = {}, {}
        out = self.encoder(x, keep_states=keep_states)
        trace["enc.fwd"], h_f = out.trace["L0.fwd"], out.trace["L0.fwd"]["h"]
        if keep_states:
            states["enc.fwd"] = out.states["L0.fwd"]
        last_h, last_c = [h_f[-1]], [trace["enc.fwd"]["c"][-1]] if self.spec.is_lstm else None
        encoded = h_f  # [T_in, B, H]
        if self.encoder_bwd is not None:
            back = self.encoder_bwd(x.flip(0), keep_states=keep_states)  # reads x_T .. x_1
            trace["enc.bwd"] = {k: v.flip(0) for k, v in back.trace["L0.fwd"].items()}
            if keep_states:
                states["enc.bwd"] = {k: v[::-1] for k, v in back.states["L0.fwd"].items()}
            h_b = trace["enc.bwd"]["h"]  # [T_in, B, H], time-ordered
            last_h.append(h_b[0])  # the backward chain ends at t = 1
            if last_c is not None:
                last_c.append(trace["enc.bwd"]["c"][0])
            encoded = self._combine([h_f, h_b])  # [T_in, B, S]
        s0 = self._combine(last_h)  # [B, S]
        c0 = self._combine(last_c) if last_c is not None else None
        return encoded, (s0, c0), trace, states

    def _combine(self, parts: list[Tensor]) -> Tensor:
        if len(parts) == 1:
            return parts[0]
        return parts[0] + parts[1] if self.spec.combine == "sum" else torch.cat(parts, -1)

    # ----------------------------------------------------------------- decoder
    def forward_batch(self, batch, truncate: int = 0, keep_states: bool = False):
        """Teacher forcing on a task batch: ``batch.x`` the sources [T_in, B, I], ``batch.y``
        the targets [T_out, B] (ending in ``<eos>``, padded after it); the decoder reads
        ``<bos>``, y_1 .. y_{T_out - 1}. Returns logits [T_out, B, O], traces, attention."""
        if truncate:
            raise ValueError("truncated BPTT does not apply to an encoder-decoder")
        bos = torch.full_like(batch.y[:1], self.spec.output_size)  # [1, B]
        fed = torch.cat([bos, batch.y[:-1]], 0)  # [T_out, B]
        return self._decode(batch.x, fed.unbind(0), None, keep_states)

    @torch.no_grad()
    def greedy(self, x: Tensor, cap: int) -> Seq2SeqOutput:
        """Greedy decoding of sources x [T_in, B, I]: each step feeds back its argmax, until
        every sequence has emitted ``<eos>`` or ``cap`` tokens were produced."""
        if cap < 1:
            raise ValueError(f"the decoding cap must be at least 1 (got {cap})")
        return self._decode(x, None, cap, keep_states=False)

    def _decode(self, x: Tensor, fed, cap: int | None, keep_states: bool) -> Seq2SeqOutput:
        """The decoder over ``fed`` tokens (teacher forcing) or its own argmax up to ``cap``."""
        encoded, (s, c), trace, states = self.encode(x, keep_states)
        keys = self.attn_key(encoded) if self.spec.attention == "additive" else None
        prev = torch.full_like(x[0, :, 0], self.spec.output_size, dtype=torch.long)  # <bos>
        done = torch.zeros_like(prev, dtype=torch.bool)
        steps: dict[str, list[Tensor]] = {}
        logits, alphas, tokens, h_list, c_list = [], [], [], [], []  # one per output step
        for j in range(len(fed) if fed is not None else cap):
            tok = fed[j] if fed is not None else prev
            inp = F.one_hot(tok, self.spec.output_size + 1).to(x.dtype)  # [B, O + 1]
            alpha = context = None
            if keys is not None:  # Bahdanau: the previous state asks
                alpha, context = self._attend_additive(s, keys, encoded)
                inp = torch.cat([inp, context], -1)
            step, s, c = self._cell(inp, s, c)
            if self.spec.attention == "dot":  # Luong: the new state asks
                scores = torch.einsum("tbs,bs->tb", encoded, s)  # [T_in, B]  e_i = h_i . s
                alpha, context = _attend(scores, encoded)
            out = self.head(s if context is None else torch.cat([s, context], -1))  # [B, O]
            for name, value in step.items():
                steps.setdefault(name, []).append(value)
            h_list.append(s)
            c_list.append(c)
            logits.append(out)
            if alpha is not None:
                alphas.append(alpha.t())  # [B, T_in]
            prev = out.argmax(-1)
            tokens.append(prev)
            if fed is None:
                done = done | (prev == EOS)
                if bool(done.all()):
                    break
        trace[DECODER_CHAIN] = {k: torch.stack(v) for k, v in steps.items()}  # [T_out, B, S]
        if keep_states:
            states[DECODER_CHAIN] = {"h": h_list, **({"c": c_list} if c is not None else {})}
        return Seq2SeqOutput(
            y=torch.stack(logits),  # [T_out, B, O]
            trace=trace,
            states=states,
            attention=torch.stack(alphas) if alphas else None,  # [T_out, B, T_in]
            tokens=torch.stack(tokens) if fed is None else None,  # [T_out, B]
        )

    def _attend_additive(self, s: Tensor, keys: Tensor, encoded: Tensor):
        """e_i = v^T tanh(W_q s + W_k h_i + b_k): s [B, S], keys [T_in, B, S]."""
        scores = self.attn_v(torch.tanh(keys + self.attn_query(s))).squeeze(-1)  # [T_in, B]
        return _attend(scores, encoded)

    def _cell(self, inp: Tensor, h: Tensor, c: Tensor | None):
        """One decoder step: inp [B, I_dec], h, c [B, S] -> (trace {name: [B, S]}, h, c)."""
        dec, spec = self.decoder, self.spec
        w_ih, b_ih = dec._param("weight_ih", 0, 0), dec._param("bias_ih", 0, 0)
        w_hh, b_hh = dec._param("weight_hh", 0, 0), dec._param("bias_hh", 0, 0)
        if spec.kind == "gru":
            result = run_gru(F.linear(inp, w_ih, b_ih)[None], w_hh, b_hh, h)
        elif spec.kind == "lstm":
            tanh = get_activation("tanh")
            result = run_lstm(F.linear(inp, w_ih, b_ih + b_hh)[None], w_hh, h, c, tanh, tanh)
        else:
            act = get_activation(spec.activation)
            result = run_elman(F.linear(inp, w_ih, b_ih + b_hh)[None], w_hh, h, act)
        step = {k: v[0] for k, v in result.trace.items()}  # [B, S] each
        return step, result.h[0], (result.c[0] if result.c is not None else None)

    def _check_source(self, x: Tensor) -> None:
        want = self.spec.input_size
        if not isinstance(x, Tensor) or x.dim() != 3 or x.shape[2] != want or x.shape[0] < 1:
            shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
            raise ValueError(f"the encoder needs sources of shape [T_in >= 1, B, {want}] ({shape})")


def _attend(scores: Tensor, encoded: Tensor) -> tuple[Tensor, Tensor]:
    """alpha = softmax over the T_in source positions of ``scores`` [T_in, B]; context =
    sum_i alpha_i h_i [B, S] over the encoder states ``encoded`` [T_in, B, S]."""
    alpha = torch.softmax(scores, 0)  # [T_in, B]
    context = torch.einsum("tb,tbs->bs", alpha, encoded)  # [B, S]
    return alpha, context
