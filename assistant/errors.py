"""User-facing errors. Every message is Chinese and says what to do next; no traceback reaches a user."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: `str(err)` is the message shown to the user."""

    exit_code = 2


class InputError(AssistantError):
    """A file that cannot be read: empty, binary, corrupt, too large, wrong format, not a 绩效文本."""


class ConfigError(AssistantError):
    """Settings that cannot work (bad endpoint URL, unknown store mode)."""


class LLMError(AssistantError):
    """The model endpoint failed: timeout, HTTP error, or an answer that never validated.
    `raw` keeps the last raw answer so nothing is lost."""

    def __init__(self, message: str, raw: str = ""):
        super().__init__(message)
        self.raw = raw
