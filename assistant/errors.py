"""User-facing errors. Every message is Chinese and says what to do next; no traceback reaches a user."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: `str(err)` is the message shown to the user."""

    exit_code = 2


class InputError(AssistantError):
    """A file that cannot be read: empty, binary, corrupt, too large, wrong format, not a 绩效文本."""


class LimitError(InputError):
    """An input over a declared limit (settings): refused before the work starts, with the numbers."""


class ConfigError(AssistantError):
    """Settings that cannot work (bad endpoint URL, unknown store mode)."""


class StoreError(AssistantError):
    """The knowledge base store failed: a Chroma server that is down, frozen or died mid-operation."""


class LLMError(AssistantError):
    """The model endpoint failed: timeout, HTTP error, or an answer that never validated.
    `raw` keeps the last raw answer so nothing is lost. `kind` names the fault class."""

    kind = "error"

    def __init__(self, message: str, raw: str = ""):
        super().__init__(message)
        self.raw = raw


class LLMTimeout(LLMError):
    """No answer within the per-try timeout or the action's total deadline."""

    kind = "timeout"


class LLMUnavailable(LLMError):
    """The service is sick: refused or reset connection, HTTP 429/5xx, or marked down by the breaker."""

    kind = "unavailable"


class LLMRequestError(LLMError):
    """The service refused the request itself (401/403/404/400): a configuration problem."""

    kind = "request"


class LLMBadAnswer(LLMError):
    """The service answered, but not usably: invalid JSON, wrong schema, no choices, a refusal, too long."""

    kind = "bad_answer"
