"""The training child runs at a lower scheduling priority than the window.

Why: the child trains flat out, so on a machine with few cores the window's GUI thread,
which wakes up for each display tick and paint, had to wait for a CPU: on 2 cores it spent
~37% of the training time runnable but not running, and the event loop's p99 lateness was
60-130 ms (bench/bench_redraw.py, issue 23 target 7). A niced child still gets every cycle
the window does not use, so training loses little; the window gets the CPU when it needs
it. ``RNNVIZ_CHILD_NICE`` overrides the increment (0: same priority as the window), for
benches that compare the two.
"""

from __future__ import annotations

import os

#: how much nicer (lower priority) than the window the training child runs
CHILD_NICE = 5


def child_nice() -> int:
    """The niceness increment for a new training child (``RNNVIZ_CHILD_NICE`` or the
    default); never negative (raising a priority needs privileges)."""
    try:
        return max(0, int(os.environ.get("RNNVIZ_CHILD_NICE", CHILD_NICE)))
    except ValueError:
        return CHILD_NICE


def lower_priority(pid: int) -> bool:
    """Make process ``pid`` (a child just started) nicer than this process by
    ``child_nice()``; False where the platform cannot (Windows) or refused."""
    increment = child_nice()
    if increment == 0 or not hasattr(os, "setpriority"):
        return False
    try:
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, pid, min(19, mine + increment))
    except OSError:
        return False
    return True
