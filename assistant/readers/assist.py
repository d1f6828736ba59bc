"""LLM-assisted reading, when an endpoint is configured: for the fields the offline reader could not find
(项目名称, 预算数, 资金用途, 绩效目标), ask the model once where they are in the source. A value is accepted only
when it occurs verbatim in the source (an amount must also read as one); each accepted value is named in
the warnings as coming from the model. Offline reading stays complete without this step."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..errors import LLMError
from ..models import Document
from ..values import normalize_text
from . import amounts

FIELDS = ("项目名称", "预算数", "资金用途", "绩效目标")
_MAX_TEXT = 12000


class FieldFix(BaseModel):
    table: int = Field(ge=1)
    field: Literal["项目名称", "预算数", "资金用途", "绩效目标"]
    text: str = Field(min_length=1, max_length=2000)


class ReadingHelp(BaseModel):
    fixes: list[FieldFix] = Field(default_factory=list, max_length=60)


def gaps(doc: Document) -> list[tuple[int, str]]:
    """(table number, field) the reader left empty."""
    out = []
    for n, p in enumerate(doc.projects, start=1):
        for field, missing in (("项目名称", not p.name), ("预算数", p.budget is None), ("资金用途", not p.purpose),
                               ("绩效目标", not p.goal)):
            if missing:
                out.append((n, field))
    return out


def _validator(doc: Document, source: str, wanted: set[tuple[int, str]]):
    flat = normalize_text(source)

    def check(obj: ReadingHelp) -> list[str]:
        errors = []
        for f in obj.fixes:
            if (f.table, f.field) not in wanted:
                errors.append(f"表{f.table}的「{f.field}」不是要找的栏目，请删去。")
            elif normalize_text(f.text) not in flat:
                errors.append(f"表{f.table}「{f.field}」的内容「{f.text[:30]}」在原文中找不到，必须逐字照抄原文。")
            elif f.field == "预算数" and amounts.amount(f.text) is None:
                errors.append(f"表{f.table}的预算数「{f.text}」不是金额。")
        return errors

    return check


def assist_reading(doc: Document, source: str, chat) -> Document:
    """The Document with the model's verified values filled in and named in the warnings; on any LLM fault
    the Document unchanged with a notice."""
    from ..llm import prompt, structured_call

    wanted = set(gaps(doc))
    if not wanted or chat is None:
        return doc
    known = "\n".join(f"表{n}：{p.name or '（名称未找到）'}" for n, p in enumerate(doc.projects, start=1))
    messages = [
        {"role": "user", "content": prompt("reading_assist", gaps="\n".join(f"表{n}：{f}" for n, f in sorted(wanted)),
                                           projects=known, text=source[:_MAX_TEXT])},
    ]
    try:
        res = structured_call(chat, messages, ReadingHelp, max_retries=1, validate=_validator(doc, source, wanted))
    except LLMError as e:
        doc.warnings.append(f"大模型辅助读取未成功（{e}），以下按离线读取的结果。")
        return doc
    for f in res.parsed.fixes:
        p = doc.projects[f.table - 1]
        gone = {"项目名称": "未找到项目名称", "预算数": "未找到预算数"}.get(f.field)
        if gone:
            doc.warnings = [w for w in doc.warnings if not (w.startswith(f"表{f.table}（") and gone in w)]
        if f.field == "项目名称":
            p.name = f.text.strip()
        elif f.field == "预算数":
            p.budget = amounts.amount(f.text)
        elif f.field == "资金用途":
            p.purpose = f.text.strip()
        else:
            p.goal = f.text.strip()
        doc.warnings.append(f"表{f.table}的「{f.field}」由大模型从原文中找到（原文「{f.text[:40]}」），请核对。")
    return doc
