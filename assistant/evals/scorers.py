"""Scoring saved answers: one pure function per suite over (case files, answers), and the registry of
case scorers. Every case result is {id, file, passed, score, reason, metrics}; suite metrics are
rounded and sorted so the same answers always give byte-identical scores.json.

LLM-judge scorers carry `llm=True` in the registry and never run unless named (see judge.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import Answer, Document, Draft, Finding
from ..settings import PROJECT_ROOT
from .cases import SUITE_LABELS, CaseFile, resolve
from .drafts import score_draft
from .qa import score_citations, score_correct
from .retrieval import score_case
from .review import aggregate_review, prf, score_review_case
from .review_labels import aggregate_labelled, score_labelled_case


@dataclass(frozen=True)
class Scorer:
    name: str
    suite: str
    label: str  # Chinese, for reports
    llm: bool = False  # an LLM judge: never run by default
    fn: Callable[..., Any] | None = None


SCORERS: list[Scorer] = [
    Scorer("findings", "review", "审核意见的精确率/召回率/F1（按项目+指标+类别匹配）", fn=score_review_case),
    Scorer("qa_correct", "qa", "答案正确（期望数值与未找到状态）", fn=score_correct),
    Scorer("qa_citations", "qa", "引用正确（期望的表、行、字段，引文在原文中）", fn=score_citations),
    Scorer(
        "draft",
        "draft",
        "起草稿：结构、必备二级、描述数字带入、名称、与期望指标对应、量化率、成本、自查错误、覆盖参考指标",
        fn=score_draft,
    ),
    Scorer("retrieval", "retrieval", "检索：recall@k 与 MRR", fn=score_case),
    Scorer("draft_readability", "draft", "大模型评审：起草稿是否通顺、可衡量（1–5分）", llm=True),
]


def scorer(name: str) -> Scorer:
    found = next((s for s in SCORERS if s.name == name), None)
    if found is None:
        from ..errors import InputError

        raise InputError(f"没有名为「{name}」的评分器。可用：{'、'.join(s.name for s in SCORERS)}。")
    return found


def r4(x: float) -> float:
    return round(float(x), 4)


def _mean(xs: list[float]) -> float:
    return r4(sum(xs) / len(xs)) if xs else 0.0


class Documents:
    """Parsed documents by case-file path, read once per scoring."""

    def __init__(self, root: Path = PROJECT_ROOT):
        self.root, self._docs = root, {}

    def get(self, path: str) -> Document:
        if path not in self._docs:
            from ..readers import read_document

            self._docs[path] = read_document(resolve(path, self.root))
        return self._docs[path]


def _result(case_id: str, file: str, passed: bool, score: float, reason: str, metrics: dict) -> dict:
    return {
        "id": case_id,
        "file": file,
        "passed": bool(passed),
        "score": r4(score),
        "reason": reason,
        "metrics": metrics,
    }


def _pairs(files: list[CaseFile], answers: dict[str, dict]):
    for cf in files:
        for case in cf.cases:
            if case.id in answers:
                yield cf, case, answers[case.id]


def _error(record: dict) -> str:
    return f"运行出错：{record['error']}" if record.get("error") else ""


# --- per suite ------------------------------------------------------------------------------------
def score_review_suite(files: list[CaseFile], answers: dict[str, dict], docs: Documents) -> dict:
    """Expected-findings files give the headline precision/recall/F1 (overall, per category, per file);
    labelled-page files (the wild set) their must/should recall and false positives under `labelled`,
    per file and per page. The pass rate counts every case."""
    results, by_doc, pages = [], {}, {}
    for cf, case, rec in _pairs(files, answers):
        findings = [Finding.model_validate(f) for f in rec.get("findings", [])]
        scorer = score_labelled_case if cf.labelled else score_review_case
        res = scorer(case, findings)
        res["reason"] = "；".join(x for x in (_error(rec), res["reason"]) if x)
        res["passed"] = res["passed"] and not rec.get("error")
        res["file"] = cf.stem
        if cf.labelled:
            pages.setdefault(cf.stem, []).append(res)
            continue
        results.append(res)
        slot = by_doc.setdefault(cf.stem, {"tp": 0, "fp": 0, "fn": 0})
        for k in slot:
            slot[k] += res["metrics"][k]
    out = aggregate_review(results)
    out["by_document"] = {d: {**n, **prf(n["tp"], n["fp"], n["fn"])} for d, n in sorted(by_doc.items())}
    every = results + [r for rs in pages.values() for r in rs]
    if pages:
        out["labelled"] = {stem: aggregate_labelled(rs) for stem, rs in sorted(pages.items())}
        passed = sum(1 for c in every if c["passed"])
        out.update(cases_total=len(every), cases_passed=passed, pass_rate=round(passed / len(every), 4))
    return {**out, "cases": _sorted(every)}


def score_qa_suite(files: list[CaseFile], answers: dict[str, dict], docs: Documents) -> dict:
    results = []
    for cf, case, rec in _pairs(files, answers):
        if rec.get("error"):
            results.append(
                _result(case.id, cf.stem, False, 0.0, _error(rec), {"correct": 0.0, "citations": 0.0})
            )
            continue
        answer = Answer.model_validate(rec["answer"])
        correct = score_correct(case, answer)
        cites = score_citations(case, answer, docs.get(cf.data.document))
        reason = "；".join(f"{k}：{s.reason}" for k, s in (("答案", correct), ("引用", cites)) if s.reason)
        metrics = {"correct": r4(correct.score), "citations": r4(cites.score), "not_found": case.not_found}
        results.append(
            _result(
                case.id,
                cf.stem,
                correct.passed and cites.passed,
                (correct.score + cites.score) / 2,
                reason,
                metrics,
            )
        )
    passed = [r["passed"] for r in results]
    nf = [r for r in results if r["metrics"].get("not_found")]
    return {
        "score": _mean([float(p) for p in passed]),
        "pass_rate": _mean([float(p) for p in passed]),
        "correct": _mean([float(r["metrics"]["correct"] == 1.0) for r in results]),
        "citations": _mean([float(r["metrics"]["citations"] == 1.0) for r in results]),
        "not_found_accuracy": _mean([float(r["metrics"]["correct"] == 1.0) for r in nf]),
        "cases_total": len(results),
        "cases_passed": sum(passed),
        "by_document": _by_file(results),
        "cases": _sorted(results),
    }


DRAFT_PARTS = (
    "structure", "categories", "numbers", "names", "agreement", "values", "quantified", "cost", "review", "coverage",
)
DRAFT_LABELS = {
    "structure": "结构",
    "categories": "必备二级",
    "numbers": "描述数字",
    "names": "名称",
    "agreement": "期望指标",
    "values": "期望值",
    "quantified": "量化",
    "cost": "成本",
    "review": "自查",
    "coverage": "覆盖",
}
NO_SECTOR = "未标注领域"


def score_draft_suite(
    files: list[CaseFile], answers: dict[str, dict], docs: Documents, embedder=None
) -> dict:
    results = []
    for cf, case, rec in _pairs(files, answers):
        sector = case.sector or NO_SECTOR
        if rec.get("error"):
            results.append({**_result(case.id, cf.stem, False, 0.0, _error(rec), {}), "sector": sector})
            continue
        draft = Draft.model_validate(rec["draft"])
        ref = None
        if case.reference is not None:
            ref = docs.get(case.reference.document).projects[case.reference.table - 1]
        ds = score_draft(draft, ref, embedder, case)
        parts = {k: getattr(ds, k) for k in DRAFT_PARTS if getattr(ds, k) is not None}
        metrics = {k: r4(s.score) for k, s in parts.items()}
        reason = "；".join(
            f"{DRAFT_LABELS[k]}：{s.reason}" for k, s in parts.items() if s.reason and not s.passed
        )
        score = sum(metrics.values()) / len(metrics)
        results.append({**_result(case.id, cf.stem, ds.passed, score, reason, metrics), "sector": sector})
    # headline: the mean case score (coverage included); pass/fail follows drafts.DraftScore.passed
    out = {
        "score": _mean([r["score"] for r in results]),
        "pass_rate": _mean([float(r["passed"]) for r in results]),
    }
    for k in DRAFT_PARTS:
        out[k] = _mean([r["metrics"][k] for r in results if k in r["metrics"]])
    out.update(cases_total=len(results), cases_passed=sum(r["passed"] for r in results))
    return {**out, "by_document": _by_file(results), "by_sector": _by_sector(results), "cases": _sorted(results)}


def _by_sector(results: list[dict]) -> dict:
    """Per sector: cases, pass rate, mean score, and the mean of the parts that say most about drafting."""
    groups: dict[str, list[dict]] = {}
    for r in results:
        groups.setdefault(r.get("sector") or NO_SECTOR, []).append(r)
    out = {}
    for sector, rs in sorted(groups.items()):
        row = {"cases": len(rs), "pass_rate": _mean([float(r["passed"]) for r in rs]), "score": _mean([r["score"] for r in rs])}
        for k in ("numbers", "agreement", "names"):
            vals = [r["metrics"][k] for r in rs if k in r["metrics"]]
            if vals:
                row[k] = _mean(vals)
        out[sector] = row
    return out


def score_retrieval_suite(files: list[CaseFile], answers: dict[str, dict], docs: Documents) -> dict:
    results = []
    for cf, case, rec in _pairs(files, answers):
        ranked = [(h["project"], h.get("level3")) for h in rec.get("hits", [])]
        at3 = score_case(case, ranked, at=3)
        metrics = {
            "recall_at_1": r4(score_case(case, ranked, at=1).recall_at_3),
            "recall_at_3": r4(at3.recall_at_3),
            "recall_at_5": r4(score_case(case, ranked, at=5).recall_at_3),
            "reciprocal_rank": r4(at3.reciprocal_rank),
        }
        reason = (
            ""
            if at3.passed and not rec.get("error")
            else "；".join(x for x in (_error(rec), at3.reason) if x)
        )
        results.append(
            _result(case.id, cf.stem, at3.passed and not rec.get("error"), at3.recall_at_3, reason, metrics)
        )
    out = {
        k: _mean([r["metrics"][k] for r in results]) for k in ("recall_at_1", "recall_at_3", "recall_at_5")
    }
    out["mrr"] = _mean([r["metrics"]["reciprocal_rank"] for r in results])
    out["score"] = out["recall_at_3"]
    out.update(pass_rate=_mean([float(r["passed"]) for r in results]), cases_total=len(results))
    out["cases_passed"] = sum(r["passed"] for r in results)
    return {**out, "cases": _sorted(results)}


SUITE_SCORING = {
    "review": score_review_suite,
    "draft": score_draft_suite,
    "qa": score_qa_suite,
    "retrieval": score_retrieval_suite,
}


def _sorted(results: list[dict]) -> list[dict]:
    return sorted(results, key=lambda r: r["id"])


def _by_file(results: list[dict]) -> dict:
    files: dict[str, list[dict]] = {}
    for r in results:
        files.setdefault(r["file"], []).append(r)
    return {
        f: {"cases": len(rs), "pass_rate": _mean([float(r["passed"]) for r in rs])}
        for f, rs in sorted(files.items())
    }


def score_suites(
    cases: dict[str, list[CaseFile]],
    answers: dict[str, dict[str, dict]],
    root: Path = PROJECT_ROOT,
    embedder=None,
) -> dict:
    """scores.json content for the suites that have answers: {"format": 1, "suites": {suite: {...}}}.
    Cases added after the run are listed under missing_answers, answers of removed cases under
    stale_answers; neither counts in the metrics."""
    docs = Documents(root)
    suites = {}
    for suite, recs in sorted(answers.items()):
        files = cases.get(suite, [])
        fn = SUITE_SCORING[suite]
        out = fn(files, recs, docs, embedder) if suite == "draft" else fn(files, recs, docs)
        ids = {c.id for cf in files for c in cf.cases}
        out["missing_answers"] = sorted(ids - set(recs))
        out["stale_answers"] = sorted(set(recs) - ids)
        out["label"] = SUITE_LABELS[suite]
        suites[suite] = out
    return {"format": 1, "suites": suites}
