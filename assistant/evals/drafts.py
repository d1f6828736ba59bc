"""Draft suite: a description plus (optionally) the real table; scored without any model.

Metrics per draft: structural validity (every required 二级), quantified-value rate, cost row equal to
the budget, reviewer errors on the draft, and coverage of the reference table's 三级 names
(semantic match by e5 cosine).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..categories import (
    BENEFIT,
    COST,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    TIMELINESS,
    canonical_level1,
    canonical_level2,
)
from ..embeddings import Embedder, get_embedder
from ..models import Draft, DraftRequest, Project
from ..yamlfile import read_yaml
from .qa import Score

QUANTIFIED = {"quantity", "percentage", "money", "unit_price", "date", "duration"}
REQUIRED_LEVEL2 = (QUANTITY, QUALITY, TIMELINESS, COST)
COVER_SAME_LEVEL2 = 0.935  # e5 cosine for two 三级 names under the same 二级 to count as the same indicator
COVER_ANY = 0.97  # ... and under different 二级 names


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


def missing_categories(project: Project) -> list[str]:
    """Required 二级 (产出: 数量/质量/时效/成本), at least one 效益 and one 满意度 row."""
    have = {canonical_level2(i.level2) for i in project.indicators}
    level1 = {canonical_level1(i.level1) for i in project.indicators}
    missing = [c for c in REQUIRED_LEVEL2 if c not in have]
    missing += [c for c in (BENEFIT, SATISFACTION) if c not in level1]
    return missing


def quantified_rate(project: Project) -> float:
    rows = project.indicators
    return sum(1 for i in rows if i.value.kind in QUANTIFIED and not i.value.past_tense) / max(len(rows), 1)


def cost_matches_budget(project: Project) -> bool:
    costs = [i for i in project.indicators if canonical_level2(i.level2) == COST and i.value.kind == "money"]
    return any(abs((i.value.normalized or 0) - (project.budget or 0)) < 0.005 for i in costs)


def coverage(draft: Project, reference: Project, embedder: Embedder | None = None) -> tuple[float, list[str]]:
    """Share of the reference's 三级 names that some drafted row matches, and the unmatched names."""
    refs = [i for i in reference.indicators if i.value.kind != "placeholder" and i.level3]
    if not refs:
        return 1.0, []
    ours = draft.indicators
    if not ours:
        return 0.0, [i.level3 for i in refs]
    e = embedder or get_embedder()
    sims = e.embed_passages([i.level3 for i in refs]) @ e.embed_passages([i.level3 for i in ours]).T
    missed = []
    for ref, row in zip(refs, sims):
        same = [float(s) for s, o in zip(row, ours) if canonical_level2(o.level2) == canonical_level2(ref.level2)]
        if not (max(same, default=0.0) >= COVER_SAME_LEVEL2 or float(row.max()) >= COVER_ANY):
            missed.append(ref.level3)
    return 1 - len(missed) / len(refs), missed


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
