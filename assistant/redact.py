"""Credentials masked in every text a user, a log or a saved file may show: keys inside base URLs
(http://user:KEY@host/v1), key-like tokens echoed in upstream error bodies, and the configured keys."""

from __future__ import annotations

import logging
import re

from .settings import Settings, get_settings

MASK = "***"
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]*@")
# keys as providers print them (sk-..., sk-proj-...), Bearer tokens, and key=... query parameters
_KEY_LIKE = re.compile(
    r"(?P<lead>\b(?:sk|pk|ak|rk)-(?:[a-z]+-)?)[A-Za-z0-9_\-]{6,}"
    r"|(?P<bearer>\bBearer\s+)[A-Za-z0-9._\-]{8,}"
    r"|(?P<param>[?&](?:api[_-]?key|key|token|access_token)=)[^&\s]+",
    re.IGNORECASE,
)


def mask_secrets(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """`text` with the given secret values, URL credentials and key-like tokens replaced by ***."""
    if not text:
        return text
    for s in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(s, MASK)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{MASK}@", text)
    return _KEY_LIKE.sub(lambda m: f"{m['lead'] or m['bearer'] or m['param']}{MASK}", text)


def configured_secrets(settings: Settings | None = None) -> tuple[str, ...]:
    s = settings or get_settings()
    keys = (s.llm_api_key.get_secret_value(), s.embed_api_key.get_secret_value())
    return tuple(k for k in keys if k and k != "EMPTY")


def safe_text(text: str, settings: Settings | None = None) -> str:
    """mask_secrets with the configured API keys too."""
    return mask_secrets(text, configured_secrets(settings))


def safe_url(url: str) -> str:
    """A base URL fit to show."""
    return mask_secrets(url or "")


_installed = False


def mask_logs() -> None:
    """Mask every log record's message from now on (idempotent). The HTTP clients log request URLs,
    which carry a key when the base URL has credentials in it (http://user:KEY@host/v1)."""
    global _installed
    if _installed:
        return
    _installed = True
    make = logging.getLogRecordFactory()

    def masked(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot format is left as it is
            return record
        safe = safe_text(text)
        if safe != text:
            record.msg, record.args = safe, None
        return record

    logging.setLogRecordFactory(masked)
