"""The trace read off torch's fused kernels equals the explicit cells' trace."""

import pytest
import torch

from rnnviz.engine.fused_trace import fused_trace
from rnnviz.engine.models import build_model
from rnnviz.engine.spec import ModelSpec

SPECS = [
    dict(kind="lstm"),
    dict(kind="gru"),
    dict(kind="elman", activation="tanh"),
    dict(kind="elman", activation="relu"),
    dict(kind="irnn"),
    dict(kind="lstm", num_layers=2),
    dict(kind="lstm", bidirectional=True),
    dict(kind="gru", bidirectional=True, num_layers=2),
    dict(kind="elman", bidirectional=True, num_layers=2, h0=0.3),
]


@pytest.mark.parametrize("options", SPECS)
def test_fused_trace_equals_explicit_trace(options):
    spec = ModelSpec(**{"input_size": 3, "hidden_size": 5, "output_size": 2, **options})
    model = build_model(spec, seed=2)
    assert model.fused_available
    x = torch.randn(11, 4, 3, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = model(x).trace
    got = fused_trace(model, x)
    assert got.keys() == expected.keys()
    for chain, kinds in expected.items():
        assert got[chain].keys() == kinds.keys()
        for name, value in kinds.items():
            torch.testing.assert_close(got[chain][name], value, rtol=1e-5, atol=1e-6)
