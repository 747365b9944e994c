"""The BIO tag scheme: B-x begins a slot x, I-x continues it, O is outside every slot.

A tag sequence is legal when every I-x follows a B-x or an I-x of the same slot (so it never
comes first, and never after O or after another slot's tag). "November 2nd" is B-time I-time;
O I-time is illegal.
"""

from __future__ import annotations

import numpy as np


def slot_of(tag: str) -> str | None:
    """'B-dest' / 'I-dest' -> 'dest'; 'O' -> None."""
    return tag[2:] if tag[:2] in ("B-", "I-") else None


def legal_move(previous: str | None, tag: str) -> bool:
    """May ``tag`` follow ``previous`` (None: the sequence starts)?"""
    if not tag.startswith("I-"):
        return True
    return previous is not None and previous[:2] in ("B-", "I-") and slot_of(previous) == tag[2:]


def illegal_steps(tags: list[str]) -> list[int]:
    """The steps t whose tag may not follow tag t - 1 (or start the sequence)."""
    return [t for t, tag in enumerate(tags) if not legal_move(tags[t - 1] if t else None, tag)]


def allowed_moves(labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """For a tag set: allowed [K, K] (row: previous tag, column: next) and allowed_start [K],
    booleans."""
    allowed = np.array([[legal_move(a, b) for b in labels] for a in labels], dtype=bool)
    return allowed, np.array([legal_move(None, b) for b in labels], dtype=bool)
