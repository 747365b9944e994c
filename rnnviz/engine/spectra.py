"""The recurrent matrices' spectra, computed on a helper thread beside the training thread.

For each square recurrent matrix W (per gate block for LSTM / GRU):

    rho(W)     = max_k |lambda_k(W)|          (spectral radius)
    sigma_1(W) = sqrt(lambda_max(W^T W))      (largest singular value)

A linear recurrence h_t = W h_{t-1} carries a gradient back by W^T per step, so rho < 1 makes
it vanish and rho > 1 lets it explode; ||dh_t/dh_{t-1}|| <= sigma_1 * max|f'| bounds it
(Pascanu, Mikolov & Bengio 2013).

The eigenvalues of four 64 x 64 gate blocks take about 0.6 of a plain training step of that
LSTM, almost all of it one LAPACK call that releases the GIL. A recorded step starts them here
as soon as its gradients are taken and collects them once the rest of the record is built, so
on a machine with a core to spare they cost next to nothing (bench/bench_engine.py).
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import torch

THREAD_NAME = "rnnviz-spectra"  # one idle thread per process once a record asked for spectra

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def spectra(matrices: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
    """(rho, sigma_1) per matrix; rho is NaN for a non-square one (not a map of a space to
    itself). One batched LAPACK call per shape, in float32 like the weights (torch's MKL geev:
    relative error ~1e-6, far below what a plot shows)."""
    out, by_shape = {}, {}
    for name, m in matrices.items():
        if m.shape[0] == m.shape[1]:
            by_shape.setdefault(m.shape, []).append(name)
        else:
            out[name] = (math.nan, float(np.linalg.norm(m, ord=2)))
    for names in by_shape.values():
        stack = torch.from_numpy(np.stack([matrices[n] for n in names])).float()  # [N, H, H]
        radius = torch.linalg.eigvals(stack).abs().amax(-1)
        sigma = torch.linalg.eigvalsh(stack.mT @ stack)[:, -1].clamp(min=0).sqrt()
        out.update({n: (float(r), float(s)) for n, r, s in zip(names, radius, sigma, strict=True)})
    return out


def spectra_later(matrices: dict[str, np.ndarray]) -> Future:
    """``spectra(matrices)`` started on the helper thread; ``.result()`` waits for it.

    The helper runs torch with the caller's thread count: measured on 2 cores, a count other
    than the caller's (1 beside 2, or 2 beside 1) made the overlapped step slower than
    computing the spectra in line, the same count hid most of their cost."""
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(1, thread_name_prefix=THREAD_NAME)
        return _executor.submit(_spectra_with_threads, torch.get_num_threads(), matrices)


def _spectra_with_threads(threads: int, matrices: dict[str, np.ndarray]):
    # torch keeps a count per thread; setting it also makes it the default of threads that
    # have not run torch yet, so only when it differs (the caller's count, mostly the default)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return spectra(matrices)


def _forget_executor() -> None:
    """A forked child has no helper thread: it starts its own."""
    global _executor, _lock
    _executor, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_executor)
