"""Review suite scorer: produced findings against the expected ones, per project case.

A finding matches an expected one when project, indicator (or None) and category agree; several
findings with the same key match as a multiset, preferring the one quoting the expected evidence.
Pure functions: no reading, no model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import CATEGORY_LABELS, Finding
from .cases import ANY, ExpectedFinding, MustNotFlag, ReviewCase

Key = tuple[str | None, str | None, str]


@dataclass
class ReviewMatch:
    tp: list[tuple[ExpectedFinding, Finding]] = field(default_factory=list)
    fn: list[ExpectedFinding] = field(default_factory=list)
    fp: list[Finding] = field(default_factory=list)
    violations: list[tuple[MustNotFlag, Finding]] = field(default_factory=list)


def _key(project: str | None, indicator: str | None, category: str) -> Key:
    return (project or None, indicator or None, category)


def _forbids(rule: MustNotFlag, f: Finding) -> bool:
    if rule.category is not None and rule.category != f.category:
        return False
    if rule.indicator == ANY:
        return True
    return (rule.indicator or None) == (f.indicator or None)


def match_findings(case: ReviewCase, findings: list[Finding]) -> ReviewMatch:
    """Pair expected and produced findings of one case (the findings already scoped to its project)."""
    m = ReviewMatch()
    free = list(findings)
    for exp in case.expect:
        key = _key(case.project, exp.indicator, exp.category)
        same = [f for f in free if _key(f.project, f.indicator, f.category) == key]
        if not same:
            m.fn.append(exp)
            continue
        best = next((f for f in same if exp.evidence and f.evidence == exp.evidence), same[0])
        free.remove(best)
        m.tp.append((exp, best))
    m.fp = free
    for f in m.fp:
        for rule in case.must_not_flag:
            if _forbids(rule, f):
                m.violations.append((rule, f))
                break
    return m


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1; an empty side counts as perfect (nothing expected, nothing found)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _label(indicator: str | None, category: str, evidence: str = "", document: bool = False) -> str:
    where = f"「{indicator}」" if indicator else "文档整体" if document else "项目整体"
    quote = f"（{evidence}）" if evidence else ""
    return f"{where}{CATEGORY_LABELS.get(category, category)}{quote}"


def score_review_case(case: ReviewCase, findings: list[Finding]) -> dict:
    """pass (no miss, no false alarm), score (F1), reason naming what was missed or wrongly flagged,
    and the per-category counts the suite aggregates."""
    m = match_findings(case, findings)
    doc = case.project is None
    counts: dict[str, dict[str, int]] = {}
    for kind, items in (("tp", [f for _, f in m.tp]), ("fp", m.fp)):
        for f in items:
            counts.setdefault(f.category, {"tp": 0, "fp": 0, "fn": 0})[kind] += 1
    for e in m.fn:
        counts.setdefault(e.category, {"tp": 0, "fp": 0, "fn": 0})["fn"] += 1
    problems = []
    if m.fn:
        problems.append("漏报：" + "；".join(_label(e.indicator, e.category, e.evidence, doc) for e in m.fn))
    wrong = [f for f in m.fp if not any(f is v for _, v in m.violations)]
    if m.violations:
        problems.append(
            "不应标记："
            + "；".join(
                f"{_label(f.indicator, f.category, f.evidence, doc)}——{r.note}" for r, f in m.violations
            )
        )
    if wrong:
        problems.append(
            "误报："
            + "；".join(f"{_label(f.indicator, f.category, f.evidence, doc)}[{f.rule_id}]" for f in wrong)
        )
    stats = prf(len(m.tp), len(m.fp), len(m.fn))
    return {
        "id": case.id,
        "passed": not m.fn and not m.fp,
        "score": stats["f1"],
        "reason": "；".join(problems),
        "metrics": {
            "tp": len(m.tp),
            "fp": len(m.fp),
            "fn": len(m.fn),
            "violations": len(m.violations),
            **stats,
        },
        "by_category": dict(sorted(counts.items())),
    }


def aggregate_review(case_scores: list[dict]) -> dict:
    """Suite metrics: micro precision/recall/F1 overall and per category, pass rate, violations."""
    tp = sum(c["metrics"]["tp"] for c in case_scores)
    fp = sum(c["metrics"]["fp"] for c in case_scores)
    fn = sum(c["metrics"]["fn"] for c in case_scores)
    per: dict[str, dict[str, int]] = {}
    for c in case_scores:
        for cat, n in c.get("by_category", {}).items():
            slot = per.setdefault(cat, {"tp": 0, "fp": 0, "fn": 0})
            for k in slot:
                slot[k] += n[k]
    by_category = {cat: {**n, **prf(n["tp"], n["fp"], n["fn"])} for cat, n in sorted(per.items())}
    stats = prf(tp, fp, fn)
    passed = sum(1 for c in case_scores if c["passed"])
    return {
        "score": stats["f1"],
        **stats,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "violations": sum(c["metrics"]["violations"] for c in case_scores),
        "cases_total": len(case_scores),
        "cases_passed": passed,
        "pass_rate": round(passed / len(case_scores), 4) if case_scores else 0.0,
        "by_category": by_category,
    }
