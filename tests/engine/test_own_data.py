"""The user's own data: CSV time series, text files and labelled sequences. Batches are
checked against windows of the file recomputed here with numpy / plain Python."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks import data_files, make_task


def write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def series_file(tmp_path, rows: int = 40, header: bool = True, sep: str = ","):
    rng = np.random.default_rng(0)
    table = np.round(rng.normal(size=(rows, 3)) * 10, 3)  # [N, 3]
    lines = [sep.join(["a", "b", "c"])] if header else []
    lines += [sep.join(repr(float(v)) for v in row) for row in table]
    return write(tmp_path, "series.csv", "\n".join(lines) + "\n"), table


def find_start(windows: np.ndarray, reference: np.ndarray) -> int:
    """The row where the window ``windows`` [W, I] starts in ``reference`` [N, I]."""
    W = len(windows)
    for s in range(len(reference) - W + 1):
        if np.allclose(reference[s : s + W], windows, atol=1e-5):
            return s
    raise AssertionError("the window is not a window of the file")


@pytest.mark.parametrize("header", [True, False])
def test_csv_batches_are_windows_of_the_normalised_file(tmp_path, header):
    path, table = series_file(tmp_path, header=header)
    target = "b" if header else "2"
    task = make_task("csv", seed=3, path=path, target=target, horizon=2, window=6, split=0.75)
    assert (task.input_size, task.output_size, task.seq_len) == (3, 1, 6)
    n_train = 30
    mean, std = table[:n_train].mean(0), table[:n_train].std(0)
    normalised = (table - mean) / std  # train rows' statistics
    for batch, lo, hi in ((task.batch(4, 5), 0, n_train), (task.eval_batch(7), n_train, 40)):
        for b in range(batch.batch_size):
            x = batch.x[:, b].numpy()
            s = find_start(x, normalised)
            assert lo <= s and s + 6 + 2 <= hi  # inside its part, target included
            expected_y = normalised[s + 2 : s + 8, 1]
            np.testing.assert_allclose(batch.y[:, b, 0].numpy(), expected_y, atol=1e-5)
    assert (
        "mean" in task.describe()
        and task.sha256 == hashlib.sha256(open(path, "rb").read()).hexdigest()
    )


def test_csv_inputs_and_no_normalisation(tmp_path):
    path, table = series_file(tmp_path)
    task = make_task("csv", path=path, inputs="c,a", target="a", window=4, normalise=False)
    assert task.input_size == 2
    x, y = task.batch(0, 3).x.numpy(), task.batch(0, 3).y.numpy()
    for b in range(3):
        s = find_start(x[:, b], table[:, [0, 2]])
        np.testing.assert_allclose(y[:, b, 0], table[s + 1 : s + 5, 0], atol=1e-5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n3,\n5,6\n", r"series.csv line 3, column 'b': a missing value"),
        ("a;b\n1;2\n3;NA\n", r"series.csv line 3, column 'b': a missing value"),
        ("a,b\n1,2\n3,x7\n", r"series.csv line 3, column 'b': 'x7' is not a number"),
        ("a,b\n1,2\n3\n", r"series.csv line 3 has 1 cell\(s\), but the header has 2"),
        ("a,b\n1,2\n", r"series.csv has 1 row\(s\) of data, 1 of them for training"),
        ("", r"series.csv is empty"),
    ],
)
def test_csv_problems_are_one_sentence_naming_the_line(tmp_path, text, message):
    path = write(tmp_path, "series.csv", text)
    with pytest.raises(SpecError, match=message):
        make_task("csv", path=path, window=2)


def test_csv_target_and_size_cap(tmp_path, monkeypatch):
    path, _ = series_file(tmp_path)
    with pytest.raises(SpecError, match="no column 'z'; the columns are a, b, c"):
        make_task("csv", path=path, target="z", window=3)
    with pytest.raises(SpecError, match="is missing"):
        make_task("csv", path=str(tmp_path / "nope.csv"))
    with pytest.raises(SpecError, match="needs a data file: set task.path"):
        make_task("csv", path="")
    monkeypatch.setattr(data_files, "MAX_DATA_BYTES", 100)
    with pytest.raises(SpecError, match=r"series.csv is 0.0 MB; rnnviz reads data files of up"):
        make_task("csv", path=path, window=3)


def test_text_alphabet_and_batches_come_from_the_file(tmp_path):
    text = "Ünïcode text, with CAPITALS.\nAnd a second line: ü ü ü!\n" * 4
    path = write(tmp_path, "mine.txt", text)
    task = make_task("text", seed=1, path=path, seq_len=10)
    alphabet = sorted(set(text))
    assert task.input_vocab == alphabet and task.input_size == len(alphabet)
    codes = np.array([alphabet.index(c) for c in text])
    batch = task.batch(2, 4)
    for b in range(4):
        chars = batch.x[:, b].argmax(-1).numpy()
        starts = [s for s in range(len(codes) - 10) if (codes[s : s + 10] == chars).all()]
        assert starts and (batch.y[:, b].numpy() == codes[starts[0] + 1 : starts[0] + 11]).all()


def test_text_problems(tmp_path, monkeypatch):
    with pytest.raises(SpecError, match=r"bad.txt is not UTF-8 text \(byte 6 on line 2\)"):
        make_task("text", path=write(tmp_path, "bad.txt", b"hello\n\xff\xfe world" * 10))
    with pytest.raises(SpecError, match="empty.txt is empty"):
        make_task("text", path=write(tmp_path, "empty.txt", "  \n"))
    with pytest.raises(SpecError, match="short.txt has 5 characters; task.seq_len 50 needs"):
        make_task("text", path=write(tmp_path, "short.txt", "hello"))
    monkeypatch.setattr(data_files, "MAX_DATA_BYTES", 1000)
    with pytest.raises(SpecError, match="big.txt is 0.0 MB; rnnviz reads data files of up to"):
        make_task("text", path=write(tmp_path, "big.txt", "x" * 2000))


def test_labelled_sequences_are_the_rows_of_the_file(tmp_path):
    rows = [("1 2 3", "up"), ("3 2", "down"), ("0.5 0.5 0.5 0.5", "flat"), ("4 5", "up")] * 3
    text = "seq,label\n" + "".join(f"{s},{lab}\n" for s, lab in rows)
    task = make_task("labelled_csv", seed=2, path=write(tmp_path, "l.csv", text), split=0.5)
    assert task.output_labels == ["down", "flat", "up"] and task.seq_len == 4
    assert task.io_kind == "many_to_one" and task.input_size == 1
    padded = {
        s: np.array([0.0] * (4 - len(s.split())) + [float(v) for v in s.split()]) for s, _ in rows
    }
    for batch, part in ((task.batch(0, 6), rows[:6]), (task.eval_batch(5), rows[6:])):
        assert batch.mask[:-1].sum() == 0 and (batch.mask[-1] == 1).all()
        for b in range(batch.batch_size):
            x = batch.x[:, b, 0].numpy()
            label = task.output_labels[int(batch.y[-1, b])]
            assert any(np.allclose(x, padded[s]) and label == lab for s, lab in part)


def test_labelled_symbols_are_one_hot(tmp_path):
    text = "".join(f"{s};{lab}\n" for s, lab in [("abba", "x"), ("cab", "y"), ("bb", "x")])
    path = write(tmp_path, "sym.csv", text)  # a first row of symbols: say it is no header
    task = make_task("labelled_csv", path=path, header="no", split=0.67)
    assert task.input_vocab == ["a", "b", "c"] and task.input_size == 3
    x = task.rows(np.array([1])).x[:, 0]  # "cab", front-padded to 4
    assert torch.equal(x, torch.tensor([[0, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0.0]]))
    with pytest.raises(SpecError, match="line 2: the label is missing"):
        make_task("labelled_csv", path=write(tmp_path, "m.csv", "1 2,a\n3 4,\n5,b\n"))
