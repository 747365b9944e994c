"""Infer a recurrent architecture from a torch state_dict's key names and tensor shapes.

A ``torch.nn.RNN`` / ``LSTM`` / ``GRU`` with ``L`` layers, hidden size ``H``, input size ``I``,
``D`` directions and gate multiple ``G`` (RNN 1, GRU 3, LSTM 4) has, per layer k and
direction (suffix ``""`` or ``"_reverse"``)::

    weight_ih_l{k}{sfx}  [G*H, I_k]   I_0 = I, I_k = D*H above
    weight_hh_l{k}{sfx}  [G*H, H]
    bias_ih_l{k}{sfx}    [G*H]        (both biases absent for bias=False)
    bias_hh_l{k}{sfx}    [G*H]

packed in torch's gate order (LSTM i, f, g, o; GRU r, z, n), which is rnnviz's order too, so
the tensors map one to one onto ``RecurrentModel.rnn``. ``proj_size > 0`` adds
``weight_hr_l{k}`` [P, H]: refused (rnnviz's LSTM has no projection). An optional ``nn.Linear``
head (``fc.weight`` [O, D*H], ``fc.bias`` [O], or ``head.*``) becomes rnnviz's linear head;
without one the model outputs its hidden state (an identity head of D*H outputs).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import torch

from rnnviz.engine.spec import ModelSpec, SpecError

#: prefixes of the recurrent module's keys ("" = a bare nn.RNN/LSTM/GRU state_dict)
RNN_PREFIXES = ("", "rnn", "lstm", "gru")
#: prefixes of an nn.Linear head's keys
HEAD_PREFIXES = ("fc", "head")
#: the gate multiple a prefix promises (a "lstm." module must have 4 gate blocks)
_PREFIX_GATES = {"lstm": 4, "gru": 3}
_KIND_OF_GATES = {1: "elman", 3: "gru", 4: "lstm"}
_TORCH_NAME = {"elman": "nn.RNN", "gru": "nn.GRU", "lstm": "nn.LSTM"}
_RECURRENT = re.compile(r"(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(\d+)(_reverse)?")


@dataclass(frozen=True)
class ImportedModel:
    """A torch model as rnnviz will run it: its ``spec`` and ``weights`` (rnnviz names,
    ``rnn.*`` and ``head.*``, float32 arrays), and what the shapes could not tell.

    ``activation_known``: False for an nn.RNN, whose tanh / relu is not in its state_dict
    (``spec.activation`` is then tanh until the user says otherwise). ``had_bias``: False for
    bias=False modules (their biases are loaded as zeros; rnnviz trains them from there).
    """

    spec: ModelSpec
    weights: dict[str, np.ndarray]
    source: str = ""
    prefix: str = ""
    activation_known: bool = True
    had_bias: bool = True
    has_head: bool = False

    @property
    def torch_class(self) -> str:
        return _TORCH_NAME[self.spec.kind]

    def with_activation(self, activation: str) -> ImportedModel:
        """An nn.RNN's nonlinearity, as the user chose it (tanh or relu)."""
        if self.spec.kind != "elman" or activation not in ("tanh", "relu"):
            raise SpecError("only an nn.RNN's nonlinearity (tanh or relu) can be chosen")
        return replace(self, spec=replace(self.spec, activation=activation))

    def describe(self) -> list[str]:
        """What was inferred, one line each (the Open model dialog and the CLI show them)."""
        s = self.spec
        kind = self.torch_class
        if s.kind == "elman":
            kind += f" ({s.activation})" if self.activation_known else " (tanh or relu?)"
        lines = [
            f"{kind}: input size {s.input_size}, hidden size {s.hidden_size}, "
            f"{s.num_layers} layer(s), {'bidirectional' if s.bidirectional else 'one direction'}",
            "biases: yes" if self.had_bias else "biases: none (held at zero: not trained)",
        ]
        if self.has_head:
            lines.append(f"head: nn.Linear {s.top_width} -> {s.output_size}")
        else:
            lines.append(f"head: none (the {s.output_size} hidden values are the outputs)")
        return lines

    def check_fits(self, task) -> None:
        """SpecError with one sentence when ``task``'s input / output sizes do not fit."""
        s = self.spec
        if task.input_size != s.input_size:
            raise SpecError(
                f"the model reads {s.input_size} input value(s) per step but the task "
                f"'{task.name}' gives {task.input_size}: choose a task (or data) with "
                f"{s.input_size} input(s)"
            )
        if task.output_size != s.output_size:
            raise SpecError(
                f"the model gives {s.output_size} output(s) per step but the task "
                f"'{task.name}' needs {task.output_size}: choose a task (or data) with "
                f"{s.output_size} output(s)"
            )


def infer_model(state_dict: Mapping[str, object], source: str = "") -> ImportedModel:
    """The architecture and rnnviz weights of a state_dict; SpecError naming the key that
    does not fit (unknown, inconsistent shape, proj_size, not finite)."""
    tensors = _without_wrapper_prefix(_checked_tensors(state_dict))
    prefix, recurrent, head = _split_keys(tensors)
    spec_args, weights, had_bias = _recurrent_weights(prefix, recurrent)
    spec_args["head"], spec_args["output_size"] = "identity", spec_args["top"]
    if head:
        weights.update(_head_weights(head, spec_args["top"]))
        spec_args["head"], spec_args["output_size"] = "linear", weights["head.weight"].shape[0]
    top = spec_args.pop("top")
    try:
        spec = ModelSpec(**spec_args)
    except SpecError as exc:
        raise SpecError(f"this model cannot be opened in rnnviz: {exc}") from None
    assert spec.top_width == top
    return ImportedModel(
        spec=spec,
        weights=weights,
        source=source,
        prefix=prefix,
        activation_known=spec.kind != "elman",
        had_bias=had_bias,
        has_head=bool(head),
    )


def _checked_tensors(state_dict: Mapping[str, object]) -> dict[str, torch.Tensor]:
    """Every entry a finite floating-point tensor (a leading DataParallel ``module.`` is
    dropped); SpecError naming the first that is not."""
    if not state_dict:
        raise SpecError("the state_dict is empty: there are no weights to open")
    out: dict[str, torch.Tensor] = {}
    for key, value in state_dict.items():
        if not isinstance(key, str):
            raise SpecError(f"state_dict key {key!r} is not a name")
        if not isinstance(value, torch.Tensor):
            raise SpecError(f"state_dict entry {key!r} is a {type(value).__name__}, not a tensor")
        if not value.is_floating_point():
            raise SpecError(f"state_dict entry {key!r} holds {value.dtype}, not real numbers")
        if not bool(torch.isfinite(value).all()):
            raise SpecError(f"state_dict entry {key!r} holds NaN or infinite weights")
        out[key.removeprefix("module.")] = value.detach().to("cpu", torch.float32)
    return out


def _without_wrapper_prefix(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Keys without a prefix every key shares and no module of ours has (a wrapper's, e.g.
    Lightning's ``model.``): ``model.lstm.weight_ih_l0`` -> ``lstm.weight_ih_l0``."""
    while all("." in key for key in tensors):
        first = {key.split(".", 1)[0] for key in tensors}
        if len(first) != 1 or first & {*RNN_PREFIXES, *HEAD_PREFIXES}:
            break
        tensors = {key.split(".", 1)[1]: value for key, value in tensors.items()}
    return tensors


def _split_keys(tensors: dict[str, torch.Tensor]):
    """(recurrent prefix, {recurrent name: tensor}, {head name: tensor}); SpecError for a key
    that belongs to neither."""
    recurrent: dict[str, dict[str, torch.Tensor]] = {}
    head: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        prefix, _, name = key.rpartition(".")
        if _RECURRENT.fullmatch(name) and prefix in RNN_PREFIXES:
            if name.startswith("weight_hr"):
                raise SpecError(
                    f"state_dict key {key!r} is an LSTM projection (proj_size > 0), which "
                    "rnnviz's LSTM does not have"
                )
            recurrent.setdefault(prefix, {})[name] = value
        elif prefix in HEAD_PREFIXES and name in ("weight", "bias"):
            head.setdefault(prefix, {})[name] = value
        else:
            raise SpecError(
                f"state_dict key {key!r} is not part of an nn.RNN / LSTM / GRU (keys like "
                "weight_ih_l0, bare or under rnn. / lstm. / gru.) or of an nn.Linear head "
                "(fc. or head.)"
            )
    if not recurrent:
        raise SpecError("the state_dict has no recurrent weights (no weight_ih_l0 key)")
    if len(recurrent) > 1 or len(head) > 1:
        names = [p or "(no prefix)" for p in [*recurrent, *head]]
        raise SpecError(
            f"the state_dict holds several modules ({', '.join(names)}): rnnviz opens one "
            "recurrent module with at most one Linear head"
        )
    prefix = next(iter(recurrent))
    head_items = {f"{p}.{n}": v for p, group in head.items() for n, v in group.items()}
    return prefix, recurrent[prefix], head_items


def _recurrent_weights(prefix: str, params: dict[str, torch.Tensor]):
    """Spec fields (plus ``top``, the head's input width) and rnnviz weights from the
    recurrent tensors, every shape checked against the first layer's."""
    dotted = f"{prefix}." if prefix else ""
    first = params.get("weight_ih_l0")
    hh = params.get("weight_hh_l0")
    if first is None or hh is None:
        missing = "weight_ih_l0" if first is None else "weight_hh_l0"
        raise SpecError(f"the state_dict has no {dotted}{missing}: it is not a whole torch RNN")
    if hh.dim() != 2 or first.dim() != 2 or hh.shape[0] % max(hh.shape[1], 1):
        raise SpecError(
            f"{dotted}weight_hh_l0 has shape {tuple(hh.shape)}: a torch RNN's is [G*H, H]"
        )
    hidden = hh.shape[1]
    gates = hh.shape[0] // hidden
    if gates not in _KIND_OF_GATES:
        raise SpecError(
            f"{dotted}weight_hh_l0 has {gates} gate blocks of {hidden} rows: an nn.RNN has 1, "
            "an nn.GRU 3, an nn.LSTM 4"
        )
    kind = _KIND_OF_GATES[gates]
    if _PREFIX_GATES.get(prefix, gates) != gates:
        raise SpecError(
            f"the keys say {prefix} but {dotted}weight_hh_l0 has {gates} gate block(s), "
            f"not {_PREFIX_GATES[prefix]}"
        )
    layers = 1 + max(int(_RECURRENT.fullmatch(n).group(2)) for n in params)
    directions = 2 if any(n.endswith("_reverse") for n in params) else 1
    had_bias = "bias_ih_l0" in params
    expected: dict[str, tuple[int, ...]] = {}
    for layer in range(layers):
        in_size = first.shape[1] if layer == 0 else directions * hidden
        for sfx in ("", "_reverse")[:directions]:
            expected[f"weight_ih_l{layer}{sfx}"] = (gates * hidden, in_size)
            expected[f"weight_hh_l{layer}{sfx}"] = (gates * hidden, hidden)
            if had_bias:
                expected[f"bias_ih_l{layer}{sfx}"] = (gates * hidden,)
                expected[f"bias_hh_l{layer}{sfx}"] = (gates * hidden,)
    for name, value in params.items():
        if name not in expected:
            raise SpecError(
                f"state_dict key {dotted}{name!r} does not fit a {layers}-layer "
                f"{'bidirectional ' if directions == 2 else ''}{_TORCH_NAME[kind]} "
                f"{'with' if had_bias else 'without'} biases"
            )
        if tuple(value.shape) != expected[name]:
            raise SpecError(
                f"state_dict key {dotted}{name} has shape {tuple(value.shape)}, but this "
                f"{_TORCH_NAME[kind]} (hidden size {hidden}) needs {expected[name]}"
            )
    for name in expected:
        if name not in params:
            raise SpecError(f"the state_dict lacks {dotted}{name}, which its other keys need")
    weights = {f"rnn.{n}": params[n].numpy().copy() for n in expected}
    if not had_bias:
        for name in list(expected):
            if name.startswith("weight_ih"):
                bias = np.zeros(gates * hidden, dtype=np.float32)
                sfx = name[len("weight_ih") :]
                weights[f"rnn.bias_ih{sfx}"] = bias
                weights[f"rnn.bias_hh{sfx}"] = bias.copy()
    fields = dict(
        kind=kind,
        input_size=first.shape[1],
        hidden_size=hidden,
        num_layers=layers,
        bidirectional=directions == 2,
        top=directions * hidden,
    )
    return fields, weights, had_bias


def _head_weights(head: dict[str, torch.Tensor], width: int) -> dict[str, np.ndarray]:
    """The Linear head's weight [O, width] and bias [O] (zeros when it has none)."""
    weight_key = next((k for k in head if k.endswith(".weight")), None)
    if weight_key is None:
        raise SpecError(f"the head has a bias ({', '.join(head)}) but no weight")
    weight = head[weight_key]
    if weight.dim() != 2 or weight.shape[1] != width:
        raise SpecError(
            f"state_dict key {weight_key} has shape {tuple(weight.shape)}, but a Linear head "
            f"on this RNN reads its {width} output(s) per step: [O, {width}]"
        )
    outputs = weight.shape[0]
    bias_key = weight_key[: -len("weight")] + "bias"
    bias = head.get(bias_key, torch.zeros(outputs))
    if tuple(bias.shape) != (outputs,):
        raise SpecError(
            f"state_dict key {bias_key} has shape {tuple(bias.shape)}, but the head has "
            f"{outputs} output(s): ({outputs},)"
        )
    return {"head.weight": weight.numpy().copy(), "head.bias": bias.numpy().copy()}
