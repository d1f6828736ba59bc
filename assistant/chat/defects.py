"""Defect questions (有什么问题, 涉密的项目, 成本和预算对得上吗) answered with the reviewer's findings, each
cited where its evidence is; a project's cost rows checked against its budget directly."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Answer, Citation, Finding, Project
from ..values import normalize_text
from . import aggregates as agg
from .citations import locate
from .passages import row_citation
from .question import Question
from .refs import Ref

if TYPE_CHECKING:
    from .offline import OfflineChat


def defects_answer(chat: OfflineChat, q: Question, ref: Ref, projects: list[Project]) -> Answer:
    """The findings the question asks about (a project's, a kind's, a row's), numbered and cited."""
    if "consistency" in q.intents and ref.one is not None:
        answer = agg.cost_vs_budget(chat.doc, chat.doc.projects[ref.one - 1])
        if answer is not None:
            return answer
    if chat.findings is None:
        from ..review.reviewer import review_document

        chat.findings = review_document(chat.doc).findings
    found = list(chat.findings)
    if "consistency" in q.intents:
        found = [f for f in found if f.category == "cost_mismatch"]
    if q.defect_kind:
        found = [f for f in found if f.category == q.defect_kind]
    if ref.tables:
        names = {p.name for p in projects}
        found = [f for f in found if f.project in names]
    if q.categories or q.terms:  # 指标值的问题 / 满意度有什么问题: the findings about those rows first
        words = [normalize_text(w) for w in q.terms + [c.replace("指标", "") for c in q.categories]]
        hits = [f for f in found if any(w in normalize_text(f"{f.indicator or ''}{f.message}{f.evidence}") for w in words)]
        found = hits or found
    if not found:
        return Answer(question="", text="审核规则未发现此类问题。", citations=[])
    lines = [f"{i}. {f.project or '全文'}{('｜' + f.indicator) if f.indicator else ''}：{f.message}（原文：{f.evidence}）" for i, f in enumerate(found[:30], 1)]
    raw = []
    for f in found[:30]:
        raw.append(Citation(document=chat.doc.source_file, project=f.project, row=f.location.row, field=f.category, quote=f.evidence, location=f.location))
        raw += quoted_rows(chat, f)
    cites = [c for c in (locate(chat.doc, c) for c in raw) if c is not None]
    return Answer(question="", text=f"共发现 {len(found)} 处：\n" + "\n".join(lines), citations=cites)

def quoted_rows(chat: OfflineChat, f: Finding) -> list[Citation]:
    """Rows of the finding's project whose value its message quotes (单价×数量“≥1000批次”)."""
    p = next((p for p in chat.doc.projects if p.name == f.project), None)
    if p is None:
        return []
    quoted = set(re.findall(r"“([^”]{2,30})”", f.message))
    t = chat.doc.projects.index(p) + 1
    return [row_citation(chat.doc, t, p.name, i) for i in p.indicators if i.value_raw in quoted and i.source.row != f.location.row]
