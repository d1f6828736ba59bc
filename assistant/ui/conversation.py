"""The 问答 page's logic: answering with this session's settings (streamed in LLM mode), and what a
citation points at, shaped for display."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..chat import AnswerStream
from ..engines import answerer, with_notices
from ..models import CATEGORY_LABELS, Answer, Citation, Document, Finding, Project
from ..safetext import inline
from ..settings import Settings
from ..values import format_wan
from .findings import ROW_COLUMNS

EXAMPLES = [
    "项目8的预算是多少？",
    "预算最高的项目是哪个？",
    "哪些项目的成本指标与预算不一致？",
    "部门有哪些分项绩效目标？",
]


def answer_stream(
    doc: Document,
    question: str,
    settings: Settings,
    history: list[Answer],
    kb: Any = None,
    findings: list[Finding] | None = None,
    source_text: str | None = None,
) -> AnswerStream:
    """Display chunks and the final Answer, on this session's endpoint when one is set; an endpoint that
    cannot even be built answers offline with a notice (LLMChat falls back the same way mid-call)."""
    engine, notices = answerer(doc, settings, kb=kb, findings=findings, source_text=source_text)
    if not notices:
        return engine.stream(question, history)

    def run():
        answer = with_notices(engine.ask(question, history), notices)
        yield answer.text
        return answer

    return AnswerStream(run())


def _project(doc: Document, c: Citation) -> tuple[int, Project] | None:
    t = c.location.table
    if t is not None and 1 <= t <= len(doc.projects):
        return t, doc.projects[t - 1]
    for n, p in enumerate(doc.projects, 1):
        if c.project and p.name == c.project:
            return n, p
    return None


def field_label(field: str | None) -> str:
    """What a citation quotes, in Chinese: a column name, or a finding category's name."""
    if not field:
        return "原文"
    return CATEGORY_LABELS.get(field, field)


def citation_label(n: int, c: Citation, doc: Document) -> str:
    """[n] 表8 第3行 · 指标值：31.98 (another document's hit names the document), as literal Markdown for
    an expander label: the quote is document text."""
    loc = c.location
    where = (f"表{loc.table}" if loc.table is not None else "") + (
        f" 第{loc.row}行" if loc.row is not None else ""
    )
    if c.document and doc.source_file and c.document != doc.source_file:
        where = f"《{c.document}》{where}"
    quote = c.quote if len(c.quote) <= 40 else c.quote[:40] + "…"
    return inline(f"[{n}] {where or '部门整体'} · {field_label(c.field)}：{quote}")


def cited_rows(doc: Document, c: Citation) -> pd.DataFrame | None:
    """The quoted row in full (一级…依据) for a row citation; the project's header fields for a field
    citation; None when the citation points outside this document's tables."""
    found = _project(doc, c)
    if found is None:
        return None
    table, p = found
    if c.location.row is not None:
        if not 1 <= c.location.row <= len(p.indicators):
            return None
        i = p.indicators[c.location.row - 1]
        values = (i.level1, i.level2, i.level3, i.description, i.value_raw, i.basis)
        return pd.DataFrame([{"表": table, "行": c.location.row, **dict(zip(ROW_COLUMNS, values))}])
    fields = [
        ("项目名称", p.name),
        ("预算单位", f"{p.unit_code}{p.unit_name}"),
        ("项目编码", p.code),
        ("预算数（万元）", format_wan(p.budget)),
        ("财政资金（万元）", format_wan(p.fiscal_funds)),
        ("资金用途", p.purpose),
        ("资金支出计划", " / ".join(p.spending_plan.raw)),
        ("绩效目标", p.goal),
    ]
    return pd.DataFrame([{"字段": k, "内容": v} for k, v in fields if v])


def department_text(doc: Document, c: Citation) -> str:
    """For a citation of part one (no table): the department goal text that holds the quote."""
    for a in doc.goal_areas:
        text = f"{a.number}、{a.title}\n{a.goal}\n{a.indicators_text}"
        if c.quote and c.quote in text:
            return text
    return doc.overall_goal if c.quote and c.quote in doc.overall_goal else c.quote
