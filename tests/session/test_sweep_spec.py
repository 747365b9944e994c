"""Sweep specs: what is planned (every combination x seed, stable ids, log-uniform samples
from numpy's generator), and bad specs refused in one sentence before any run starts."""

import json
import math

import numpy as np
import pytest

from rnnviz.cli import main
from rnnviz.engine.errors import SpecError
from rnnviz.session.sweep_budget import WORKER_BASE_BYTES, check_sweep_budget, estimate_sweep
from rnnviz.session.sweep_spec import load_sweep_spec, sweep_spec_from_dict

BASE = {"preset": "adding_lstm", "set": {"model.hidden_size": 4}, "steps": 5}


def spec(**parts):
    return sweep_spec_from_dict({**BASE, **parts})


def test_every_combination_and_seed_is_a_run_with_a_stable_id():
    s = spec(axes={"preset": ["adding_rnn", "adding_gru"], "task.seq_len": [10, 20]}, repeats=3)
    assert len(s.runs) == 2 * 2 * 3
    combos = {(r.preset, r.values["task.seq_len"], r.seed) for r in s.runs}
    assert len(combos) == 12 and {r.model_kind for r in s.runs} == {"elman", "gru"}
    again = sweep_spec_from_dict(json.loads(json.dumps({**BASE, "axes": s.axes, "repeats": 3})))
    assert [r.id for r in again.runs] == [r.id for r in s.runs]
    assert len({r.id for r in s.runs}) == 12
    run = s.runs[0]
    assert run.overrides == {"model.hidden_size": 4, "task.seq_len": 10, "train.seed": 0}


def test_log_uniform_samples_are_numpys_and_rounded_for_whole_numbers():
    s = spec(axes={"train.lr": {"log_uniform": [1e-4, 1e-1], "count": 4, "seed": 7}})
    expected = np.exp(np.random.default_rng(7).uniform(math.log(1e-4), math.log(1e-1), 4))
    assert s.axes["train.lr"] == sorted(float(v) for v in expected)
    hidden = spec(axes={"model.hidden_size": {"log_uniform": [2, 64], "count": 6}})
    assert all(isinstance(v, int) and 2 <= v <= 64 for v in hidden.axes["model.hidden_size"])


def test_the_estimate_adds_the_runs_and_counts_every_worker():
    s = spec(axes={"task.seq_len": [10, 20]}, repeats=2)
    one, two = estimate_sweep(s, 1), estimate_sweep(s, 2)
    assert one.runs == one.to_run == 4
    assert two.seconds == pytest.approx(one.seconds / 2)
    largest = max(r.memory_bytes for r in s.runs)
    assert two.peak_bytes == 2 * (WORKER_BASE_BYTES + largest)
    assert estimate_sweep(s, 2, skip={s.runs[0].id}).to_run == 3


BAD = [
    ({"axes": {"model.hidden_size": [4]}, "colour": 1}, "the sweep has unknown field(s): colour"),
    ({"axes": {"model.widgets": [1, 2]}}, "there is no setting 'model.widgets'"),
    ({"axes": {"task.seq_len": []}}, "sweep axis task.seq_len is empty"),
    (
        {"axes": {"model.hidden_size": [4, "big"]}},
        "sweep axis model.hidden_size: model.hidden_size (units per layer) must be a whole "
        "number in [1, 1024] (got 'big')",
    ),
    ({"axes": {"train.lr": ["0.1"]}}, "train.lr (learning rate) must be a finite number"),
    ({"axes": {"task.widgets": [3]}}, "unknown option 'widgets' for task 'adding'"),
    ({"axes": {"task.seq_len": ["10"]}}, "task options are numbers or true/false (got '10')"),
    ({"set": {"train.lr": "fast"}}, "the sweep's set train.lr: train.lr (learning rate) must"),
    ({"axes": {"colour": [1]}}, "sweep axis colour: 'colour' is not a setting"),
    ({"axes": {"preset": ["no_such_preset"]}}, "sweep run preset=no_such_preset:"),
    ({"axes": {"task.seq_len": [10, 10]}}, "sweep axis task.seq_len repeats a value"),
    ({"axes": {"train.lr": {"log_uniform": [0.1, 0.01], "count": 3}}}, "0 < low < high"),
    ({"success": {"metric": "val_loss"}}, "needs one threshold: below or above"),
    ({"success": {"metric": "speed", "below": 1}}, "success.metric must be loss"),
    ({"repeats": 0}, "the sweep's repeats must be a whole number in [1, 1000]"),
    ({"steps": "many"}, "the sweep's steps must be a whole number"),
    (
        {"axes": {"task.seq_len": list(range(10, 30))}, "repeats": 10, "budget": {"max_runs": 50}},
        "the sweep has 200 runs, above its budget.max_runs of 50",
    ),
    ({"axes": {"task.seq_len": [100_000]}, "set": {"train.batch_size": 4096,
      "model.hidden_size": 1024}}, "sweep run task.seq_len=100000: these settings need"),
]  # fmt: skip


@pytest.mark.parametrize(("parts", "message"), BAD)
def test_bad_specs_are_one_sentence(parts, message):
    with pytest.raises(SpecError) as caught:
        spec(**parts)
    text = str(caught.value)
    assert message in text and "\n" not in text and "Traceback" not in text


def test_a_sweep_over_the_time_budget_is_refused_with_its_estimate():
    s = spec(steps=100_000, axes={"task.seq_len": [200, 400]}, budget={"max_minutes": 1})
    with pytest.raises(SpecError, match=r"too long: 2 of 2 run\(s\) to train on 1 worker\(s\): "
                       r"about .* above its budget.max_minutes of 1"):  # fmt: skip
        check_sweep_budget(s, 1)


def test_a_sweep_over_the_memory_budget_is_refused(monkeypatch):
    monkeypatch.setenv("RNNVIZ_MEMORY_BUDGET", "1G")
    s = spec(axes={"task.seq_len": [10, 20, 30, 40]})
    check_sweep_budget(s, 2)  # 2 workers x ~400 MB fit
    with pytest.raises(SpecError, match="too much memory: .* use fewer --workers"):
        check_sweep_budget(s, 4)


def test_the_cli_refuses_a_bad_spec_in_one_line(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**BASE, "axes": {"task.seq_len": []}}))
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "rnnviz: error: sweep axis task.seq_len is empty: give it at least one value"
    path.write_text("{not json")
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "bad.json is not valid JSON" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:9", "nowhere"])
def test_an_unreachable_scheduler_is_one_sentence(tmp_path, capsys, monkeypatch, address):
    from rnnviz.session import dask_connect

    monkeypatch.setattr(dask_connect, "CONNECT_S", 1)
    path = tmp_path / "small.json"
    path.write_text(json.dumps(BASE))
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--scheduler", address]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"rnnviz: error: cannot reach the Dask scheduler {address}")
    assert not any("Traceback" in line for line in err)


def test_the_shipped_sweeps_are_valid_and_open_by_name():
    memory = load_sweep_spec("memory_vs_length")
    assert memory.axes["task.seq_len"] == [10, 20, 50, 100, 200]
    assert {r.model_kind for r in memory.runs} == {"elman", "irnn", "lstm", "gru"}
    assert memory.success.metric == "val_loss" and memory.success.threshold == pytest.approx(
        1 / 240
    )
    grid = load_sweep_spec("lr_vs_hidden")
    assert {r.model_kind for r in grid.runs} == {"lstm"}
    assert set(grid.axes) == {"train.lr", "model.hidden_size"}
