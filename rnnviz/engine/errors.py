"""The project's own error type (re-exported by ``spec.py``, where callers import it from)."""


class SpecError(ValueError):
    """An invalid setting; the message is one sentence a user can act on."""
