"""Your own time series: a CSV file of numeric columns, one column predicted ``horizon`` steps
ahead, like the built-in sine task.

The file's N rows are split in time: the first ``round(split * N)`` rows train, the rest
validate (the evaluation batch, which the panels show, comes from them). With
``normalise``, every column c is standardised with the training rows' mean and standard
deviation, x'_c = (x_c - mu_c) / sigma_c (sigma_c = 1 for a constant column). A sequence is
a window of W = ``window`` consecutive rows starting at row s::

    x_t = X'[s + t, inputs]           t = 0 .. W-1     [W, B, I]
    y_t = X'[s + t + horizon, target]                  [W, B, 1]

with s drawn uniformly (from the seed and the step) among the windows that fit in the part.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks._common import BuiltinTask, as_numpy, make_batch, series, value_tokens
from rnnviz.engine.tasks.base import Batch, SampleView
from rnnviz.engine.tasks.data_files import (
    FILE_HELP,
    changed_note,
    column_index,
    decode_text,
    numeric_rows,
    read_data_file,
    read_table,
)

#: the shipped example (a synthetic hourly temperature and demand, generated for rnnviz)
SAMPLE_CSV = Path(__file__).resolve().parents[3] / "resources" / "data" / "sample_series.csv"


class CSVSeriesTask(BuiltinTask):
    """Predict column ``target`` of a CSV ``horizon`` rows ahead from windows of its rows."""

    name = "csv"
    title = "Your CSV time series: predict a column ahead"
    loss_kind = "mse"
    io_kind = "many_to_many"
    input_size = 2  # the sample file's columns (the class sizes are its defaults')
    output_size = 1
    seq_len = 50
    option_defaults = {
        "path": str(SAMPLE_CSV),
        "inputs": "",
        "target": "",
        "header": "auto",
        "horizon": 1,
        "window": 50,
        "split": 0.8,
        "normalise": True,
        "sha256": "",
    }
    option_bounds = {"horizon": (1, 10_000), "window": (2, 100_000), "split": (0.05, 0.95)}
    option_help = {
        **FILE_HELP,
        "inputs": "the columns the network reads, by name or number, comma-separated "
        "(empty: every column)",
        "target": "the column to predict, by name or number (empty: the last)",
        "header": "auto (a first row that is not numbers), yes or no",
        "horizon": "how many rows ahead the target is",
        "window": "rows per training sequence (time steps)",
        "split": "share of the rows (the first ones) used for training; the rest validate",
        "normalise": "standardise each column with the training rows' mean and deviation",
    }

    def configure(self, path, inputs, target, header, horizon, window, split, normalise, sha256):
        raw, self.sha256, self.file = read_data_file(path, self.name)
        self.data_note = changed_note(self.file, sha256, self.sha256)
        names, body = read_table(decode_text(raw, self.file), self.file, header)
        values = numeric_rows(body, names, self.file)  # [N, C]
        self.columns = names
        self.input_columns = _columns(names, inputs)
        self.target = column_index(names, target, "target", -1)
        self.horizon, self.seq_len = horizon, window
        rows = len(values)
        self.n_train = int(round(split * rows))
        need = window + horizon
        for part, count in (("training", self.n_train), ("validation", rows - self.n_train)):
            if count < need:
                raise SpecError(
                    f"{self.file.name} has {rows} row(s) of data, {count} of them for "
                    f"{part} (split {split:g}); a window of {window} steps predicting "
                    f"{horizon} ahead needs {need}: lower task.window or task.horizon, or "
                    "change task.split"
                )
        train = values[: self.n_train]
        self.mean = train.mean(0) if normalise else np.zeros(len(names))
        std = train.std(0) if normalise else np.ones(len(names))
        self.std = np.where(std > 0, std, 1.0)
        self.normalise = normalise
        self.values = (values - self.mean) / self.std  # [N, C]
        self.input_size, self.output_size = len(self.input_columns), 1

    # -- data ------------------------------------------------------------------------------
    def make_batch(self, rng: np.random.Generator, batch_size: int) -> Batch:
        return self.windows(rng.integers(0, self.n_train - self._span() + 1, size=batch_size))

    def eval_batch(self, batch_size: int = 64) -> Batch:
        """Windows of the validation rows (fixed)."""
        rng = np.random.default_rng([self.seed, 2**31 - 1])
        last = len(self.values) - self._span()
        return self.windows(rng.integers(self.n_train, last + 1, size=batch_size))

    def _span(self) -> int:
        return self.seq_len + self.horizon

    def windows(self, starts: np.ndarray) -> Batch:
        """The sequences starting at rows ``starts`` [B]."""
        rows = starts[None, :] + np.arange(self.seq_len)[:, None]  # [W, B]
        x = self.values[rows][..., self.input_columns]  # [W, B, I]
        y = self.values[rows + self.horizon, self.target][..., None]  # [W, B, 1]
        return make_batch(x, y, np.ones(rows.shape, dtype=np.float32), classes=False)

    # -- presentation ----------------------------------------------------------------------
    def view(self, x, y, y_hat, mask) -> SampleView:
        x, y, y_hat, mask = as_numpy(x), as_numpy(y), as_numpy(y_hat), as_numpy(mask)
        inputs = [" ".join(f"{v:.2f}" for v in row) for row in x]
        targets, predicted = value_tokens(y, y_hat, mask)
        out = series(y, y_hat)
        text = f"{self.file.name}: {self.columns[self.target]} {self.horizon} row(s) ahead"
        if y_hat is not None:
            rmse = float(np.sqrt(np.mean((out["prediction"] - out["target"]) ** 2)))
            text += f"; RMS error {rmse:.3f}" + (" (normalised units)" if self.normalise else "")
        return SampleView(inputs, targets, predicted, out, text)

    def describe(self) -> str:
        c = self.target
        scale = (
            f"Values are normalised with the training rows' mean and deviation "
            f"({self.columns[c]}: mean {self.mean[c]:.4g}, deviation {self.std[c]:.4g})."
            if self.normalise
            else "Values are used as they are (not normalised)."
        )
        used = ", ".join(self.columns[i] for i in self.input_columns)
        return (
            f"Your time series {self.file.name}: {len(self.values)} rows of "
            f"{len(self.columns)} column(s). At every step the network reads {used} and "
            f"predicts {self.columns[c]} {self.horizon} row(s) ahead, over windows of "
            f"{self.seq_len} rows. The first {self.n_train} rows train, the other "
            f"{len(self.values) - self.n_train} validate (the sample shown comes from them). "
            f"{scale} Loss: squared error at every step."
        )


def _columns(names: list[str], inputs: str) -> list[int]:
    """The input columns' indices (``inputs`` comma-separated; empty: all)."""
    if not inputs.strip():
        return list(range(len(names)))
    chosen = [column_index(names, part.strip(), "inputs", 0) for part in inputs.split(",")]
    return sorted(set(chosen))
