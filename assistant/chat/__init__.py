"""Questions about one document, answered with citations: one `Answerer` shape, two engines.

    answerer, notices = assistant.engines.answerer(doc, settings)
    answer = answerer.ask("项目8的预算是多少？")

The offline engine computes every answer from the parsed tables; the LLM engine phrases answers from
the same facts and falls back to the offline engine on any failure.
"""

from __future__ import annotations

from typing import Protocol

from ..models import Answer
from .llm import LLMChat
from .offline import NOT_FOUND, OfflineChat
from .stream import AnswerStream, History


class Answerer(Protocol):
    engine: str  # "offline" | "llm"

    def ask(self, question: str, history: History = ()) -> Answer: ...

    def stream(self, question: str, history: History = ()) -> AnswerStream: ...


__all__ = ["NOT_FOUND", "Answerer", "AnswerStream", "History", "LLMChat", "OfflineChat"]
