"""``rnnviz train``: a run trained without a window (settings from a preset, a preset file,
a torch model or a session to resume), its progress, and the session file it writes."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rnnviz.engine.presets import DEFAULT_PRESET, load_preset
from rnnviz.engine.spec import SpecError

#: the CLI's records (of every internal) take at most this share of its training time
CLI_RECORD_SHARE = 0.05


def parse_settings(items: list[str]) -> dict[str, object]:
    """``key=value`` strings to a dict of text; each value is parsed into its setting's
    declared type by ``Preset.with_settings`` (so ``model.peephole=False`` is False)."""
    out: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise SpecError(f"--set expects KEY=VALUE (got {item!r})")
        out[key.strip()] = raw
    return out


def train_command(args) -> int:
    from rnnviz.engine.threads import use_training_threads
    from rnnviz.session.files import check_writable

    if args.train_steps < 1:
        raise SpecError(f"--steps must be at least 1 (got {args.train_steps})")
    if args.record_every is not None and args.record_every < 1:
        raise SpecError(f"--record-every must be at least 1 (got {args.record_every})")
    if args.threads is not None and not 1 <= args.threads <= 256:
        raise SpecError(f"--threads must be between 1 and 256 (got {args.threads})")
    threads = use_training_threads(args.threads)
    session = _training_session(args)
    out = args.out or args.resume
    out = check_writable(out) if out else None  # before any training time is spent
    print(f"training on {threads} torch thread(s)", file=sys.stderr)
    trained, interrupted = _train_steps(session, args.train_steps, args.record_every)
    _summary(session, trained)
    if interrupted:
        print(f"interrupted: stopped after {trained} step(s)", file=sys.stderr)
    if out is not None:
        _write_session(session, out)
    if session.trainer.diverged:
        print(f"diverged: {session.trainer.diverged}", file=sys.stderr)
        return 3
    return 130 if interrupted else 0


def _training_session(args):
    from rnnviz.session.session import Session
    from rnnviz.session.settings import RunSettings

    session = Session()
    if args.resume:
        if args.settings:
            raise SpecError("--set cannot change a resumed session (its settings are saved)")
        if args.train_model:
            raise SpecError("--model and --resume cannot be combined (a session has its weights)")
        session.open(args.resume)
        if session.trainer.diverged:
            raise SpecError(f"{args.resume} cannot continue: {session.trainer.diverged}")
        from rnnviz.session.data_sources import data_note

        if note := data_note(session.trainer):
            print(f"rnnviz: {note}", file=sys.stderr)
    elif args.train_model:
        if args.train_preset or args.train_preset_file:
            raise SpecError("--model cannot be combined with --preset or --preset-file")
        session.apply_settings(model_settings(args.train_model, args.settings))
    else:
        preset = preset_from_flags(args.train_preset, args.train_preset_file)
        edited = preset.with_settings(parse_settings(args.settings))
        if note := preset.dropped_by(edited):
            print(f"rnnviz: {note}", file=sys.stderr)
        session.apply_settings(RunSettings.from_preset(edited))
    return session


def preset_from_flags(name: str | None, path: str | None):
    """The preset named ``name`` (shipped, or ``user:NAME``) or the one in the file ``path``."""
    from rnnviz.engine.presets import load_preset_file

    if path is not None:
        if name is not None:
            raise SpecError("--preset and --preset-file cannot be combined: choose one")
        return load_preset_file(path)
    return load_preset(name or DEFAULT_PRESET)


def model_settings(path: str, settings: list[str]):
    """Run settings for the torch model in ``path`` (what was inferred goes to stderr)."""
    from rnnviz.engine.torch_import import load_torch_model
    from rnnviz.session.model_import import model_run_settings

    imported = load_torch_model(path)
    run = model_run_settings(imported, settings=parse_settings(settings))
    for line in imported.describe():
        print(f"rnnviz: {Path(path).name}: {line}", file=sys.stderr)
    print(f"rnnviz: {Path(path).name}: on task {run.task_kind}", file=sys.stderr)
    return run


def _train_steps(session, steps: int, record_every: int | None) -> tuple[int, bool]:
    """Train every run of the session ``steps`` steps (or until Ctrl-C, which ends the loop
    between two steps, so what was trained is whole). Returns (steps trained, interrupted)."""
    import signal

    from tqdm import tqdm

    cadence = _record_cadence(record_every)
    stop = {"asked": False}
    previous = signal.signal(signal.SIGINT, lambda *_: stop.update(asked=True))
    name = session.settings.preset_name or "run"
    done = 0
    try:
        with tqdm(total=steps, desc=name, unit="step", file=sys.stderr) as bar:
            for i in range(steps):
                if stop["asked"]:
                    break
                record, started = cadence.due(force=i == steps - 1), time.monotonic()
                for trainer in session.trainers():
                    if not trainer.diverged:
                        trainer.step(record=record)
                if record:
                    cadence.recorded(time.monotonic() - started)
                done += 1
                bar.set_postfix(loss=f"{session.trainer.history.last.loss:.4g}", refresh=False)
                bar.update()
                if session.trainer.diverged:
                    break
    finally:
        signal.signal(signal.SIGINT, previous)
    return done, stop["asked"]


class _EveryN:
    """``--record-every N``: steps 1, N + 1, 2N + 1, ... (and a forced one), with the
    ``RecordCadence`` interface."""

    def __init__(self, every: int) -> None:
        self.every, self.asked = every, 0

    def due(self, force: bool = False) -> bool:
        self.asked += 1
        return force or (self.asked - 1) % self.every == 0

    def recorded(self, seconds: float) -> None:
        pass


def _record_cadence(record_every: int | None):
    """Which steps to record: every N, or by default the window's cadence (at most 20 a
    second) kept to ``CLI_RECORD_SHARE`` of the training time; always the last one."""
    if record_every is not None:
        return _EveryN(record_every)
    from rnnviz.engine.record_cadence import RecordCadence

    return RecordCadence(share=CLI_RECORD_SHARE)


def _summary(session, trained: int) -> None:
    h = session.trainer.history
    rec = h.last
    if rec is None:
        print("no step trained")
        return
    losses = h.series("loss")
    first = losses[-trained] if trained else losses[-1]
    metrics = ", ".join(f"{k} {v:.3f}" for k, v in rec.metrics.items())
    print(
        f"{session.settings.preset_name or 'run'}: {rec.step} steps, loss {first:.4g} -> "
        f"{rec.loss:.4g}"
        + (f", {metrics}" if metrics else "")
        + f", clipped on {int(h.series('clipped').sum())} step(s)"
    )
    full = h.record_at(rec.step)
    if full is not None and full.sample is not None and full.sample.text:
        print(full.sample.text)


def _write_session(session, out) -> None:
    """Write the session; if that fails, keep the run in a temporary file and say where."""
    import tempfile

    from rnnviz.session.files import SessionFileError

    try:
        path = session.save(out)
    except SessionFileError as exc:
        fallback = Path(tempfile.mkdtemp(prefix="rnnviz-")) / Path(out).name
        path = session.save(fallback)
        print(f"rnnviz: {exc}; the run was saved to {path} instead", file=sys.stderr)
        return
    print(f"session written to {path} (open it with: rnnviz {path})")
