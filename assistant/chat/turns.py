"""The subject of earlier turns, so a follow-up ("那它的成活率呢？", "这个指标的确定依据是什么？") is answered
about the project, 分项 or row the conversation is on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Answer, Indicator, Project
from ..values import normalize_text
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
