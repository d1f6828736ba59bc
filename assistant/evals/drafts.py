"""Draft suite: a project description, and what the drafted table must contain; scored without any model.

Case schema (evals/cases/drafts_*.yaml; keys beyond id/name/budget are optional):

    id, name, budget (万元), purpose, year
    sector        领域 display name from the indicator library (教育, 林业 …): scores are reported per sector
    source        the shared/wild page the description was taken from, or null
    numbers       every number of the description that must reach a row: {text, row, value}
                  (text is a substring of purpose; value as a clerk writes it: 3万亩, ≥2次/日, 1000元/人)
    expect_rows   further rows a clerk expects: {l2, name, value?}
    required_l2   二级 a reviewer insists on (生态效益指标 when the money is for air, water, forests …)
    reference     {document, table}: a real table to compare with (left out of the precedents)

Per case: structure (the required 二级 of every table), categories (the case's required_l2), numbers
(each expected number carried in a well-named row), names (no garbage names), agreement (expected row
names matched by drafted rows), quantified share, cost = budget, zero reviewer errors, and coverage of the
reference table when there is one.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..categories import canonical_level2
from ..draft.quality import (
    cost_matches_budget,
    coverage,
    garbage_name,
    missing_categories,
    name_agreement,
    quantified_rate,
    value_matches,
)
from ..kb.embeddings import Embedder
from ..library import library
from ..models import Draft, DraftRequest, Project
from ..yamlfile import read_yaml
from .qa import Score

LEVEL2 = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reference(Strict):
    document: str
    table: int


class ExpectedNumber(Strict):
    text: str = Field(min_length=1)  # as written in the purpose
    row: str = Field(min_length=2)  # the 三级 name a clerk gives it
    value: str = Field(min_length=1)


class ExpectedRow(Strict):
    l2: str
    name: str = Field(min_length=2)
    value: str | None = None  # None: any measurable value

    @field_validator("l2")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in LEVEL2:
            raise ValueError(f"二级指标应为{'、'.join(LEVEL2)}之一")
        return v


class DraftCase(Strict):
    id: str
    name: str
    budget: float
    purpose: str = ""
    year: int = 2025
    sector: str | None = None
    source: str | None = None
    numbers: list[ExpectedNumber] = Field(default_factory=list)
    expect_rows: list[ExpectedRow] = Field(default_factory=list)
    required_l2: list[str] = Field(default_factory=list)
    reference: Reference | None = None

    @field_validator("sector")
    @classmethod
    def _sector(cls, v: str | None) -> str | None:
        known = [s.sector for s in library()]
        if v is not None and v not in known:
            raise ValueError(f"领域应为指标库中的{'、'.join(known)}之一")
        return v

    @field_validator("required_l2")
    @classmethod
    def _l2(cls, v: list[str]) -> list[str]:
        bad = [x for x in v if x not in LEVEL2]
        if bad:
            raise ValueError(f"未知的二级指标：{'、'.join(bad)}")
        return v

    @model_validator(mode="after")
    def _numbers_in_purpose(self) -> DraftCase:
        missing = [n.text for n in self.numbers if n.text not in self.purpose]
        if missing:
            raise ValueError(f"numbers 中的原文不在 purpose 中：{'、'.join(missing)}")
        return self

    def request(self) -> DraftRequest:
        return DraftRequest(name=self.name, budget=self.budget, purpose=self.purpose, year=self.year)


class DraftSuite(Strict):
    suite: str = "draft"
    cases: list[DraftCase] = Field(default_factory=list)


def load_draft_suite(path: str | Path) -> DraftSuite:
    return DraftSuite.model_validate(read_yaml(path, "评测用例文件"))


class DraftScore(Strict):
    structure: Score
    quantified: Score
    cost: Score
    review: Score
    names: Score
    categories: Score | None = None
    numbers: Score | None = None
    agreement: Score | None = None
    values: Score | None = None  # expected values of the agreed rows (reported, does not gate)
    coverage: Score | None = None

    GATES: ClassVar[tuple[str, ...]] = ("structure", "quantified", "cost", "review", "names", "categories", "numbers", "agreement")

    @property
    def passed(self) -> bool:
        return all(getattr(self, k).passed for k in self.GATES if getattr(self, k) is not None)


def _numbers(case: DraftCase, p: Project) -> Score | None:
    if not case.numbers:
        return None
    lost, misnamed = [], []
    for n in case.numbers:
        rows = [i for i in p.indicators if value_matches(n.value, i.value_raw, case.year)]
        if not rows:
            lost.append(f"{n.text}（{n.value}）")
        elif all(garbage_name(i.level3) for i in rows):
            misnamed.append(f"{n.text}→{rows[0].level3}")
    bad = len(lost) + len(misnamed)
    reason = "；".join(x for x in (("未带入：" + "、".join(lost)) if lost else "", ("名称不当：" + "、".join(misnamed)) if misnamed else "") if x)
    return Score(passed=not bad, score=round(1 - bad / len(case.numbers), 3), reason=reason)


def _agreement(case: DraftCase, p: Project, embedder) -> tuple[Score | None, Score | None]:
    expected = [("", n.row) for n in case.numbers] + [(r.l2, r.name) for r in case.expect_rows]
    if not expected:
        return None, None
    rows = [(i.level2, i.level3) for i in p.indicators]
    got = name_agreement(expected, rows, embedder)
    missed = [name for (_, name), g in zip(expected, got) if g is None]
    share = 1 - len(missed) / len(expected)
    agree = Score(passed=share >= 0.5, score=round(share, 3), reason=("未对应：" + "、".join(missed)) if missed else "")
    valued = [(r, g) for r, g in zip(case.expect_rows, got[len(case.numbers) :]) if r.value and g]
    if not valued:
        return agree, None
    by_name = {i.level3: i for i in p.indicators}
    wrong = [f"{g}={by_name[g].value_raw}（期望{r.value}）" for r, g in valued if not value_matches(r.value, by_name[g].value_raw, case.year)]
    vs = Score(passed=not wrong, score=round(1 - len(wrong) / len(valued), 3), reason="；".join(wrong))
    return agree, vs


def score_draft(
    draft: Draft, reference: Project | None = None, embedder: Embedder | None = None, case: DraftCase | None = None
) -> DraftScore:
    p = draft.project
    miss = missing_categories(p)
    rate = quantified_rate(p)
    errors = [f for f in draft.findings if f.severity == "error"]
    garbage = [f"{i.level3}（{garbage_name(i.level3)}）" for i in p.indicators if garbage_name(i.level3)]
    cov = categories = numbers = agreement = values = None
    if reference is not None:
        value, missed = coverage(p, reference, embedder)
        cov = Score(passed=value >= 0.5, score=round(value, 3), reason=("未覆盖：" + "、".join(missed)) if missed else "")
    if case is not None:
        have = {canonical_level2(i.level2) for i in p.indicators}
        lacking = [c for c in case.required_l2 if c not in have]
        if case.required_l2:
            categories = Score(passed=not lacking, score=round(1 - len(lacking) / len(case.required_l2), 3), reason=("缺少：" + "、".join(lacking)) if lacking else "")
        numbers = _numbers(case, p)
        agreement, values = _agreement(case, p, embedder)
    n = max(len(p.indicators), 1)
    return DraftScore(
        structure=Score(passed=not miss, score=1 - len(miss) / 6, reason=("缺少：" + "、".join(miss)) if miss else ""),
        quantified=Score(passed=rate >= 0.8, score=round(rate, 3), reason="" if rate >= 0.8 else f"量化指标占比 {rate:.0%}，低于80%"),
        cost=Score(passed=cost_matches_budget(p), score=float(cost_matches_budget(p)), reason="" if cost_matches_budget(p) else "成本指标与预算数不一致"),
        review=Score(passed=not errors, score=float(not errors), reason="；".join(f"{f.indicator or f.project}：{f.message}" for f in errors)),
        names=Score(passed=not garbage, score=round(1 - len(garbage) / n, 3), reason=("不当名称：" + "、".join(garbage)) if garbage else ""),
        categories=categories,
        numbers=numbers,
        agreement=agreement,
        values=values,
        coverage=cov,
    )
