"""Sweeps run for real: each run equals `rnnviz train` bit for bit (local pool and a Dask
LocalCluster), faults (a run that raises, a worker killed) are retried once and recorded,
resume skips complete runs, and cancel leaves no child process."""

import csv
import json
import multiprocessing
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from rnnviz.cli import main
from rnnviz.session.files import read_session
from rnnviz.session.sweep_exec import run_sweep
from rnnviz.session.sweep_spec import sweep_spec_from_dict
from tests.session.sweep_faults import DYING_LEN, RAISING_LEN, failing_run, faulty_run

SMALL = {"model.hidden_size": 4, "train.batch_size": 8}
SPEC = {
    "preset": "adding_lstm",
    "set": SMALL,
    "axes": {"preset": ["adding_rnn", "adding_lstm"], "task.seq_len": [10]},
    "seeds": [3],
    "steps": 12,
    "success": {"metric": "val_loss", "below": 0.5},
}


def rows_of(folder: Path) -> list[dict]:
    with (folder / "summary.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def trained_by_cli(tmp_path: Path, run) -> object:
    """The reference: `rnnviz train` of the run's preset and settings, one torch thread."""
    sets = [f"--set={key}={value}" for key, value in run.overrides.items()]
    out = tmp_path / f"train-{run.id}.rnnviz"
    args = ["train", "--preset", run.preset, "--steps", str(run.steps), "--threads", "1"]
    assert main([*args, *sets, "--out", str(out)]) == 0
    return read_session(out).trainer


def assert_same_run(kept: Path, reference) -> None:
    trainer = read_session(kept).trainer
    assert trainer.step_count == reference.step_count
    assert np.array_equal(trainer.history.series("loss"), reference.history.series("loss"))
    for name, value in reference.weights().items():
        assert np.array_equal(trainer.weights()[name], value), name


def child_pids() -> list[str]:
    """Live processes whose parent is this one (from /proc: every kind of child), by
    command line; multiprocessing's resource tracker (one per interpreter, it ends with
    it) is not the sweep's, nor what ran before the test (pytest-xvfb's X server)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                if "resource_tracker" not in command:
                    found.append(command)
    return found


def test_the_cli_sweep_equals_rnnviz_train_bit_for_bit_and_resumes(tmp_path, capsys):
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(SPEC))
    out = tmp_path / "out"
    assert main(["sweep", str(spec_path), "--out", str(out), "--workers", "2", "--keep-runs"]) == 0
    assert "2 run(s) trained, 0 failed" in capsys.readouterr().out
    spec = sweep_spec_from_dict(SPEC)
    rows = {row["id"]: row for row in rows_of(out)}
    assert set(rows) == {run.id for run in spec.runs}
    for run in spec.runs:
        reference = trained_by_cli(tmp_path, run)
        assert_same_run(out / "runs" / f"{run.id}.rnnviz", reference)
        row = rows[run.id]
        assert (row["status"], row["attempts"], row["seed"]) == ("ok", "1", "3")
        assert float(row["loss"]) == reference.history.series("loss")[-1]
        assert row["success"] == str(float(row["val_loss"]) < 0.5)
    assert {rows[r.id]["model_kind"] for r in spec.runs} == {"elman", "lstm"}
    # resume: a third run joins; the two complete ones are skipped (a run that cannot
    # start at all would fail them)
    grown = {**SPEC, "axes": {**SPEC["axes"], "task.seq_len": [10, 14]}}
    outcome = run_sweep(sweep_spec_from_dict(grown), out, workers=1, keep_runs=True)
    assert (outcome.counts.skipped, outcome.counts.done) == (2, 2)
    again = run_sweep(sweep_spec_from_dict(grown), out, workers=1, run_fn=failing_run)
    assert (again.counts.skipped, again.counts.done, again.counts.failed) == (4, 0, 0)
    assert [row["status"] for row in rows_of(out)] == ["ok"] * 4


def test_faults_are_retried_once_and_recorded(tmp_path):
    before = child_pids()
    spec = sweep_spec_from_dict({**SPEC, "axes": {"task.seq_len": [10, RAISING_LEN, DYING_LEN]}})
    outcome = run_sweep(spec, tmp_path, workers=2, run_fn=faulty_run)
    assert not outcome.cancelled
    rows = {int(row["task.seq_len"]): row for row in rows_of(tmp_path)}
    assert set(rows) == {10, RAISING_LEN, DYING_LEN}
    raised = rows[RAISING_LEN]
    assert (raised["status"], raised["attempts"], raised["success"]) == ("failed", "2", "False")
    assert raised["reason"] == (
        "attempt 1: RuntimeError: the run broke on purpose; "
        "attempt 2: RuntimeError: the run broke on purpose"
    )
    died = rows[DYING_LEN]  # killed on its first attempt, trained on its second
    assert (died["status"], died["attempts"]) == ("ok", "2")
    assert died["reason"] == "attempt 1: its worker process died"
    assert rows[10]["status"] == "ok"
    assert child_pids() == before


def test_cancel_stops_the_sweep_and_leaves_no_process(tmp_path):
    before = child_pids()
    spec = sweep_spec_from_dict({**SPEC, "steps": 100_000, "axes": {"task.seq_len": [10, 11, 12]}})
    cancel = threading.Event()
    seen = []

    def on_update(row, counts):
        seen.append(counts.running)
        if counts.running == 2:  # both workers busy (or starting): cancel now
            cancel.set()

    outcome = run_sweep(spec, tmp_path, workers=2, on_update=on_update, cancel=cancel)
    assert outcome.cancelled and 2 in seen
    assert [row["status"] for row in rows_of(tmp_path)] == ["cancelled"] * 3
    assert multiprocessing.active_children() == [] and child_pids() == before


def test_a_dask_local_cluster_run_equals_rnnviz_train(tmp_path):
    before = child_pids()
    pytest.importorskip("distributed")
    spec = sweep_spec_from_dict(SPEC)
    outcome = run_sweep(spec, tmp_path / "out", workers=2, scheduler="local", keep_runs=True)
    assert (outcome.counts.done, outcome.counts.failed) == (2, 0)
    for run in spec.runs:
        assert_same_run(
            tmp_path / "out" / "runs" / f"{run.id}.rnnviz", trained_by_cli(tmp_path, run)
        )
    assert child_pids() == before


def test_faults_on_a_dask_local_cluster_are_retried_once_and_recorded(tmp_path):
    pytest.importorskip("distributed")
    before = child_pids()
    spec = sweep_spec_from_dict({**SPEC, "axes": {"task.seq_len": [RAISING_LEN, DYING_LEN]}})
    outcome = run_sweep(spec, tmp_path, workers=2, scheduler="local", run_fn=faulty_run)
    rows = {int(row["task.seq_len"]): row for row in rows_of(tmp_path)}
    raised, died = rows[RAISING_LEN], rows[DYING_LEN]
    assert (raised["status"], raised["attempts"]) == ("failed", "2")
    assert raised["reason"].startswith("attempt 1: RuntimeError: the run broke on purpose")
    assert (died["status"], died["attempts"]) == ("ok", "2")
    assert died["reason"] == "attempt 1: its worker process died"
    assert (outcome.counts.done, outcome.counts.failed) == (1, 1)
    assert child_pids() == before


def spawned_children(pid: int) -> list[int]:
    """The spawned worker processes of process ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if parent == pid and b"spawn_main" in command:
                found.append(int(entry.name))
    return found


def test_ctrl_c_cancels_the_cli_sweep_and_ends_its_workers(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    spec_path = tmp_path / "spec.json"
    spec_path.write_text(
        json.dumps({**SPEC, "steps": 1_000_000, "axes": {"task.seq_len": [10, 11]}})
    )
    command = [
        sys.executable,
        "-m",
        "rnnviz",
        "sweep",
        str(spec_path),
        "--out",
        str(tmp_path / "o"),
    ]
    proc = subprocess.Popen([*command, "--workers", "2"], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(workers := spawned_children(proc.pid)) < 2:  # both workers started
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the sweep started no workers"
            time.sleep(0.1)  # another process: nothing to wait on but its /proc entries
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert [row["status"] for row in rows_of(tmp_path / "o")] == ["cancelled"] * 2


def test_cancel_on_an_existing_dask_cluster_ends_the_running_run(tmp_path):
    """Dask cannot stop a running task: without the sweep's cancel event an external
    cluster would train the cancelled run to its end (minutes here)."""
    import logging
    import time

    distributed = pytest.importorskip("distributed")
    spec = sweep_spec_from_dict({**SPEC, "steps": 100_000, "axes": {"task.seq_len": [10]}})
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR
    )
    with cluster, distributed.Client(cluster) as client:

        def executing() -> int:
            counts = client.run(lambda dask_worker: dask_worker.state.executing_count)
            return sum(counts.values())

        cancel = threading.Event()
        address = cluster.scheduler_address
        on_update = lambda row, counts: executing() and cancel.set()  # noqa: E731
        outcome = run_sweep(
            spec, tmp_path, workers=1, scheduler=address, on_update=on_update, cancel=cancel
        )
        assert outcome.cancelled and rows_of(tmp_path)[0]["status"] == "cancelled"
        deadline = time.monotonic() + 30  # the run asks every second
        while executing() and time.monotonic() < deadline:
            client.run(lambda: None)  # a round trip to the worker, no sleep
        assert executing() == 0
        assert len(client.scheduler_info()["workers"]) == 1  # the cluster is still up
