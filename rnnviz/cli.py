"""Command line: ``rnnviz`` (or ``rnnviz run.rnnviz``) opens the window; ``rnnviz presets``,
``rnnviz train`` and ``rnnviz export`` run headless over the session and engine layers (no Qt
is imported for them)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rnnviz.cli_train import (  # parse_settings: public, `--set` strings to a dict
    model_settings,
    parse_settings,  # noqa: F401
    preset_from_flags,
    train_command,
)
from rnnviz.engine.presets import DEFAULT_PRESET, is_user_preset, load_preset, scan_presets
from rnnviz.engine.schema import Field
from rnnviz.engine.spec import SpecError

#: the window's options, declared like every other setting (engine/schema.py); the text
#: sizes are the View menu's (ui/style.py SCALES), the window at most a large 8K screen
WINDOW_FIELDS = {
    "text_size": Field("--text-size", "float", 0.8, 2.0, label="text scale"),
    "steps": Field("--steps", "int", 0, 10_000_000),
    "exit_after": Field("--exit-after", "float", 0.0, 1e7, optional=True),
    "width": Field("--size width", "int", 320, 8192),
    "height": Field("--size height", "int", 240, 8192),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnnviz", description="Watch recurrent neural networks learn."
    )
    parser.add_argument(
        "--preset", default=None, help=f"preset to open in the window (default {DEFAULT_PRESET})"
    )
    parser.add_argument(
        "--preset-file",
        metavar="FILE.json",
        help="open a preset from a JSON file anywhere (File > Save settings as preset... "
        "writes one)",
    )
    parser.add_argument(
        "--model",
        dest="model_path",
        metavar="WEIGHTS.pt",
        help="open a torch nn.RNN / LSTM / GRU state_dict (optionally with an nn.Linear head) "
        "on the first built-in task that fits it (File > Open model... chooses)",
    )
    parser.add_argument(
        "--open",
        dest="open_path",
        metavar="FILE",
        help="a saved session (.rnnviz) to open in the window; `rnnviz FILE` does the same",
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
    parser.add_argument(
        "--presentation",
        action="store_true",
        help="open in presentation mode: one panel (the last --show) fills the window, "
        "large text, no sidebar (F11 leaves)",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("presets", help="list the presets")
    train = sub.add_parser(
        "train",
        help="train headless with a progress bar",
        description="Train headless. Ctrl-C stops training and still writes --out.",
    )
    train.add_argument(
        "--preset", dest="train_preset", default=None, help=f"default {DEFAULT_PRESET}"
    )
    train.add_argument(
        "--resume",
        metavar="FILE",
        help="continue the session saved in FILE (exactly where it stopped); it is written "
        "back to FILE unless --out is given",
    )
    train.add_argument("--preset-file", dest="train_preset_file", metavar="FILE.json")
    train.add_argument(
        "--model",
        dest="train_model",
        metavar="WEIGHTS.pt",
        help="train a torch nn.RNN / LSTM / GRU state_dict from its weights (--set task.kind=... "
        "picks the task, --set model.activation=relu an nn.RNN's nonlinearity)",
    )
    train.add_argument("--steps", dest="train_steps", type=int, default=200)
    train.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting, e.g. train.lr=0.001 or model.hidden_size=32",
    )
    train.add_argument(
        "--out", help="write the session (weights, history, settings) to this .rnnviz file"
    )
    train.add_argument(
        "--record-every",
        type=int,
        default=None,
        metavar="N",
        help="record every internal each N steps (default: as often as takes at most 5%% of "
        "the training time, and the last step)",
    )
    train.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: the window's, one fewer than the cores, so a run "
        "continues bit for bit in the window)",
    )
    _export_parser(sub)
    from rnnviz.sweep_cli import add_sweep_parser

    add_sweep_parser(sub)
    from rnnviz.surface_cli import add_surface_parser

    add_surface_parser(sub)
    return parser


def _export_parser(sub) -> None:
    from rnnviz.session.export import ITEMS

    export = sub.add_parser(
        "export",
        help="write a saved session's history as CSV / npz files",
        description="Write items of a saved session's history, one file per item: "
        "loss.csv (step,loss), scalars.csv, metrics.csv, dh_norm.csv and dc_norm.csv "
        "(step,t,<chain>...), spectra.csv, grad_groups.csv, events.csv, weights.npz, "
        "history.npz. Numbers carry every digit (repr).",
    )
    export.add_argument("session", metavar="FILE", help="a .rnnviz session file")
    export.add_argument(
        "--what",
        default="loss",
        help=f"comma-separated items (default loss); any of: {', '.join(ITEMS)}",
    )
    export.add_argument("--to", default=".", metavar="FOLDER", help="output folder (default .)")
    export.add_argument(
        "--run",
        choices=("main", "compare"),
        default="main",
        help="which run of a compare session (default main)",
    )


def _presets() -> int:
    """List every preset; a broken file is named with its reason and the rest still listed
    (exit 0: listing succeeded even when a file did not)."""
    for entry in scan_presets():
        yours = " (yours)" if is_user_preset(entry.name) else ""
        if entry.preset is None:
            print(f"{entry.name:28s} (broken: {entry.reason}){yours}")
        else:
            print(f"{entry.name:28s} {entry.preset.title}{yours}")
    return 0


def _export(args) -> int:
    from rnnviz.session.export import export_items, parse_items
    from rnnviz.session.session import Session

    items = parse_items(args.what)
    session = Session()
    session.open(args.session)
    trainer = session.trainer if args.run == "main" else session.compare_trainer
    if trainer is None:
        raise SpecError(f"{args.session} has no compare run")
    for path in export_items(trainer, items, args.to):
        print(path)
    return 0


def _window(args) -> int:
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise SpecError(f"--size expects WIDTHxHEIGHT (got {args.size!r})") from None
    width = WINDOW_FIELDS["width"].check(width)
    height = WINDOW_FIELDS["height"].check(height)
    WINDOW_FIELDS["steps"].check(args.steps)  # refused, not silently 0
    WINDOW_FIELDS["exit_after"].check(args.exit_after)
    if args.text_size is not None:  # NaN, inf, 0 and -1 are refused, not clamped
        WINDOW_FIELDS["text_size"].check(args.text_size)
    if args.preset is not None:
        load_preset(args.preset)  # unknown preset: a one-line error before Qt starts
    if args.open_path is not None and not Path(args.open_path).expanduser().is_file():
        raise SpecError(f"{args.open_path} is not a file")
    run_settings = model_settings(args.model_path, []) if args.model_path else None
    if args.preset_file is not None:
        if args.model_path or args.preset:
            raise SpecError("--preset-file cannot be combined with --model or --preset")
        from rnnviz.session.settings import RunSettings

        run_settings = RunSettings.from_preset(preset_from_flags(None, args.preset_file))
    from rnnviz.ui.standby import start_spare

    start_spare()  # a training process imports torch while this one imports Qt
    from rnnviz.ui.app import run_app

    return run_app(
        args.preset,
        open_path=args.open_path,
        screenshot=args.screenshot,
        steps=args.steps,
        size=(width, height),
        exit_after=args.exit_after,
        show=args.show,
        text_size=args.text_size,
        presentation=args.presentation,
        run_settings=run_settings,
    )


_COMMANDS = ("presets", "train", "export", "sweep", "surface")


def _with_open_flag(argv: list[str]) -> list[str]:
    """``rnnviz run.rnnviz ...`` means ``rnnviz --open run.rnnviz ...``."""
    if argv and not argv[0].startswith("-") and argv[0] not in _COMMANDS:
        return ["--open", argv[0], *argv[1:]]
    return argv


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(_with_open_flag(argv))
    try:
        if args.command == "presets":
            return _presets()
        if args.command == "train":
            return train_command(args)
        if args.command == "export":
            return _export(args)
        if args.command == "sweep":
            from rnnviz.sweep_cli import sweep_command

            return sweep_command(args)
        if args.command == "surface":
            from rnnviz.surface_cli import surface_command

            return surface_command(args)
        return _window(args)
    except (SpecError, ValueError, OSError) as exc:
        print(f"rnnviz: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
