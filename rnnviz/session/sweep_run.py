"""One run of a sweep, in whatever process runs it (a local pool's worker, a Dask worker):
the run ``rnnviz train --preset P --set k=v ... --steps N --threads 1`` makes, bit for bit.

``run_one(payload)`` takes and returns plain data (picklable, no Qt, no open files), so any
executor can ship it: the settings are rebuilt in the worker from the preset's name and the
overrides, exactly as the CLI builds them (``Preset.with_settings`` then
``RunSettings.from_preset``), and trained with the same steps and record choices. Records do
not change training (the batch of step s is a function of the seed and s, and a recorded step
updates the weights as a plain one does), so the loss series is the CLI's.

After training, the final metrics are measured on a held-out batch the run never trained on
(``Task.eval_batch``, a seed of its own):

    val_loss = (1 / sum m_tb) * sum_{t,b} m_tb * l(y_hat_tb, y_tb)     over EVAL_BATCH sequences

and ``val_<name>`` for each task metric (accuracy, ...), next to ``loss``: the last training
step's loss (one batch of the training stream).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from rnnviz.engine.budget import Estimate, check_budget
from rnnviz.session.settings import RunSettings

#: sequences in the held-out batch of the final metrics
EVAL_BATCH = 256
#: a kept run records internals like ``rnnviz train`` does by default (at most this share of
#: its training time), so its session file shows them; a run not kept records its last step
SWEEP_RECORD_SHARE = 0.05
#: a run on a Dask cluster asks whether the sweep was cancelled at most this often
CANCEL_CHECK_S = 1.0


def run_settings(preset: str, overrides: dict) -> RunSettings:
    """The run's settings as ``rnnviz train --preset preset --set k=v ...`` builds them,
    without the preset's compare run (a sweep compares runs itself)."""
    from rnnviz.engine.presets import load_preset

    base = load_preset(preset)
    return replace(RunSettings.from_preset(base.with_settings(dict(overrides))), compare=None)


def checked_cost(settings: RunSettings) -> Estimate:
    """What building the run's Trainer checks, without building it (no model, no weights):
    the task's options, the model fitted to the task, their pairing, and the cost budget.
    Returns the cost estimate; SpecError with the reason when the run would be refused."""
    from rnnviz.engine.seq2seq_decoding import check_pairing
    from rnnviz.engine.trainer import fit_spec_to_task

    task = settings.make_task()
    spec = fit_spec_to_task(settings.spec, task)
    check_pairing(spec, task, settings.config.bptt)
    return check_budget(spec, task, settings.config)


def run_one(payload: dict) -> dict:
    """Train one run and return its outcome as plain data.

    payload: ``id``, ``preset``, ``set`` (overrides), ``steps``, ``threads`` (torch threads,
    1 in a pool of many), ``keep`` (return the session file), ``attempt``, ``cancel_event``
    (on a Dask cluster: the name of a ``distributed.Event`` that, once set, ends the run
    within a second: Dask cannot stop a running task, an external cluster would finish it).
    Returns ``id``, ``status`` ("ok", "cancelled", or "diverged" with ``reason``), ``steps``,
    ``metrics`` (``loss``, ``val_loss``, ``val_<metric>``), ``wall_s`` and, when kept,
    ``session_bytes`` (the ``.rnnviz`` file's bytes: the parent writes it, since a Dask worker
    may be another machine). Raises whatever the run raises (the executor records it and
    retries once).
    """
    from rnnviz.engine.threads import use_training_threads
    from rnnviz.session.session import Session

    started = time.perf_counter()
    use_training_threads(payload.get("threads", 1))
    session = Session()
    session.apply_settings(run_settings(payload["preset"], payload["set"]))
    keep = bool(payload.get("keep"))
    stop = dask_cancel_check(payload["cancel_event"]) if "cancel_event" in payload else None
    trained = train_steps(session, int(payload["steps"]), detailed=keep, stop=stop)
    trainer = session.trainer
    if stop is not None and stop():
        return {"id": payload["id"], "status": "cancelled", "steps": trained}
    metrics = {"loss": trainer.history.last.loss} | evaluate(trainer)
    kept = {"session_bytes": session_bytes(session)} if keep else {}
    return kept | {
        "id": payload["id"],
        "status": "diverged" if trainer.diverged else "ok",
        "reason": trainer.diverged or "",
        "steps": trained,
        "metrics": metrics,
        "wall_s": time.perf_counter() - started,
    }


def session_bytes(session) -> bytes:
    """The session file of ``session``, as bytes (written to a temporary folder first: the
    archive writer writes files)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rnnviz-sweep-") as folder:
        return session.save(Path(folder) / "run.rnnviz").read_bytes()


def dask_cancel_check(name: str, every_s: float = CANCEL_CHECK_S):
    """A ``stop()`` for ``train_steps``: whether the sweep's ``distributed.Event`` ``name`` is
    set, asked of the scheduler at most every ``every_s`` seconds (once set, always True)."""
    from distributed import Event

    event, state = Event(name), {"asked": -float("inf"), "set": False}

    def stop() -> bool:
        now = time.monotonic()
        if not state["set"] and now - state["asked"] >= every_s:
            state["asked"], state["set"] = now, event.is_set()
        return state["set"]

    return stop


def train_steps(session, steps: int, detailed: bool, stop=None) -> int:
    """The CLI's training loop (``cli._train_steps`` without its bar and Ctrl-C): every run of
    the session one step at a time, a record when due and at the last step, stopping when
    the main run diverges or ``stop()`` says so. Returns the steps trained."""
    from rnnviz.engine.record_cadence import RecordCadence

    cadence = RecordCadence(share=SWEEP_RECORD_SHARE) if detailed else None
    done = 0
    for i in range(steps):
        if stop is not None and stop():
            break
        last = i == steps - 1
        record = cadence.due(force=last) if cadence is not None else last
        started = time.monotonic()
        for trainer in session.trainers():
            if not trainer.diverged:
                trainer.step(record=record)
        if record and cadence is not None:
            cadence.recorded(time.monotonic() - started)
        done += 1
        if session.trainer.diverged:
            break
    return done


def evaluate(trainer) -> dict[str, float]:
    """``val_loss`` and ``val_<metric>`` of the trained model on a held-out batch (no
    gradients, no change to the run)."""
    import torch

    from rnnviz.engine.seq2seq_decoding import greedy_metrics

    task = trainer.task
    batch = task.eval_batch(EVAL_BATCH)
    with torch.no_grad():
        y_hat = trainer.model.forward_batch(batch).y
        loss = float(task.loss(y_hat, batch))
        metrics = task.metrics(y_hat, batch) | greedy_metrics(trainer.model, task, batch)
    return {"val_loss": loss} | {f"val_{k}": float(v) for k, v in metrics.items()}
