"""Built-in tasks, each generated from a seed (no download).

``make_task(kind, seed=0, **options)`` builds one; ``TASKS`` maps each kind to its class, whose
``option_defaults`` / ``option_bounds`` / ``option_help`` say which options it takes.
"""

from __future__ import annotations

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks.adding import AddingTask
from rnnviz.engine.tasks.base import Batch, SampleView, Task
from rnnviz.engine.tasks.char_lm import CharLMTask
from rnnviz.engine.tasks.copy_ntm import CopyNTMTask
from rnnviz.engine.tasks.copying import CopyTask
from rnnviz.engine.tasks.csv_series import CSVSeriesTask
from rnnviz.engine.tasks.ctc_speech import CTCSpeechTask
from rnnviz.engine.tasks.dates import DateTask
from rnnviz.engine.tasks.labelled_csv import LabelledCSVTask
from rnnviz.engine.tasks.lecture import LectureTask
from rnnviz.engine.tasks.majority import MajorityTask
from rnnviz.engine.tasks.one_to_many import OneToManyTask
from rnnviz.engine.tasks.parity import ParityTask
from rnnviz.engine.tasks.parse_tiny import ParseTinyTask
from rnnviz.engine.tasks.seq2seq import AutoencoderTask, ReverseTask
from rnnviz.engine.tasks.sine import SineTask
from rnnviz.engine.tasks.sine_generation import SineGenerationTask
from rnnviz.engine.tasks.slot_filling import SlotFillingTask
from rnnviz.engine.tasks.slot_filling_bio import SlotFillingBIOTask
from rnnviz.engine.tasks.text_file import TextFileTask
from rnnviz.engine.tasks.toys import CliffTask, LinearToyTask

TASKS: dict[str, type[Task]] = {
    cls.name: cls
    for cls in (
        LectureTask,
        SlotFillingTask,
        AddingTask,
        CopyTask,
        SineTask,
        CharLMTask,
        ParityTask,
        MajorityTask,
        OneToManyTask,
        LinearToyTask,
        CliffTask,
        CTCSpeechTask,
        SineGenerationTask,
        ReverseTask,
        DateTask,
        AutoencoderTask,
        CSVSeriesTask,  # the user's own data (tasks/data_files.py)
        TextFileTask,
        LabelledCSVTask,
        SlotFillingBIOTask,
        ParseTinyTask,
        CopyNTMTask,
    )
}


def make_task(kind: str, seed: int = 0, **options) -> Task:
    """The task ``kind`` with its ``options`` (defaults for the rest); SpecError if the kind,
    an option or the seed is not valid."""
    cls = TASKS.get(kind)
    if cls is None:
        raise SpecError(f"unknown task {kind!r}; choose one of {', '.join(TASKS)}")
    return cls(seed, **options)


__all__ = [
    "TASKS",
    "AddingTask",
    "Batch",
    "CharLMTask",
    "CliffTask",
    "CopyTask",
    "CTCSpeechTask",
    "LectureTask",
    "LinearToyTask",
    "MajorityTask",
    "OneToManyTask",
    "ParityTask",
    "SampleView",
    "SineGenerationTask",
    "SineTask",
    "SlotFillingTask",
    "Task",
    "make_task",
]
