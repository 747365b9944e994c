"""The project's own error type (re-exported by ``spec.py``, where callers import it from)."""


class SpecError(ValueError):
    """An invalid setting; the message is one sentence a user can act on."""


def named(keys) -> str:
    """Setting names for a one-line message: printable ones as they are, others (a newline,
    a control character from a fuzzed file) as Python literals, so the message stays one
    line."""
    return ", ".join(k if isinstance(k, str) and k.isprintable() else repr(k) for k in keys)
