"""Your own text for the character-level language model: a UTF-8 file, its alphabet taken
from the file (every different character, sorted), next-character prediction over windows of
``seq_len`` characters at random offsets (``char_lm.py`` does the rest: batches, bits per
character, generated text)."""

from __future__ import annotations

import numpy as np

from rnnviz.engine.spec import SpecError
from rnnviz.engine.tasks.char_lm import TEXT_PATH, CharLMTask
from rnnviz.engine.tasks.data_files import FILE_HELP, changed_note, decode_text, read_data_file

#: one-hot inputs over more characters than this make a model too wide to watch
MAX_ALPHABET = 256


def _alphabet_of(path) -> list[str]:
    """The sorted characters of a text file ([] when it cannot be read: making the task then
    says why, importing this module still works)."""
    try:
        return sorted(set(decode_text(path.read_bytes(), path)))
    except (OSError, SpecError):
        return []


class TextFileTask(CharLMTask):
    """Next-character prediction on the text of ``path`` (exactly as written: case,
    line breaks and all)."""

    name = "text"
    title = "Your text: a character-level language model"
    option_defaults = {"path": str(TEXT_PATH), "seq_len": 50, "sha256": ""}
    option_bounds = {"seq_len": (2, 2_000)}
    option_help = {**FILE_HELP, "seq_len": "characters per training sequence"}
    # the class sizes are those of the default file (the shipped text, read as it is)
    input_vocab = _alphabet_of(TEXT_PATH)
    output_labels = input_vocab
    input_size = output_size = len(input_vocab)

    def configure(self, path: str, seq_len: int, sha256: str) -> None:  # type: ignore[override]
        raw, self.sha256, self.file = read_data_file(path, self.name)
        self.data_note = changed_note(self.file, sha256, self.sha256)
        text = decode_text(raw, self.file)
        alphabet = sorted(set(text))
        if len(alphabet) > MAX_ALPHABET:
            raise SpecError(
                f"{self.file.name} has {len(alphabet)} different characters; rnnviz's "
                f"character model takes at most {MAX_ALPHABET} (one input per character)"
            )
        if len(text) < seq_len + 2:
            raise SpecError(
                f"{self.file.name} has {len(text)} characters; task.seq_len {seq_len} needs "
                f"at least {seq_len + 2}: lower task.seq_len or use a longer text"
            )
        self.seq_len, self.lowercase, self.text = seq_len, False, text
        self.input_vocab = self.output_labels = alphabet
        self.input_size = self.output_size = len(alphabet)
        self.char_index = {c: i for i, c in enumerate(alphabet)}
        self.codes = np.array([self.char_index[c] for c in text], dtype=np.int64)

    def describe(self) -> str:
        return (
            f"A character-level language model on your text {self.file.name} "
            f"({len(self.text)} characters). Its alphabet is the {self.input_size} different "
            "characters of the file; each is a one-hot input. At every step the network reads "
            "one character and predicts the next; the loss is the per-step cross-entropy, also "
            "shown as bits per character, and the trained network writes new text."
        )
