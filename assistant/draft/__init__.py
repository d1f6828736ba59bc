"""Drafting a 绩效目标表 from a project description: one `Drafter` shape, an offline and an LLM engine.

    drafter, notices = assistant.engines.drafter(settings, precedents=...)
    draft = drafter.draft(DraftRequest(name=..., budget=..., purpose=...))

Both engines return a self-reviewed Draft (no error-level findings from our reviewer).
"""

from __future__ import annotations

from typing import Protocol

from ..models import Draft, DraftRequest
from .llm import LLMDrafter
from .offline import OfflineDrafter
from .precedents import KnowledgeBasePrecedents, MemoryPrecedents, PrecedentSource, Similar


class Drafter(Protocol):
    engine: str  # "offline" | "llm"

    def draft(self, request: DraftRequest) -> Draft: ...


__all__ = [
    "Drafter",
    "KnowledgeBasePrecedents",
    "LLMDrafter",
    "MemoryPrecedents",
    "OfflineDrafter",
    "PrecedentSource",
    "Similar",
]
