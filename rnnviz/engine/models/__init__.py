"""The recurrent model zoo: explicit cells with full traces, and torch's fused modules.

>>> from rnnviz.engine.spec import ModelSpec
>>> model = build_model(ModelSpec(kind="lstm", input_size=2, hidden_size=4), seed=0)
"""

from .activations import ACTIVATION_FUNCTIONS, get_activation
from .lecture import LECTURE_LSTM_SPEC, LECTURE_X, LECTURE_Y, lecture_lstm_weights
from .model import ModelOutput, RecurrentModel, build_model
from .params import IRNN_INPUT_STD, is_fusable

__all__ = [
    "ACTIVATION_FUNCTIONS",
    "IRNN_INPUT_STD",
    "LECTURE_LSTM_SPEC",
    "LECTURE_X",
    "LECTURE_Y",
    "ModelOutput",
    "RecurrentModel",
    "build_model",
    "get_activation",
    "is_fusable",
    "lecture_lstm_weights",
]
