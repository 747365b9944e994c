"""``rnnviz train``'s loop against a plain torch loop on the same preset, in one process.

For each preset (default adding_lstm, sine_gru, char_lstm) the CLI's own training loop
(``cli._train_steps``: every run of the session, its record cadence, the progress bar) and a
plain loop (torch's fused module of the same size + linear head, the preset's optimiser and
learning rate, the task's batches and loss) train in interleaved rounds of ``--steps`` steps,
at the CLI's torch thread count (``engine/threads.py``, printed). Target: the CLI >= 0.9x the
plain loop's steps/s.

    .venv/bin/python bench/bench_cli.py [--presets adding_lstm,sine_gru] [--steps 300]
        [--rounds 5] [--threads N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time

import numpy as np
import torch

from rnnviz.cli import _train_steps
from rnnviz.engine.presets import load_preset
from rnnviz.engine.threads import use_training_threads
from rnnviz.session.session import Session
from rnnviz.session.settings import RunSettings

MODULES = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "elman": torch.nn.RNN}


def cli_session(preset_name: str) -> Session:
    session = Session()
    session.apply_settings(RunSettings.from_preset(load_preset(preset_name)))
    return session


def plain_steps(session: Session):
    """A plain loop on the session's task: ``steps(first, n)`` trains n steps."""
    trainer = session.trainer
    spec, task, config = trainer.spec, trainer.task, trainer.config
    torch.manual_seed(0)
    rnn = MODULES[spec.kind](
        spec.input_size,
        spec.hidden_size,
        num_layers=spec.num_layers,
        bidirectional=spec.bidirectional,
    )
    head = torch.nn.Linear(spec.hidden_size * spec.num_directions, spec.output_size)
    params = [*rnn.parameters(), *head.parameters()]
    optimiser = {"adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop}.get(
        config.optimizer, torch.optim.SGD
    )(params, lr=config.lr)

    def steps(first: int, n: int) -> None:
        for i in range(first, first + n):
            batch = task.batch(i, config.batch_size)
            optimiser.zero_grad()
            out, _ = rnn(batch.x)
            task.loss(head(out), batch).backward()
            if config.clip_mode == "norm":
                torch.nn.utils.clip_grad_norm_(params, config.clip_threshold)
            optimiser.step()

    return steps


def steps_per_second(fn, n: int) -> float:
    started = time.perf_counter()
    fn(n)
    return n / (time.perf_counter() - started)


def measure(preset_name: str, steps: int, rounds: int) -> tuple[list[float], list[float]]:
    session, plain = cli_session(preset_name), plain_steps(cli_session(preset_name))
    done = {"plain": 0}

    def cli(n: int) -> None:
        with contextlib.redirect_stderr(io.StringIO()):  # the progress bar
            _train_steps(session, n, None)

    def baseline(n: int) -> None:
        plain(done["plain"], n)
        done["plain"] += n

    cli(10), baseline(10)  # warm-up
    cli_rates, plain_rates = [], []
    for _ in range(rounds):
        cli_rates.append(steps_per_second(cli, steps))
        plain_rates.append(steps_per_second(baseline, steps))
    return cli_rates, plain_rates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presets", default="adding_lstm,sine_gru,char_lstm")
    parser.add_argument("--steps", type=int, default=300, help="steps per case and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="default: the CLI's count")
    args = parser.parse_args()
    threads = use_training_threads(args.threads)
    print(f"{threads} torch thread(s) (the CLI's); medians of {args.rounds} interleaved rounds")
    met = []
    for name in args.presets.split(","):
        cli, plain = measure(name, args.steps, args.rounds)
        ratios = np.asarray(cli) / np.asarray(plain)
        ratio = float(np.median(cli) / np.median(plain))
        met.append(ratio >= 0.9)
        print(
            f"{name:22s} rnnviz train {np.median(cli):7.1f} steps/s, plain {np.median(plain):7.1f}"
            f" steps/s: {ratio:.2f}x (per round {ratios.min():.2f}-{ratios.max():.2f}; "
            f"target >= 0.9x {'MET' if met[-1] else 'MISSED'})"
        )
    print(f"{sum(met)} of {len(met)} targets MET" + ("" if all(met) else "; some MISSED"))


if __name__ == "__main__":
    main()
