"""Bad input never crashes and never lies (issue 17): every setting has a declared type and
range, and a refusal is one sentence on stderr naming the field, the value and the range."""

import pytest

from rnnviz.cli import main
from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import ModelSpec, SpecError
from rnnviz.engine.train_config import TrainConfig
from rnnviz.engine.trainer import Trainer


def _train(capsys, *settings: str, preset: str = "adding_lstm") -> tuple[int, str, str]:
    args = ["train", "--preset", preset, "--steps", "2"]
    for item in settings:
        args += ["--set", item]
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


# -- defect 1: booleans are typed ----------------------------------------------------------------
@pytest.mark.parametrize(
    "word, expected",
    [("False", False), ("false", False), ("no", False), ("0", False), ("true", True),
     ("YES", True), ("1", True)],
)  # fmt: skip
def test_set_parses_boolean_words(word, expected):
    preset = load_preset("adding_lstm").with_settings({"model.peephole": word})
    assert preset.model.peephole is expected
    # the reference: torch's parameter list, not the spec -- a peephole LSTM has weight_p*
    names = dict(Trainer.from_preset(preset).model.named_parameters())
    assert any(".weight_p" in n for n in names) is expected


def test_peephole_false_and_forget_gate_false_train_the_model_asked_for(capsys):
    code, _, err = _train(capsys, "model.peephole=False", "model.forget_gate=False")
    assert code == 0, err
    preset = load_preset("adding_lstm").with_settings(
        {"model.peephole": "False", "model.forget_gate": "False"}
    )
    names = dict(Trainer.from_preset(preset).model.named_parameters())
    assert not any(".weight_p" in n for n in names)
    # no forget gate: torch's packed gate blocks are 3H, not 4H
    assert names["rnn.weight_hh_l0"].shape[0] == 3 * preset.model.hidden_size


@pytest.mark.parametrize("word", ["Flase", "maybe", "2", "", "none", "[]"])
def test_other_boolean_words_are_refused_naming_the_field(word, capsys):
    code, _, err = _train(capsys, f"model.bidirectional={word}")
    assert code == 2
    assert err.startswith("rnnviz: error: model.bidirectional must be true or false")
    assert repr(word) in err and err.count("\n") == 1


def test_json_booleans_must_be_booleans():
    with pytest.raises(SpecError, match=r"model\.peephole must be true or false .*'False'"):
        ModelSpec(peephole="False")


# -- defects 6 and 7: numbers in range, shapes checked ---------------------------------------------
@pytest.mark.parametrize(
    "setting, field, shown",
    [
        ("train.lr=1e26", "train.lr (learning rate)", "1e+26"),
        ("train.lr=-0.5", "train.lr (learning rate)", "-0.5"),
        ("train.lr=0", "train.lr (learning rate)", "0"),
        ("train.lr=abc", "train.lr (learning rate)", "'abc'"),
        ("train.lr=nan", "train.lr (learning rate)", "nan"),
        ("train.lr=inf", "train.lr (learning rate)", "inf"),
        ("train.seed=18446744073709551616", "train.seed", "18446744073709551616"),
        ("train.seed=-1", "train.seed", "-1"),
        ("train.batch_size=5000", "train.batch_size", "5000"),
        ("train.momentum=1", "train.momentum", "1"),
        ("model.hidden_size=100000", "model.hidden_size (units per layer)", "100000"),
        ("model.h0=nan", "model.h0 (initial hidden value)", "nan"),
        ("model.h0=[]", "model.h0 (initial hidden value)", "'[]'"),
    ],
)
def test_out_of_range_values_are_refused_with_the_range(setting, field, shown, capsys):
    code, _, err = _train(capsys, setting)
    assert code == 2
    assert err.startswith(f"rnnviz: error: {field} must be "), err
    assert f"(got {shown})" in err
    assert err.count("\n") == 1


def test_the_message_states_the_allowed_range(capsys):
    _, _, err = _train(capsys, "train.lr=1e26")
    assert "must be a finite number in [1e-06, 10000] (got 1e+26)" in err
    _, _, err = _train(capsys, "train.seed=18446744073709551616")
    assert "must be a whole number in [0, 2^63)" in err


def test_values_from_json_are_checked_like_typed_ones():
    with pytest.raises(SpecError, match=r"train\.lr .* \(got 100000000000000000000000000\)"):
        TrainConfig(lr=10**26)  # an int that overflowed torch's optimiser
    with pytest.raises(SpecError, match=r"train\.freeze .*list of parameter names"):
        TrainConfig(freeze=5)
    with pytest.raises(SpecError, match=r"train\.freeze"):
        TrainConfig(freeze="rnn.weight_hh_l0")  # not a tuple of its letters
    with pytest.raises(SpecError, match=r"model\.h0"):
        ModelSpec(h0=[])
    assert TrainConfig(lr=1).lr == 1.0 and isinstance(TrainConfig(lr=1).lr, float)
    assert TrainConfig(seed=2**63 - 1).seed == 2**63 - 1


def test_freeze_names_only_parameters_of_the_model(capsys):
    code, _, err = _train(capsys, "train.freeze=5")
    assert code == 2 and err == "rnnviz: error: cannot freeze unknown parameter(s): 5\n"
    code, _, err = _train(capsys, 'train.freeze=["rnn.weight_ih_l0"]')
    assert code == 0, err


def test_task_kind_must_be_a_task_name(capsys):
    code, _, err = _train(capsys, "task.kind=[]")
    assert code == 2 and "task.kind must be one of lecture" in err and "(got '[]')" in err


def test_a_300_character_preset_name_is_an_unknown_preset(capsys):
    assert main(["train", "--preset", "x" * 300, "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnviz: error: unknown preset 'xxx") and err.count("\n") == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--text-size", "nan"], "--text-size (text scale) must be a finite number in [0.8, 2]"),
        (["--text-size", "inf"], "--text-size (text scale) must be a finite number in [0.8, 2]"),
        (["--text-size", "0"], "--text-size (text scale) must be a finite number in [0.8, 2]"),
        (["--text-size", "-1"], "--text-size (text scale) must be a finite number in [0.8, 2]"),
        (["--steps", "-5"], "--steps must be a whole number in [0, 10000000] (got -5)"),
        (["--size", "100000x100000"], "--size width must be a whole number in [320, 8192]"),
        (["--exit-after", "nan"], "--exit-after must be a finite number"),
    ],
)
def test_window_options_are_refused_before_qt_starts(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rnnviz: error: {message}"), err


def test_train_steps_below_one_are_refused(capsys):
    assert main(["train", "--preset", "adding_lstm", "--steps", "-5"]) == 2
    assert "--steps must be at least 1 (got -5)" in capsys.readouterr().err
