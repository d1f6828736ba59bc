"""Which engine does the work: one decision for every caller (the CLI, an app session, an eval run).

`choose` reads the caller's settings and the caller's wish (`use_llm`: None = use the endpoint when one
is configured, True = asked for it, False = offline) and returns the chat model or None, with the
notices to show. `drafter`, `answerer` and `reviewer` build each capability's engine on that choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .chat import Answerer, LLMChat, OfflineChat
from .draft import Drafter, LLMDrafter, OfflineDrafter, PrecedentSource
from .errors import AssistantError
from .llm import build_chat_model, not_configured
from .models import Answer, Document, Finding
from .review import Reviewer
from .review.llm import build_llm_checker
from .rules import Policy
from .settings import Settings


@dataclass
class Choice:
    chat_model: Any = None  # a langchain chat model, or None for the offline engine
    notices: list[str] = field(default_factory=list)

    @property
    def llm(self) -> bool:
        return self.chat_model is not None


def choose(settings: Settings, use_llm: bool | None, *, instead: str) -> Choice:
    """The chat model to use, or None with a notice saying why not (`instead`: what happens then)."""
    if use_llm is None:
        use_llm = settings.llm_enabled
    if not use_llm:
        return Choice()
    if not settings.llm_enabled:
        return Choice(notices=[not_configured(instead)])
    try:
        return Choice(build_chat_model(settings))
    except AssistantError as e:
        return Choice(notices=[f"大模型设置无效（{str(e).rstrip('。')}），{instead}。"])


def drafter(settings: Settings, precedents: PrecedentSource, *, use_llm: bool | None = None) -> tuple[Drafter, list[str]]:
    c = choose(settings, use_llm, instead="已使用离线引擎起草")
    if c.llm:
        return LLMDrafter(c.chat_model, precedents), c.notices
    return OfflineDrafter(precedents), c.notices


def answerer(
    doc: Document,
    settings: Settings,
    *,
    use_llm: bool | None = None,
    kb: Any = None,
    findings: list[Finding] | None = None,
    source_text: str | None = None,
) -> tuple[Answerer, list[str]]:
    """The chat engine; `source_text` (a .txt file's raw text) gives 第一部分 citations their line."""
    c = choose(settings, use_llm, instead="已改用离线引擎回答")
    if c.llm:
        return LLMChat(doc, chat_model=c.chat_model, kb=kb, findings=findings, source_text=source_text), c.notices
    return OfflineChat(doc, findings, source_text=source_text), c.notices


def reviewer(
    settings: Settings,
    *,
    use_llm: bool = False,
    kb: Any = None,
    policy: Policy | None = None,
    embedder: Any = None,
) -> tuple[Reviewer, list[str]]:
    """Rules always; the LLM checks on top when asked for and an endpoint is configured."""
    c = choose(settings, use_llm, instead="本次仅运行规则检查")
    checker = build_llm_checker(settings, kb=kb, chat=c.chat_model) if c.llm else None
    return Reviewer(llm=checker, policy=policy, embedder=embedder), c.notices


def with_notices(answer: Answer, notices: list[str]) -> Answer:
    """The answer with the engine-choice notices in front of its own."""
    if not notices:
        return answer
    return answer.model_copy(update={"notice": "；".join([*notices, *([answer.notice] if answer.notice else [])])})
