"""QA suite: questions on a document with expected values and citations; scored without any model."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..chat.citations import is_grounded
from ..models import Answer, Document
from ..yamlfile import read_yaml


class ExpectedCitation(BaseModel):
    """A table row ({table, row}), a project field ({table, field}) or 第一部分 text ({section, item})."""

    model_config = ConfigDict(extra="forbid")
    table: int | None = None
    row: int | None = None
    field: str | None = None
    section: Literal["总体绩效目标", "分项绩效目标", "工作保障措施"] | None = None
    item: int | None = None

    @model_validator(mode="after")
    def _one_target(self) -> ExpectedCitation:
        if (self.table is None) == (self.section is None):
            raise ValueError("每条引用要么写 table（表格），要么写 section（第一部分）")
        return self

    def label(self) -> str:
        if self.section:
            return self.section + (f"第{self.item}项" if self.item is not None else "")
        return f"表{self.table}" + (f"第{self.row}行" if self.row else f"{self.field or ''}")


class QACase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    question: str
    contains: list[str] = Field(default_factory=list)
    not_found: bool = False
    clarify: bool = False  # two projects fit equally: the answer must ask which one (指的是…还是…？)
    history: list[str] = Field(default_factory=list)  # earlier questions of the same conversation
    citations: list[ExpectedCitation] = Field(default_factory=list)


class QASuite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str = "qa"
    document: str
    cases: list[QACase]


class Score(BaseModel):
    """A scorer's verdict: pass, a 0..1 score and the reason naming what was missing."""

    model_config = ConfigDict(extra="forbid")
    passed: bool
    score: float
    reason: str = ""


def load_qa_suite(path: str | Path) -> QASuite:
    return QASuite.model_validate(read_yaml(path, "评测用例文件"))


def _cites(answer: Answer, exp: ExpectedCitation) -> bool:
    for c in answer.citations:
        if exp.section is not None:
            if c.location.section == exp.section and exp.item in (None, c.location.item):
                return True
            continue
        if c.location.table != exp.table:
            continue
        if exp.row is not None and c.location.row == exp.row:
            return True
        if exp.field is not None and c.location.row is None and (c.field or "").startswith(exp.field):
            return True
    return False


def score_correct(case: QACase, answer: Answer) -> Score:
    """Exact correctness: the not-found state matches and every expected string is in the answer."""
    if case.not_found:
        ok = answer.not_found and "资料中未找到" in answer.text
        return Score(passed=ok, score=float(ok), reason="" if ok else "应回答“资料中未找到”")
    if answer.not_found:
        return Score(passed=False, score=0.0, reason="回答了“资料中未找到”，但文档中有答案")
    if case.clarify and "还是" not in answer.text:
        return Score(passed=False, score=0.0, reason="两个项目同样符合，应反问“指的是…还是…？”")
    missing = [s for s in case.contains if s not in answer.text]
    score = 1 - len(missing) / max(len(case.contains), 1)
    return Score(passed=not missing, score=score, reason=("缺少：" + "、".join(missing)) if missing else "")


def score_citations(case: QACase, answer: Answer, doc: Document) -> Score:
    """Citation correctness: every expected row/field is cited and every citation is grounded."""
    if case.not_found:
        ungrounded = [c.quote for c in answer.citations if not is_grounded(doc, c)]
        return Score(passed=not ungrounded, score=float(not ungrounded), reason="无依据的引用：" + "、".join(ungrounded) if ungrounded else "")
    missing = [e for e in case.citations if not _cites(answer, e)]
    ungrounded = [c.quote for c in answer.citations if not is_grounded(doc, c)]
    problems = []
    if missing:
        problems.append("未引用：" + "、".join(e.label() for e in missing))
    if ungrounded:
        problems.append("引用原文不符：" + "、".join(ungrounded))
    total = len(case.citations) + len(answer.citations)
    score = 1 - (len(missing) + len(ungrounded)) / max(total, 1)
    return Score(passed=not problems, score=max(score, 0.0), reason="；".join(problems))
