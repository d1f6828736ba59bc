"""Review scorer for hand-labelled pages (the wild set's labels.yaml schema): findings against the defects a
careful reviewer marks and the categories the page must not be flagged in.

A defect is found when a finding has its category and its indicator fragment appears (whitespace and widths
folded) in the finding's indicator, evidence, message or project. A missed `must` defect is a miss; a found
`should` defect counts as a hit and a missed one is tolerated; any finding in a `clean` category is a false
positive. Precision = defects found / (defects found + false positives): findings in categories the labels
say nothing about are neither right nor wrong. Pure functions: no reading, no model.
"""

from __future__ import annotations

from ..models import CATEGORY_LABELS, Finding
from ..values import normalize_text
from .cases import LabelledCase, LabelledDefect
from .review import prf


def finds(defect: LabelledDefect, finding: Finding) -> bool:
    if finding.category != defect.category:
        return False
    hay = normalize_text(
        " ".join(x for x in (finding.indicator, finding.evidence, finding.message, finding.project) if x)
    )
    return normalize_text(defect.indicator) in hay


def _rate(found: int, total: int) -> float:
    return round(found / total, 4) if total else 1.0


def _label(d: LabelledDefect) -> str:
    return f"「{d.indicator}」{CATEGORY_LABELS.get(d.category, d.category)}"


def score_labelled_case(case: LabelledCase, findings: list[Finding]) -> dict:
    """pass (every must found, no false positive), score (F1 over found defects, false positives and missed
    musts), reason naming the misses and false positives, and the counts the suite adds up."""
    found = {n for n, d in enumerate(case.defects) if any(finds(d, f) for f in findings)}
    must = [n for n, d in enumerate(case.defects) if d.level == "must"]
    should = [n for n, d in enumerate(case.defects) if d.level == "should"]
    false_pos = [f for f in findings if f.category in case.clean]
    missed_must = [case.defects[n] for n in must if n not in found]
    missed_should = [case.defects[n] for n in should if n not in found]
    problems = []
    if missed_must:
        problems.append("漏报（必须）：" + "；".join(_label(d) for d in missed_must))
    if false_pos:
        problems.append(
            "误报（该类别应无问题）："
            + "；".join(
                f"「{f.indicator or f.project or '文档'}」{CATEGORY_LABELS.get(f.category, f.category)}"
                f"（{f.evidence}）[{f.rule_id}]"
                for f in false_pos
            )
        )
    if missed_should:
        problems.append("未发现（应当，可容忍）：" + "；".join(_label(d) for d in missed_should))
    stats = prf(len(found), len(false_pos), len(missed_must))
    return {
        "id": case.id,
        "passed": not missed_must and not false_pos,
        "score": stats["f1"],
        "reason": "；".join(problems),
        "metrics": {
            "must": len(must),
            "must_found": len(must) - len(missed_must),
            "should": len(should),
            "should_found": len(should) - len(missed_should),
            "false_positives": len(false_pos),
            "precision": stats["precision"],
        },
    }


def _summary(must: int, must_found: int, should: int, should_found: int, fp: int) -> dict:
    found = must_found + should_found
    return {
        "must": must,
        "must_found": must_found,
        "must_recall": _rate(must_found, must),
        "should": should,
        "should_found": should_found,
        "should_recall": _rate(should_found, should),
        "false_positives": fp,
        "precision": _rate(found, found + fp),
    }


def aggregate_labelled(case_scores: list[dict]) -> dict:
    """Overall must/should recall, false positives and precision, the pages passed, and the same per page."""
    keys = ("must", "must_found", "should", "should_found", "false_positives")
    totals = {k: sum(c["metrics"][k] for c in case_scores) for k in keys}
    return {
        **_summary(*(totals[k] for k in keys)),
        "pages": len(case_scores),
        "pages_passed": sum(1 for c in case_scores if c["passed"]),
        "by_document": {
            c["id"]: _summary(*(c["metrics"][k] for k in keys))
            for c in sorted(case_scores, key=lambda c: c["id"])
        },
    }
