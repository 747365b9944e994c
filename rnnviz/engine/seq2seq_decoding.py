"""What the trainer adds for an encoder-decoder: greedy decoding's metrics, the displayed
sample's decoding and attention, and the checks that model and task belong together.

Greedy decoding of a batch yields tokens d_{j,b} (j < cap); a sequence's decoding ends at its
first ``<eos>`` (what follows is never emitted). Against the targets y_{j,b} with mask m_{j,b}
(1 up to and including ``<eos>``):

    token_accuracy    = sum_{j,b} m_{j,b} [d_{j,b} = y_{j,b}] / sum_{j,b} m_{j,b}
    sequence_accuracy = mean_b prod_j [d_{j,b} = y_{j,b}]^{m_{j,b}}

so a decoding is exactly right when every target token and its ``<eos>`` are in place.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from rnnviz.engine.models.seq2seq import EOS, Seq2SeqModel
from rnnviz.engine.spec import ModelSpec, SpecError
from rnnviz.engine.tasks.base import Batch, Task


class SampleDecoding(NamedTuple):
    """The displayed sample decoded greedily: ``tokens`` its output labels up to and with
    ``<eos>``; ``attention`` {"teacher": alpha [T_out, T_in] under teacher forcing, "greedy":
    alpha [len(tokens), T_in]} (empty without attention)."""

    tokens: list[str]
    attention: dict[str, np.ndarray]


def check_pairing(spec: ModelSpec, task: Task, bptt: int) -> None:
    """An encoder-decoder trains on a sequence-to-sequence task and nothing else does."""
    wants = task.io_kind == "seq2seq"
    if wants and not spec.seq2seq:
        raise SpecError(f"the task {task.name!r} needs an encoder-decoder (model.seq2seq true)")
    if spec.seq2seq and not wants:
        raise SpecError(
            f"an encoder-decoder (model.seq2seq) needs a sequence-to-sequence task, not "
            f"{task.name!r}"
        )
    if spec.seq2seq and bptt:
        raise SpecError("truncated BPTT (train.bptt) does not apply to an encoder-decoder")


def emitted(tokens: torch.Tensor, length: int) -> torch.Tensor:
    """Greedy tokens [T_dec, B] -> [length, B] with -1 after each sequence's first ``<eos>``
    and where the decoding stopped early (nothing was emitted there)."""
    T_dec, B = tokens.shape
    out = torch.full((max(length, T_dec), B), -1, dtype=torch.long)
    out[:T_dec] = tokens
    ended = torch.cumsum((out == EOS).long(), 0) - (out == EOS).long()  # eos strictly before
    out[ended > 0] = -1
    return out[:length]


def greedy_metrics(model, task: Task, batch: Batch) -> dict[str, float]:
    """token_accuracy and sequence_accuracy of greedy decoding on ``batch`` (module doc);
    none for a model that is not an encoder-decoder."""
    if not isinstance(model, Seq2SeqModel):
        return {}
    decoded = model.greedy(batch.x, task.max_output_len).tokens  # [T_dec, B]
    right = (emitted(decoded, batch.y.shape[0]) == batch.y).float() * batch.mask  # [T_out, B]
    counted = batch.mask.sum()
    exact = (right.sum(0) == batch.mask.sum(0)).float().mean()
    metrics = {
        "token_accuracy": float(right.sum() / counted.clamp_min(1.0)),
        "sequence_accuracy": float(exact),
    }
    if hasattr(task, "decoded_metrics"):  # a task's own reading of the decodings
        metrics |= task.decoded_metrics(decoded, batch)
    return metrics


def sample_decoding(model, task: Task, shown: Batch, teacher) -> SampleDecoding | None:
    """The displayed sample (a batch of one) decoded greedily; ``teacher``: the teacher-forced
    output of the same step (its attention [T_out, 1, T_in]). None for a model that is not
    an encoder-decoder."""
    if not isinstance(model, Seq2SeqModel):
        return None
    greedy = model.greedy(shown.x, task.max_output_len)
    tokens = task.tokens_of(greedy.tokens[:, 0])
    attention = {}
    if teacher.attention is not None:
        attention["teacher"] = teacher.attention[:, 0].detach().cpu().numpy()
        attention["greedy"] = greedy.attention[: len(tokens), 0].cpu().numpy()
    return SampleDecoding(tokens, attention)


def translate(model: Seq2SeqModel, task, source) -> list[str]:
    """A user's source (text or tokens) decoded greedily, as output labels with ``<eos>``
    (SpecError for an empty or too long source, or an unknown token)."""
    batch = task.source_batch(source)
    return task.tokens_of(model.greedy(batch.x, task.max_output_len).tokens[:, 0])
