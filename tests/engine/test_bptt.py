"""The hand-written BPTT of the record equals autograd through the explicit cells."""

import pytest
import torch

from rnnviz.engine.bptt import state_gradients
from rnnviz.engine.models import build_model
from rnnviz.engine.spec import ModelSpec

CASES = [
    (dict(kind="lstm"), 0),
    (dict(kind="lstm"), 3),
    (dict(kind="gru"), 0),
    (dict(kind="gru"), 4),
    (dict(kind="elman", activation="tanh"), 0),
    (dict(kind="elman", activation="relu"), 2),
    (dict(kind="irnn"), 0),
    (dict(kind="lstm", num_layers=2), 0),
    (dict(kind="lstm", bidirectional=True, combine="sum"), 0),
    (dict(kind="gru", bidirectional=True, num_layers=2), 3),
    (dict(kind="elman", bidirectional=True, num_layers=2, combine="concat"), 0),
    (dict(kind="elman", activation="tanh", hidden_size=3, output_size=3, head="identity"), 0),
]


@pytest.mark.parametrize("options, truncate", CASES)
def test_state_gradients_match_autograd(options, truncate):
    options = {"input_size": 3, "hidden_size": 5, "output_size": 2, **options}
    model = build_model(ModelSpec(**options), seed=1)
    assert model.fused_available
    g = torch.Generator().manual_seed(0)
    x = torch.randn(9, 4, 3, generator=g)  # [T, B, I]
    probe = torch.randn(9, 4, options["output_size"], generator=g)  # dL/dy
    out = model(x, truncate=truncate, keep_states=True)
    loss = (out.y * probe).sum()
    names = [(c, k) for c, kinds in out.states.items() for k in kinds]
    tensors = [t for c, k in names for t in out.states[c][k]]
    grads = torch.autograd.grad(loss, tensors, allow_unused=True, materialize_grads=True)
    with torch.no_grad():
        trace = model(x, truncate=truncate).trace
    dh, dc = state_gradients(model, trace, probe, truncate)
    T = x.shape[0]
    for n, (chain, kind) in enumerate(names):
        expected = torch.stack(grads[n * T : (n + 1) * T])  # [T, B, H]
        got = (dh if kind == "h" else dc)[chain]
        torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-6)
