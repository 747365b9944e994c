"""Opening torch state_dicts: real nn.RNN / LSTM / GRU modules (with and without Linear heads)
saved to files, the architecture inferred, and rnnviz's outputs against the torch module's."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from rnnviz.engine.models import build_model
from rnnviz.engine.spec import SpecError
from rnnviz.engine.torch_import import load_torch_model

TOL = 1e-5


class WithHead(nn.Module):
    """A small module as a practitioner writes one: a recurrent layer, then a Linear head."""

    def __init__(self, rnn: nn.Module, name: str, head_name: str, outputs: int) -> None:
        super().__init__()
        self.rnn_name, self.head_name = name, head_name
        setattr(self, name, rnn)
        width = rnn.hidden_size * (2 if rnn.bidirectional else 1)
        setattr(self, head_name, nn.Linear(width, outputs))

    def forward(self, x):
        out, _ = getattr(self, self.rnn_name)(x)
        return getattr(self, self.head_name)(out)


def torch_module(kind: str, i: int, h: int, layers: int, bidir: bool, bias: bool = True):
    common = dict(input_size=i, hidden_size=h, num_layers=layers, bidirectional=bidir, bias=bias)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(layers * 10 + h)
        if kind == "lstm":
            return nn.LSTM(**common)
        if kind == "gru":
            return nn.GRU(**common)
        return nn.RNN(nonlinearity=kind.split("_")[1], **common)


CASES = [
    # (kind, input, hidden, layers, bidirectional, head prefix or None, bias)
    ("rnn_tanh", 3, 5, 1, False, None, True),
    ("rnn_relu", 2, 4, 2, False, "fc", True),
    ("rnn_tanh", 2, 3, 1, True, "head", False),
    ("lstm", 3, 5, 1, False, None, True),
    ("lstm", 2, 4, 2, False, "fc", True),
    ("lstm", 4, 3, 3, True, "head", True),
    ("lstm", 1, 6, 1, True, None, True),
    ("gru", 3, 4, 1, False, "fc", True),
    ("gru", 2, 5, 2, True, None, False),
]


@pytest.mark.parametrize("case", CASES)
def test_saved_modules_are_inferred_and_compute_what_torch_computes(tmp_path, case):
    kind, i, h, layers, bidir, head, bias = case
    rnn = torch_module(kind, i, h, layers, bidir, bias)
    module = (
        rnn
        if head is None
        else WithHead(rnn, "rnn" if kind.startswith("rnn") else kind, head, outputs=2)
    )
    path = tmp_path / "weights.pt"
    torch.save(module.state_dict(), path)

    imported = load_torch_model(path)
    spec = imported.spec
    assert spec.kind == {"rnn_tanh": "elman", "rnn_relu": "elman"}.get(kind, kind)
    assert (spec.input_size, spec.hidden_size, spec.num_layers) == (i, h, layers)
    assert spec.bidirectional == bidir
    assert imported.had_bias == bias and imported.has_head == (head is not None)
    assert spec.output_size == (2 if head else h * (2 if bidir else 1))
    assert imported.activation_known == (spec.kind != "elman")
    if spec.kind == "elman":
        imported = imported.with_activation(kind.split("_")[1])

    model = build_model(imported.spec, seed=3)
    model.set_weights(imported.weights)
    x = torch.randn(7, 4, i, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = module(x) if head else module(x)[0]
        got = model(x).y
    assert got.shape == expected.shape
    assert (got - expected).abs().max().item() < TOL
    assert (model.forward_fused(x) - expected).abs().max().item() < TOL


def test_a_checkpoint_dict_is_searched_for_its_state_dict(tmp_path):
    module = WithHead(torch_module("lstm", 2, 3, 1, False), "lstm", "fc", outputs=1)
    optimiser = torch.optim.Adam(module.parameters())
    checkpoint = {
        "epoch": 12,
        "optimizer": optimiser.state_dict(),
        "model_state_dict": module.state_dict(),
    }
    torch.save(checkpoint, tmp_path / "ckpt.pt")
    imported = load_torch_model(tmp_path / "ckpt.pt")
    assert imported.spec.kind == "lstm" and imported.prefix == "lstm"
    assert imported.spec.output_size == 1
    # a wrapper's prefix shared by every key (Lightning's "model.", DataParallel's "module.")
    wrapped = {f"model.module.{k}": v for k, v in module.state_dict().items()}
    torch.save({"state_dict": wrapped}, tmp_path / "wrapped.ckpt")
    again = load_torch_model(tmp_path / "wrapped.ckpt")
    assert again.spec == imported.spec
    for name, value in imported.weights.items():
        assert (again.weights[name] == value).all()


CONSTRUCTED: list[str] = []


class Sneaky:
    """A class a checkpoint pickles: it records whenever any of its code runs."""

    def __init__(self) -> None:
        CONSTRUCTED.append("__init__")

    def __setstate__(self, state) -> None:
        CONSTRUCTED.append("__setstate__")

    def __reduce__(self):
        CONSTRUCTED.append("__reduce__")
        return (_record_call, ("reduce",))


def _record_call(what: str) -> Sneaky:
    CONSTRUCTED.append(f"called {what}")
    return object.__new__(Sneaky)


class Holder:
    def __init__(self) -> None:
        self.weights = torch.zeros(2)

    def __setstate__(self, state) -> None:
        CONSTRUCTED.append("Holder.__setstate__")
        self.__dict__.update(state)


@pytest.mark.parametrize("payload", ["reduce", "setstate"])
def test_a_pickled_custom_class_is_refused_and_none_of_its_code_runs(tmp_path, payload):
    obj = Sneaky() if payload == "reduce" else Holder()
    path = tmp_path / "evil.pt"
    torch.save({"state_dict": {"weight_ih_l0": torch.zeros(1, 1)}, "extra": obj}, path)
    CONSTRUCTED.clear()
    with pytest.raises(SpecError) as err:
        load_torch_model(path)
    assert CONSTRUCTED == []
    message = str(err.value)
    assert "evil.pt is refused" in message and "weights_only=True" in message
    assert "Sneaky" in message or "_record_call" in message or "Holder" in message


def _save(tmp_path, state_dict) -> str:
    path = tmp_path / "sd.pt"
    torch.save(state_dict, path)
    return str(path)


def test_state_dicts_that_do_not_fit_get_one_sentence_naming_the_key(tmp_path):
    lstm = torch_module("lstm", 2, 3, 2, False)
    sd = dict(lstm.state_dict())

    nan = dict(sd, weight_hh_l1=torch.full((12, 3), float("nan")))
    with pytest.raises(SpecError, match="'weight_hh_l1' holds NaN"):
        load_torch_model(_save(tmp_path, nan))

    unknown = dict(sd, **{"encoder.weight": torch.zeros(3, 3)})
    with pytest.raises(SpecError, match="'encoder.weight' is not part of an nn.RNN"):
        load_torch_model(_save(tmp_path, unknown))

    bad_shape = dict(sd, weight_ih_l1=torch.zeros(12, 5))
    with pytest.raises(SpecError, match=r"weight_ih_l1 has shape \(12, 5\).*needs \(12, 3\)"):
        load_torch_model(_save(tmp_path, bad_shape))

    missing = {k: v for k, v in sd.items() if k != "bias_hh_l1"}
    with pytest.raises(SpecError, match="lacks bias_hh_l1"):
        load_torch_model(_save(tmp_path, missing))

    projected = nn.LSTM(2, 4, proj_size=2).state_dict()
    with pytest.raises(SpecError, match="'weight_hr_l0' is an LSTM projection"):
        load_torch_model(_save(tmp_path, projected))

    named_wrong = {f"lstm.{k}": v for k, v in nn.GRU(2, 3).state_dict().items()}
    with pytest.raises(SpecError, match="the keys say lstm but lstm.weight_hh_l0 has 3 gate"):
        load_torch_model(_save(tmp_path, named_wrong))

    bad_head = {**{f"rnn.{k}": v for k, v in sd.items()}, "fc.weight": torch.zeros(1, 4)}
    with pytest.raises(SpecError, match=r"fc.weight has shape \(1, 4\)"):
        load_torch_model(_save(tmp_path, bad_head))

    with pytest.raises(SpecError, match="holds no state_dict"):
        load_torch_model(_save(tmp_path, {"epoch": 3}))

    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a torch file at all")
    with pytest.raises(SpecError, match="garbage.pt is not a torch file"):
        load_torch_model(garbage)
    with pytest.raises(SpecError, match="cannot open the model"):
        load_torch_model(tmp_path / "missing.pt")


def test_the_fit_to_a_task_is_checked_in_one_sentence():
    from rnnviz.engine.tasks import make_task
    from rnnviz.engine.torch_infer import infer_model

    module = WithHead(torch_module("gru", 1, 4, 1, False), "gru", "fc", outputs=1)
    imported = infer_model(module.state_dict())
    imported.check_fits(make_task("sine"))
    with pytest.raises(SpecError, match="reads 1 input value.*'adding' gives 2"):
        imported.check_fits(make_task("adding"))
