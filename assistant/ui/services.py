"""The app's calls into the library with this session's settings (its own model endpoint, if any):
drafting and reviewing."""

from __future__ import annotations

import logging

from ..models import Document, Draft, DraftRequest
from ..settings import Settings

log = logging.getLogger(__name__)


def run_draft(req: DraftRequest, kb, settings: Settings, embedder=None) -> Draft:
    """Draft a table from knowledge-base precedents (none when the store is unavailable: the drafter
    then uses its general templates and says so), on the session's endpoint when one is set."""
    from ..draft import KnowledgeBasePrecedents, MemoryPrecedents
    from ..engines import drafter

    precedents = KnowledgeBasePrecedents(kb) if kb is not None else MemoryPrecedents([], embedder=embedder)
    engine, notices = drafter(settings, precedents)
    d = engine.draft(req)
    d.notes[:0] = notices
    return d


def run_review(
    doc: Document,
    settings: Settings,
    *,
    source_text: str | None = None,
    embedder=None,
    kb=None,
    use_llm: bool = False,
):
    """Rules (plus the embedding-assisted goal map), and the LLM checks when asked for and available."""
    from ..engines import reviewer as make_reviewer

    reviewer, notices = make_reviewer(settings, use_llm=use_llm, kb=kb, embedder=embedder)
    result = reviewer.review(doc, source_text=source_text)
    result.notices = notices + result.notices
    return result


def optional(factory):
    """A helper object, or None when it cannot be built (the caller has a fallback)."""
    try:
        return factory()
    except Exception:
        log.warning("optional %s unavailable", getattr(factory, "__name__", factory), exc_info=True)
        return None


def source_text(data: bytes, name: str) -> str | None:
    """The raw text of an uploaded .txt/.md (the residue rule reads lines the reader dropped)."""
    if not name.lower().endswith((".txt", ".md")):
        return None
    from ..readers.text import decode_text

    try:
        return decode_text(data, name)
    except Exception:  # noqa: BLE001 - only an aid to one rule
        return None
