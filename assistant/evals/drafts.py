"""Draft suite: a description plus (optionally) the real table; scored without any model.

Metrics per draft: structural validity (every required 二级), quantified-value rate, cost row equal to
the budget, reviewer errors on the draft, and coverage of the reference table's 三级 names
(semantic match by e5 cosine).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..draft.quality import cost_matches_budget, coverage, missing_categories, quantified_rate
from ..kb.embeddings import Embedder
from ..models import Draft, DraftRequest, Project
from ..yamlfile import read_yaml
from .qa import Score


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: str
    table: int


class DraftCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    budget: float
    purpose: str = ""
    year: int = 2025
    reference: Reference | None = None

    def request(self) -> DraftRequest:
        return DraftRequest(name=self.name, budget=self.budget, purpose=self.purpose, year=self.year)


class DraftSuite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str = "draft"
    cases: list[DraftCase] = Field(default_factory=list)


def load_draft_suite(path: str | Path) -> DraftSuite:
    return DraftSuite.model_validate(read_yaml(path, "评测用例文件"))


class DraftScore(BaseModel):
    model_config = ConfigDict(extra="forbid")
    structure: Score
    quantified: Score
    cost: Score
    review: Score
    coverage: Score | None = None

    @property
    def passed(self) -> bool:
        return all(s.passed for s in (self.structure, self.quantified, self.cost, self.review))


def score_draft(draft: Draft, reference: Project | None = None, embedder: Embedder | None = None) -> DraftScore:
    p = draft.project
    miss = missing_categories(p)
    rate = quantified_rate(p)
    errors = [f for f in draft.findings if f.severity == "error"]
    cov = None
    if reference is not None:
        value, missed = coverage(p, reference, embedder)
        cov = Score(passed=value >= 0.5, score=round(value, 3), reason=("未覆盖：" + "、".join(missed)) if missed else "")
    return DraftScore(
        structure=Score(passed=not miss, score=1 - len(miss) / 6, reason=("缺少：" + "、".join(miss)) if miss else ""),
        quantified=Score(passed=rate >= 0.8, score=round(rate, 3), reason="" if rate >= 0.8 else f"量化指标占比 {rate:.0%}，低于80%"),
        cost=Score(passed=cost_matches_budget(p), score=float(cost_matches_budget(p)), reason="" if cost_matches_budget(p) else "成本指标与预算数不一致"),
        review=Score(passed=not errors, score=float(not errors), reason="；".join(f"{f.indicator or f.project}：{f.message}" for f in errors)),
        coverage=cov,
    )
