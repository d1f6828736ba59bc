"""Retrieval eval: cases from evals/cases/retrieval.yaml, scored by recall@3 and MRR per search mode.

Scorers are pure: each case gets a score and a reason that names what was missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError
from ..settings import PROJECT_ROOT
from ..yamlfile import read_yaml

CASES_PATH = PROJECT_ROOT / "evals" / "cases" / "retrieval.yaml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Expected(Strict):
    project: str  # 项目名称, exactly as in the document
    level3: str | None = None  # 三级指标, for grain indicator

    def label(self) -> str:
        return f"{self.project} / {self.level3}" if self.level3 else self.project


class RetrievalCase(Strict):
    id: str
    query: str
    grain: Literal["project", "indicator"] = "project"
    expected: list[Expected] = Field(min_length=1)
    filters: dict[str, Any] = Field(default_factory=dict)
    note: str = ""

    @model_validator(mode="after")
    def _levels_match_grain(self) -> RetrievalCase:
        has = [e.level3 is not None for e in self.expected]
        if self.grain == "indicator" and not all(has):
            raise ValueError("grain indicator: every expected item needs level3 (三级指标)")
        if self.grain == "project" and any(has):
            raise ValueError("grain project: expected items take no level3")
        return self


class RetrievalCases(Strict):
    cases: list[RetrievalCase]


class CaseResult(Strict):
    id: str
    recall_at_3: float
    reciprocal_rank: float
    passed: bool
    reason: str


class RetrievalMetrics(Strict):
    mode: str
    n: int
    recall_at_3: float
    mrr: float
    results: list[CaseResult] = Field(default_factory=list)

    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]


def load_cases(path: str | Path = CASES_PATH) -> list[RetrievalCase]:
    """Strict load: a typo in a key fails with the case it sits in."""
    p = Path(path)
    data = read_yaml(p, "检索评测用例")
    try:
        cases = RetrievalCases.model_validate(data).cases
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise InputError(f"检索评测用例「{p}」格式错误（{where}）：{err['msg']}") from None
    ids = [c.id for c in cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"检索评测用例「{p}」有重复的 id：{'、'.join(dupes)}")
    return cases


def _key(grain: str, project: str, level3: str | None) -> tuple[str, str | None]:
    return (project, level3 if grain == "indicator" else None)


def score_case(case: RetrievalCase, ranked: list[tuple[str, str | None]], at: int = 3) -> CaseResult:
    """recall@at = expected items found in the top `at` / min(len(expected), at); RR of the first."""
    want = {_key(case.grain, e.project, e.level3): e for e in case.expected}
    ranked = [_key(case.grain, p, l3) for p, l3 in ranked]
    top = set(ranked[:at])
    found = [k for k in want if k in top]
    recall = len(found) / min(len(want), at)
    rr = next((1.0 / i for i, k in enumerate(ranked, start=1) if k in want), 0.0)
    missing = [want[k].label() for k in want if k not in top]
    if recall >= 1.0:
        reason = "前3条命中全部期望结果"
    else:
        reason = f"前{at}条缺少：{'；'.join(missing)}" + ("" if rr else "（前10条均未命中）")
    return CaseResult(id=case.id, recall_at_3=recall, reciprocal_rank=rr, passed=recall >= 1.0, reason=reason)


def evaluate_retrieval(
    kb, cases: list[RetrievalCase], mode: str | None = None, k: int = 10
) -> RetrievalMetrics:
    """Run every case through `kb.search` in `mode` and average recall@3 and reciprocal rank."""
    results = []
    for case in cases:
        hits = kb.search(case.query, k=k, grain=case.grain, mode=mode, filters=case.filters or None)
        ranked = [(h.project, h.metadata.get("level3")) for h in hits]
        results.append(score_case(case, ranked))
    n = len(results)
    return RetrievalMetrics(
        mode=mode or kb.settings.retrieval_mode,
        n=n,
        recall_at_3=round(sum(r.recall_at_3 for r in results) / n, 4) if n else 0.0,
        mrr=round(sum(r.reciprocal_rank for r in results) / n, 4) if n else 0.0,
        results=results,
    )
