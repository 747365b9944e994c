"""Command line: ``rnnviz`` opens the window; ``rnnviz presets`` and ``rnnviz train`` run
headless over the engine (no Qt is imported for them)."""

from __future__ import annotations

import argparse
import json
import sys

from rnnviz.engine.presets import DEFAULT_PRESET, list_presets, load_preset
from rnnviz.engine.spec import SpecError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnnviz", description="Watch recurrent neural networks learn."
    )
    parser.add_argument(
        "--preset", default=None, help=f"preset to open in the window (default {DEFAULT_PRESET})"
    )
    parser.add_argument(
        "--screenshot", metavar="PNG", help="train --steps steps, save the window as PNG and exit"
    )
    parser.add_argument(
        "--steps", type=int, default=0, help="training steps before the screenshot (default 0)"
    )
    parser.add_argument("--size", default="1600x1000", help="window size WxH (default 1600x1000)")
    parser.add_argument(
        "--exit-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="close the window after this many seconds (demos, smoke tests)",
    )
    parser.add_argument(
        "--show",
        action="append",
        default=[],
        metavar="PANEL",
        help="bring a panel's tab to the front (e.g. loss_surface, gates, memory, "
        "cell_diagram, gradient_norm, recurrent_matrix); repeatable",
    )
    parser.add_argument(
        "--text-size",
        type=float,
        default=None,
        metavar="SCALE",
        help="scale every font (1.0 normal, 1.5 for a projector; remembered)",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("presets", help="list the presets")
    train = sub.add_parser("train", help="train headless with a progress bar")
    train.add_argument("--preset", dest="train_preset", default=DEFAULT_PRESET)
    train.add_argument("--steps", dest="train_steps", type=int, default=200)
    train.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting, e.g. train.lr=0.001 or model.hidden_size=32",
    )
    train.add_argument("--out", help="write the run's history to this .npz file")
    train.add_argument(
        "--record-every",
        type=int,
        default=10,
        help="record every internal each N steps (default 10)",
    )
    return parser


def parse_settings(items: list[str]) -> dict[str, object]:
    """``key=value`` strings to a dict; values are read as JSON where they parse."""
    out: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise SpecError(f"--set expects KEY=VALUE (got {item!r})")
        try:
            out[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            out[key.strip()] = raw
    return out


def _presets() -> int:
    for name in list_presets():
        print(f"{name:28s} {load_preset(name).title}")
    return 0


def _train(args) -> int:
    from tqdm import tqdm

    from rnnviz.engine.history_io import save_history
    from rnnviz.engine.trainer import Trainer

    if args.train_steps < 1:
        raise SpecError(f"--steps must be at least 1 (got {args.train_steps})")
    if args.record_every < 1:
        raise SpecError("--record-every must be at least 1")
    preset = load_preset(args.train_preset).with_settings(parse_settings(args.settings))
    trainer = Trainer.from_preset(preset)
    first = None
    with tqdm(total=args.train_steps, desc=preset.name, unit="step", file=sys.stderr) as bar:
        for i in range(args.train_steps):
            rec = trainer.step(record=(i % args.record_every == 0) or i == args.train_steps - 1)
            first = rec.loss if first is None else first
            bar.set_postfix(loss=f"{rec.loss:.4g}", refresh=False)
            bar.update()
            if rec.diverged:
                break
    h = trainer.history
    metrics = ", ".join(f"{k} {v:.3f}" for k, v in rec.metrics.items())
    print(
        f"{preset.name}: {rec.step} steps, loss {first:.4g} -> {rec.loss:.4g}"
        + (f", {metrics}" if metrics else "")
        + f", clipped on {int(h.series('clipped').sum())} step(s)"
    )
    if rec.sample is not None and rec.sample.text:
        print(rec.sample.text)
    if args.out:
        meta = {
            "preset": preset.name,
            "steps": rec.step,
            "model": trainer.spec.to_dict(),
            "task": preset.task,
            "train": trainer.config.to_dict(),
        }
        path = save_history(args.out, h, meta)
        print(f"history written to {path}")
    if rec.diverged:
        print(f"diverged: {rec.diverged}", file=sys.stderr)
        return 3
    return 0


def _window(args) -> int:
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise SpecError(f"--size expects WIDTHxHEIGHT (got {args.size!r})") from None
    if args.preset is not None:
        load_preset(args.preset)  # unknown preset: a one-line error before Qt starts
    from rnnviz.ui.app import run_app

    return run_app(
        args.preset,
        screenshot=args.screenshot,
        steps=args.steps,
        size=(width, height),
        exit_after=args.exit_after,
        show=args.show,
        text_size=args.text_size,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "presets":
            return _presets()
        if args.command == "train":
            return _train(args)
        return _window(args)
    except (SpecError, ValueError) as exc:
        print(f"rnnviz: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
