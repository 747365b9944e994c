"""The recurrent matrices' spectra against numpy's float64 LAPACK, and the helper thread."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
import torch

from rnnviz.engine.spectra import spectra, spectra_later


def _matrices() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    return {
        "rotation-ish": rng.standard_normal((16, 16)) / 4,  # complex eigenvalues
        "gate": rng.standard_normal((16, 16)) / 2,
        "diagonal": np.diag([0.5, -1.25, 0.75]),
        "tall": rng.standard_normal((8, 3)),  # not square: no eigenvalues
    }


def test_radius_and_sigma_match_numpy():
    result = spectra(_matrices())
    for name, m in _matrices().items():
        radius, sigma = result[name]
        assert sigma == pytest.approx(np.linalg.svd(m, compute_uv=False)[0], rel=1e-5)
        if m.shape[0] == m.shape[1]:
            assert radius == pytest.approx(np.abs(np.linalg.eigvals(m)).max(), rel=1e-5)
        else:
            assert math.isnan(radius)
    assert result["diagonal"] == pytest.approx((1.25, 1.25))


def _fresh_thread_count() -> int:
    seen = []
    t = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
    t.start()
    t.join()
    return seen[0]


def test_helper_gives_the_same_numbers_and_leaves_thread_counts_alone():
    own, fresh = torch.get_num_threads(), _fresh_thread_count()
    expected = spectra(_matrices())

    def same_numbers() -> None:
        result = spectra_later(_matrices()).result()
        assert result.keys() == expected.keys()
        for name, pair in expected.items():
            np.testing.assert_allclose(result[name], pair, rtol=1e-6)

    same_numbers()
    torch.set_num_threads(1)  # a caller on one thread: the helper follows it
    try:
        same_numbers()
    finally:
        torch.set_num_threads(own)
    same_numbers()
    assert torch.get_num_threads() == own
    assert _fresh_thread_count() == fresh
