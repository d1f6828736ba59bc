"""Re-scoring a saved run: answers + current case files -> scores.json and the reports. No model is
called (draft coverage uses the local embedding model, which is deterministic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..settings import PROJECT_ROOT
from . import store
from .cases import SUITE_LABELS, load_cases


@dataclass
class ScoreOutcome:
    scores: dict
    notices: list[str] = field(default_factory=list)  # Chinese: changed case files, missing answers
    differences: list[str] = field(default_factory=list)  # against the saved scores.json (check mode)


def score_run(
    name: str,
    *,
    runs_dir: str | Path | None = None,
    cases_dir: str | Path | None = None,
    root: Path = PROJECT_ROOT,
    write: bool = True,
    embedder=None,
) -> ScoreOutcome:
    """Score the run's saved answers against the current case files. `write` saves scores.json and
    report.md/report.html; otherwise the result is compared with the saved scores.json."""
    from .scorers import score_suites

    run = store.run_dir(name, runs_dir)
    meta = store.read_json(run / "meta.json")
    answers = store.read_answers(run)
    cases = load_cases(cases_dir, sorted(answers) or None, root)
    scores = score_suites(cases, answers, root, embedder)
    scores["engine"] = meta.get("engine")
    outcome = ScoreOutcome(scores, notices=_notices(meta, cases, scores))
    if write:
        store.write_json(run / "scores.json", scores)
        from .report import write_run_report

        write_run_report(run, meta, scores)
    else:
        saved = store.read_json(run / "scores.json") if (run / "scores.json").is_file() else {}
        outcome.differences = diff_scores(saved, scores)
    return outcome


def _notices(meta: dict, cases: dict, scores: dict) -> list[str]:
    out = []
    recorded = meta.get("case_files", {})
    for files in cases.values():
        for cf in files:
            if cf.rel in recorded and recorded[cf.rel] != cf.sha:
                out.append(f"用例文件「{cf.rel}」在运行后改动过，评分按当前用例。")
    for suite, s in scores["suites"].items():
        if s.get("missing_answers"):
            out.append(
                f"{SUITE_LABELS[suite]}：{len(s['missing_answers'])}条用例在本次运行中没有回答（运行后新增），未计入。"
            )
        if s.get("stale_answers"):
            out.append(f"{SUITE_LABELS[suite]}：{len(s['stale_answers'])}条回答的用例已删除，未计入。")
    return out


def diff_scores(old: dict, new: dict, prefix: str = "") -> list[str]:
    """Every path where two scores.json objects differ (dotted; cases by id)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new)):
            if k not in old or k not in new:
                out.append(f"{prefix}{k}：{'新增' if k not in old else '缺失'}")
            else:
                out += diff_scores(old[k], new[k], f"{prefix}{k}.")
        return out
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and all(isinstance(x, dict) and "id" in x for x in old + new)
    ):
        return diff_scores({x["id"]: x for x in old}, {x["id"]: x for x in new}, prefix)
    if old != new:
        return [f"{prefix.rstrip('.')}：{old!r} → {new!r}"]
    return []


def summary_lines(scores: dict) -> list[str]:
    """A short Chinese summary for the terminal: one line per suite."""
    lines = []
    for suite, s in scores.get("suites", {}).items():
        head = (
            f"{SUITE_LABELS.get(suite, suite)}（{suite}）：得分 {s.get('score', 0.0):.3f}，"
            f"通过 {s.get('cases_passed', 0)}/{s.get('cases_total', 0)}"
        )
        if suite == "review":
            head += f"，精确率 {s['precision']:.3f}，召回率 {s['recall']:.3f}，F1 {s['f1']:.3f}"
            for stem, w in s.get("labelled", {}).items():
                head += (
                    f"\n  标注页面（{stem}）：必须发现 {w['must_found']}/{w['must']}，应当发现 "
                    f"{w['should_found']}/{w['should']}，误报 {w['false_positives']}，精确率 {w['precision']:.3f}"
                )
        elif suite == "qa":
            head += f"，答案正确 {s['correct']:.3f}，引用正确 {s['citations']:.3f}"
        elif suite == "draft":
            head += (
                f"，结构 {s['structure']:.3f}，量化 {s['quantified']:.3f}，成本 {s['cost']:.3f}，"
                f"自查 {s['review']:.3f}，覆盖 {s['coverage']:.3f}"
            )
        elif suite == "retrieval":
            head += f"，recall@3 {s['recall_at_3']:.3f}，MRR {s['mrr']:.3f}"
        lines.append(head)
    return lines
