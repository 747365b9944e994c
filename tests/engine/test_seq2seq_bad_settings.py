"""Bad sequence settings of the seq2seq presets, as a user gives them on the command line
(``rnnviz train --preset P --set task.X=...``): an empty source, sources longer than the cap,
an alphabet out of range, reversed ranges -- each refused with one sentence naming the field
and the value as typed."""

from __future__ import annotations

import pytest

from rnnviz.cli import main


@pytest.mark.parametrize(
    "preset, setting, message",
    [
        (
            "reverse_attention",
            "task.min_len=0",
            "option 'min_len' of task 'reverse' must be at least 1, got '0'",
        ),
        (
            "reverse_attention",
            "task.max_len=201",
            "option 'max_len' of task 'reverse' must be at most 200, got '201'",
        ),
        (
            "seq2seq_autoencoder",
            "task.n_symbols=27",
            "option 'n_symbols' of task 'seq2seq_autoencoder' must be at most 26, got '27'",
        ),
        ("reverse_no_attention", "task.min_len=12", "min_len (12) must not exceed max_len (10)"),
        (
            "date_attention",
            "task.first_year=2050",
            "first_year (2050) must not exceed last_year (2049)",
        ),
        (
            "date_attention",
            "task.first_year=999",
            "option 'first_year' of task 'dates' must be at least 1000, got '999'",
        ),
    ],
)
def test_bad_sequence_settings_are_one_sentence(capsys, preset, setting, message):
    code = main(["train", "--preset", preset, "--steps", "1", "--set", setting])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == f"rnnviz: error: {message}\n"
