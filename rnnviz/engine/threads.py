"""How many torch threads training uses: the same rule in the window and the CLI.

One core fewer than the machine has (at least one): in the window the GUI keeps a core (its
painting otherwise competes with torch's intra-op threads and the event loop runs hundreds of
ms late), and the CLI uses the same count so that a run trained headless continues bit for
bit in the window on the same machine (float sums depend on the thread count). For the
small models rnnviz trains, one thread is as fast as two (bench/bench_engine.py).
"""

from __future__ import annotations

import os


def training_threads() -> int:
    """The torch thread count for training on this machine."""
    return max(1, (os.cpu_count() or 2) - 1)


def use_training_threads(threads: int | None = None) -> int:
    """Set torch's thread count for training (``threads`` or ``training_threads()``);
    returns it. Call once, on the thread that trains, before it runs torch."""
    import torch

    threads = threads or training_threads()
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads
