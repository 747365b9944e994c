"""numpy's BLAS on one thread, for the engine's small matrices.

numpy's OpenBLAS threads spin after each call and then fight torch's own threads for the
cores (measured: the hand BPTT of a recorded step 2.6 ms on one thread, 8-13 ms with two); the
matrices the engine gives numpy are small, so one thread is also the fastest.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from threadpoolctl import ThreadpoolController

_CONTROLLER = ThreadpoolController()


def one_blas_thread() -> AbstractContextManager:
    """Context in which numpy's BLAS/LAPACK use a single thread (about 10 us to enter)."""
    return _CONTROLLER.limit(limits=1, user_api="blas")
