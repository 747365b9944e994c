"""Bad sequence settings of a seq2seq preset typed into the real sidebar: an empty source
(min len 0), sources longer than the cap (max len above 200) and a shortest source longer than
the longest are each refused with one sentence, and nothing is applied."""

from __future__ import annotations

import pytest

from tests.ui.test_bad_input_window import _type_into


@pytest.mark.parametrize(
    ("option", "typed", "said"),
    [
        ("min_len", "0", "Not applied: min len: 0 is outside the allowed range 1 to 200"),
        ("max_len", "201", "Not applied: max len: 201 is outside the allowed range 1 to 200"),
        ("min_len", "12", "Not applied: min_len (12) must not exceed max_len (10)"),
    ],
)
def test_bad_sequence_lengths_are_one_sentence(qtbot, make_window, option, typed, said):
    window = make_window("reverse_attention")
    box = window.sidebar.task.options.editor(option)
    _type_into(qtbot, box, typed)
    message = window.sidebar.message
    assert message.isVisible()
    assert message.text().startswith(said), message.text()
    assert "\n" not in message.text()
    task = window.trainer.task  # the running task is untouched
    assert (task.min_len, task.max_len) == (3, 10)
