"""The subject of earlier turns, so a follow-up ("那它的成活率呢？", "这个指标的确定依据是什么？") is answered
about the project, 分项 or row the conversation is on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Answer, Indicator, Project
from ..values import normalize_text
from .question import Question
from .refs import Ref
from .stream import History

if TYPE_CHECKING:
    from .offline import OfflineChat


@dataclass
class Earlier:
    tables: set[int] = field(default_factory=set)  # the project the conversation is on
    keys: set = field(default_factory=set)  # passage keys (a 分项) it is on
    row: tuple[Project, Indicator] | None = None  # the row the last answer quoted, when it quoted one


def _turns(history: History) -> list[tuple[str, object]]:
    """(question, answer or None) of earlier turns, most recent first."""
    out: list[tuple[str, object]] = []
    for item in history or ():
        if isinstance(item, Answer):
            out.append((item.question, item))
        elif isinstance(item, dict) and item.get("role") == "user":
            out.append((str(item.get("content", "")), None))
        elif isinstance(item, tuple | list) and len(item) == 2 and item[0] in ("user", "human"):
            out.append((str(item[1]), None))
    return out[::-1]


def earlier_subject(chat: OfflineChat, history: History) -> Earlier:
    doc = chat.doc
    for question, answer in _turns(history):
        if isinstance(answer, Answer) and answer.citations and not answer.not_found:
            tables = {c.location.table for c in answer.citations if c.location.table is not None}
            rows = [(c.location.table, c.location.row) for c in answer.citations if c.location.row is not None]
            areas = {("a", c.location.item) for c in answer.citations if c.location.section == "分项绩效目标"}
            if len(tables) == 1:
                t = next(iter(tables))
                found = Earlier({t})
                if len(rows) == 1 and 1 <= rows[0][1] <= len(doc.projects[t - 1].indicators):
                    found.row = (doc.projects[t - 1], doc.projects[t - 1].indicators[rows[0][1] - 1])
                return found
            if areas and not tables:
                return Earlier(keys=areas)
        ref = chat.index.resolve(normalize_text(question))
        if ref.one is not None and ref.firm:
            return Earlier({ref.one})
    return Earlier()


def same_question_about(chat: OfflineChat, q: Question, ref: Ref, history: History) -> str | None:
    """For "那X呢？" naming only a project: the latest earlier question with X in place of its project."""
    if not (ref.firm and ref.tables and ref.how != "only") or q.terms or q.field or q.atype or q.column or q.categories:
        return None
    if not re.search(r"呢|那|还有|再看看", q.text) or not history:
        return None

    for earlier, _ in _turns(history):
        before = chat.index.resolve(normalize_text(earlier))
        pieces = [m for m in before.mention.split("\x00") if m] if before.firm else []
        if pieces:
            text = normalize_text(earlier)
            for m in sorted(pieces, key=len, reverse=True)[1:]:
                text = text.replace(m, "")
            new = max((m for m in ref.mention.split("\x00") if m), key=len)
            return text.replace(max(pieces, key=len), new, 1)
    return None


def several(chat: OfflineChat, question: str, parts: list[str], history: History) -> Answer:
    """Several questions in one message, answered in turn: the later ones as follow-ups of the earlier."""
    turns, answers = list(history or ()), []
    for part in parts:
        a = chat.ask(part, turns)
        answers.append(a)
        turns.append(a)
    text = "\n".join(f"{i}. {a.text}" for i, a in enumerate(answers, 1))
    cites = [c for a in answers for c in a.citations]
    return Answer(question=question, text=text, citations=cites, not_found=all(a.not_found for a in answers))


def with_closest(chat: OfflineChat, answer: Answer, q: Question, ref: Ref) -> Answer:
    """A not-found answer points at the nearest rows of the project asked about, for the reader to judge."""
    if not (ref.tables and ref.firm) or ref.tied:
        return answer
    keys = {("t", t) for t in ref.tables}
    rows = [s for s in chat.matcher.score(q, q.terms, keys, set()) if s.passage.key in keys and s.passage.indicator is not None][:3]
    if not rows:
        return answer
    hint = "；".join(f"“{s.passage.indicator.level3}”（{s.passage.indicator.value_raw}）" for s in rows)
    cites = [s.passage.citation for s in rows]
    return answer.model_copy(update={"text": f"{answer.text}“{chat.doc.projects[ref.tables[0] - 1].name}”中最接近的内容：{hint}。", "citations": cites})
