"""Date-format translation, character by character: "3 Feb 2019" -> "2019-02-03" <eos>."""

from __future__ import annotations

import datetime as dt

import numpy as np

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks.seq2seq import EOS, Seq2SeqTask

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SOURCE_CHARS = sorted(set("0123456789 " + "".join(MONTHS)))


def spoken(date: dt.date) -> str:
    """The source form: day without a leading zero, month abbreviation, year."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


class DateTask(Seq2SeqTask):
    """Dates between ``first_year`` and ``last_year``, written "D Mon YYYY" (10 or 11
    characters: each batch holds one of the two lengths), to write as "YYYY-MM-DD"."""

    name = "dates"
    title = "Date-format translation (seq2seq)"
    option_defaults = {"first_year": 1950, "last_year": 2049}
    option_bounds = {"first_year": (1000, 9999), "last_year": (1000, 9999)}
    option_help = {"first_year": "earliest year", "last_year": "latest year"}
    input_vocab = _SOURCE_CHARS
    output_labels = [EOS, *"0123456789-"]
    input_size = len(_SOURCE_CHARS)
    output_size = 12
    seq_len = 11
    max_output_len = 11
    code_property_name = "month"

    def configure(self, first_year: int, last_year: int) -> None:
        if first_year > last_year:
            raise SpecError(f"first_year ({first_year}) must not exceed last_year ({last_year})")
        self.first = dt.date(first_year, 1, 1).toordinal()
        self.last = dt.date(last_year, 12, 31).toordinal()
        self.first_year, self.last_year = first_year, last_year

    def sample_pairs(self, rng, batch_size):
        # one-digit days (9 of ~30.4 a month) or two-digit days for the whole batch
        return self.length_pairs(rng, batch_size, 10 if rng.random() < 9 / 30.44 else 11)

    def source_lengths(self) -> list[int]:
        return [10, 11]

    def code_property(self, source: list[str]) -> float:
        """The month (1-12) of a source like '3 Feb 2019'."""
        return float(MONTHS.index("".join(source).split()[1]) + 1)

    def length_pairs(self, rng: np.random.Generator, batch_size: int, length: int):
        """``batch_size`` pairs whose sources are ``length`` (10 or 11) characters long."""
        pairs = []
        while len(pairs) < batch_size:
            date = dt.date.fromordinal(int(rng.integers(self.first, self.last + 1)))
            if len(spoken(date)) == length:
                pairs.append((list(spoken(date)), list(date.isoformat())))
        return pairs

    def describe(self) -> str:
        return (
            f"Date-format translation, character by character: a date between "
            f"{self.first_year} and {self.last_year} written like '3 Feb 2019' must come out "
            "as '2019-02-03' and then <eos>. The year is copied from the end of the input to "
            "the start of the output, the month name becomes two digits, the day gets a "
            "leading zero: with attention each output character reads the input characters "
            "it comes from, a pattern that runs in order inside each field and jumps between "
            "them. Metrics are of greedy decoding."
        )
