"""The command line on the user's own files: ``rnnviz train --model``, ``--preset-file``,
user presets, own data."""

from __future__ import annotations

import torch
from torch import nn

from rnnviz.cli import main
from rnnviz.session.files import read_session


class LstmWithHead(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(1, 4, num_layers=2)
        self.fc = nn.Linear(4, 1)

    def forward(self, x):
        return self.fc(self.lstm(x)[0])


def test_train_model_continues_from_the_files_weights(tmp_path, capsys):
    torch.manual_seed(4)
    module = LstmWithHead()
    torch.save({"epoch": 3, "state_dict": module.state_dict()}, tmp_path / "w.pt")
    args = ["train", "--model", str(tmp_path / "w.pt"), "--steps", "2"]
    args += ["--set", "task.kind=sine", "--set", "train.lr=0.001", "--out", str(tmp_path / "r")]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "nn.LSTM: input size 1, hidden size 4, 2 layer(s)" in err and "on task sine" in err
    loaded = read_session(tmp_path / "r.rnnviz")
    trainer = loaded.trainer
    assert trainer.step_count == 2 and trainer.config.lr == 0.001
    # the run started from the file's weights: its step-0 checkpoint computes torch's outputs
    _, state = trainer.history.checkpoint_at(0)
    trainer.restore(state)
    x = torch.randn(9, 3, 1, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert (trainer.model(x).y - module(x)).abs().max().item() < 1e-5


def test_train_model_refusals_are_one_line(tmp_path, capsys):
    torch.save(nn.RNN(2, 3).state_dict(), tmp_path / "rnn.pt")
    path = str(tmp_path / "rnn.pt")
    assert main(["train", "--model", path, "--set", "task.kind=sine"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "rnnviz: error: the model reads 2 input value(s) per step but the task 'sine' gives 1: "
        "choose a task (or data) with 2 input(s)"
    )
    assert main(["train", "--model", path, "--set", "model.hidden_size=5"]) == 2
    assert "model.hidden_size cannot be set" in capsys.readouterr().err
    assert main(["train", "--model", path, "--set", "model.activation=sigmoid"]) == 2
    assert "tanh or relu" in capsys.readouterr().err


def test_window_model_flag_refuses_before_the_window_opens(tmp_path, capsys):
    bad = tmp_path / "bad.pt"
    torch.save({"weight_ih_l0": torch.zeros(4, 2)}, bad)  # no weight_hh_l0
    assert main(["--model", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err
        == "rnnviz: error: bad.pt: the state_dict has no weight_hh_l0: it is not a whole torch RNN"
    )


def test_a_bias_free_module_stays_bias_free_while_training(tmp_path, capsys):
    state = {f"gru.{k}": v for k, v in nn.GRU(1, 3, bias=False).state_dict().items()}
    state.update({"fc.weight": torch.ones(1, 3), "fc.bias": torch.zeros(1)})
    torch.save(state, tmp_path / "gru.pt")
    args = ["train", "--model", str(tmp_path / "gru.pt"), "--set", "task.kind=csv"]
    args += ["--set", "task.inputs=demand", "--set", "task.window=10"]
    args += ["--steps", "3", "--out", str(tmp_path / "r")]
    assert main(args) == 0
    assert "biases: none (held at zero: not trained)" in capsys.readouterr().err
    weights = read_session(tmp_path / "r.rnnviz").trainer.model.get_weights()
    for name in ("rnn.bias_ih_l0", "rnn.bias_hh_l0"):
        assert (weights[name] == 0).all()
