"""Your own labelled sequences: a CSV with a sequence column and a label column, for
many-to-one classification (the network reads the sequence and names its label at the end).

A sequence cell is either numbers separated by spaces (one value per step, I = 1) or, when
any cell of the column is not all numbers, a string of symbols (one character per step,
one-hot over the column's alphabet). Shorter sequences are padded at the *front* with zero
inputs, so every sequence ends at the last step, where the label is due (mask 1 there only).
The rows are split like the CSV series task: the first ``round(split * N)`` train, the rest
validate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks._common import (
    BuiltinTask,
    as_numpy,
    class_tokens,
    last_step_mask,
    make_batch,
    one_hot,
)
from rnnviz.engine.tasks.base import Batch, SampleView
from rnnviz.engine.tasks.data_files import (
    FILE_HELP,
    changed_note,
    column_index,
    decode_text,
    read_data_file,
    read_table,
)

SAMPLE_LABELLED = Path(__file__).resolve().parents[3] / "resources" / "data" / "sample_labelled.csv"
MAX_LABELS = 256
MAX_SEQ_LEN = 10_000


class LabelledCSVTask(BuiltinTask):
    """Many-to-one: the label of each row's sequence."""

    name = "labelled_csv"
    title = "Your labelled sequences (CSV): classify each sequence"
    loss_kind = "ce"
    io_kind = "many_to_one"
    input_size = 1  # the sample file's (numbers, two labels, at most 15 steps)
    output_size = 2
    seq_len = 15
    output_labels = ["down", "up"]
    option_defaults = {
        "path": str(SAMPLE_LABELLED),
        "sequence": "",
        "label": "",
        "header": "auto",
        "split": 0.8,
        "sha256": "",
    }
    option_bounds = {"split": (0.05, 0.95)}
    option_help = {
        **FILE_HELP,
        "sequence": "the column holding the sequences, by name or number (empty: the first)",
        "label": "the column holding the labels, by name or number (empty: the last)",
        "header": "auto (a first row that is not numbers), yes or no",
        "split": "share of the rows (the first ones) used for training; the rest validate",
    }

    def configure(self, path, sequence, label, header, split, sha256) -> None:
        raw, self.sha256, self.file = read_data_file(path, self.name)
        self.data_note = changed_note(self.file, sha256, self.sha256)
        names, body = read_table(decode_text(raw, self.file), self.file, header)
        seq_col = column_index(names, sequence, "sequence", 0)
        label_col = column_index(names, label, "label", -1)
        if seq_col == label_col:
            raise SpecError("task options 'sequence' and 'label' name the same column")
        cells = [(line, row[seq_col], row[label_col]) for line, row in body]
        for line, seq, lab in cells:
            if not seq or not lab:
                which = "sequence" if not seq else "label"
                raise SpecError(f"{self.file.name} line {line}: the {which} is missing")
        self.numeric = all(_numbers(seq) is not None for _, seq, _ in cells)
        self.output_labels = sorted({lab for _, _, lab in cells})
        if not 2 <= len(self.output_labels) <= MAX_LABELS:
            raise SpecError(
                f"{self.file.name} has {len(self.output_labels)} different label(s); "
                f"classification needs 2 to {MAX_LABELS}"
            )
        steps = [(_numbers(seq) if self.numeric else list(seq)) for _, seq, _ in cells]
        self.seq_len = max(len(s) for s in steps)
        if self.seq_len > MAX_SEQ_LEN:
            raise SpecError(
                f"{self.file.name} has a sequence of {self.seq_len} steps; at most {MAX_SEQ_LEN}"
            )
        self.input_vocab = None if self.numeric else sorted({c for s in steps for c in s})
        self.input_size = 1 if self.numeric else len(self.input_vocab)
        self.output_size = len(self.output_labels)
        self.inputs = np.stack([self._encode(s) for s in steps])  # [N, T, I]
        self.labels = np.array([self.output_labels.index(lab) for _, _, lab in cells])  # [N]
        self.n_train = int(round(split * len(cells)))
        if self.n_train < 1 or self.n_train >= len(cells):
            raise SpecError(
                f"{self.file.name} has {len(cells)} row(s): split {split:g} leaves none for "
                f"{'training' if self.n_train < 1 else 'validation'}; it needs at least 2 rows"
            )

    def _encode(self, steps: list) -> np.ndarray:
        """One sequence as [T, I], front-padded with zeros to ``seq_len``."""
        out = np.zeros((self.seq_len, self.input_size), dtype=np.float32)
        if self.numeric:
            values = np.asarray(steps, dtype=np.float32)[:, None]
        else:
            values = one_hot(np.array([self.input_vocab.index(c) for c in steps]), self.input_size)
        out[self.seq_len - len(steps) :] = values
        return out

    # -- data ------------------------------------------------------------------------------
    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        return self.rows(rng.integers(0, self.n_train, size=batch_size))

    def eval_batch(self, batch_size: int = 64) -> Batch:
        """Rows of the validation part (fixed)."""
        rng = np.random.default_rng([self.seed, 2**31 - 1])
        return self.rows(rng.integers(self.n_train, len(self.labels), size=batch_size))

    def rows(self, index: np.ndarray) -> Batch:
        """The sequences of rows ``index`` [B] (0-based among the data rows)."""
        x = self.inputs[index].transpose(1, 0, 2)  # [T, B, I]
        y = np.zeros((self.seq_len, len(index)), dtype=np.int64)
        y[-1] = self.labels[index]
        return make_batch(x, y, last_step_mask(self.seq_len, len(index)), classes=True)

    # -- presentation ----------------------------------------------------------------------
    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        if self.numeric:
            inputs = [f"{row[0]:.2f}" for row in x]
        else:
            inputs = [self.input_vocab[int(np.argmax(r))] if r.any() else "" for r in x]
        targets, predicted = class_tokens(self.output_labels, y, y_hat, mask)
        text = f"label {targets[-1]}" + (f"; predicted {predicted[-1]}" if predicted[-1] else "")
        return SampleView(inputs, targets, predicted, {}, text)

    def describe(self) -> str:
        kind = "numbers, one per step" if self.numeric else "symbols, one-hot, one per step"
        return (
            f"Your labelled sequences {self.file.name}: {len(self.labels)} rows, sequences "
            f"of {kind} (up to {self.seq_len} steps; shorter ones padded at the front with "
            f"zeros), labels {', '.join(self.output_labels[:8])}"
            f"{' ...' if len(self.output_labels) > 8 else ''}. The network reads a whole "
            "sequence and names its label at the last step only (many-to-one). The first "
            f"{self.n_train} rows train, the others validate. Loss: cross-entropy at the last step."
        )


def _numbers(cell: str) -> list[float] | None:
    """The space-separated numbers of a cell (None if any part is not a finite number)."""
    try:
        values = [float(v) for v in cell.split()]
    except ValueError:
        return None
    return values if values and all(np.isfinite(values)) else None
