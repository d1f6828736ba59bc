"""The 评测 page's data: eval runs under evals/runs/<run>/, their scores by suite, and the change
against the previous run. Tolerant of the scores file's exact shape while the eval runner settles:
numbers anywhere under a suite are its metrics."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..settings import PROJECT_ROOT

RUNS_DIR = PROJECT_ROOT / "evals" / "runs"
SCORE_FILES = ("scores.json", "summary.json", "results.json")
SKIP_KEYS = {"cases", "results", "answers", "details", "items", "failures"}  # per-case lists, not scores


@dataclass
class Run:
    name: str
    path: Path
    when: datetime
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # suite -> metric -> value
    meta: dict[str, Any] = field(default_factory=dict)
    problem: str = ""  # why the scores could not be read, in Chinese


def _numbers(value: Any, prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a JSON value as dotted metric names (bools count as 0/1)."""
    out: dict[str, float] = {}
    if isinstance(value, int | float):  # bool is an int
        out[prefix or "score"] = float(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k in SKIP_KEYS:
                continue
            out.update(_numbers(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def parse_scores(data: Any) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """(suite -> metrics, run metadata) from a scores file: {"suites": {...}} or {suite: {...}}."""
    if not isinstance(data, dict):
        return {}, {}
    suites = data.get("suites", data)
    if isinstance(suites, list):  # [{"suite": "qa", ...}, ...]
        suites = {
            str(s.get("suite") or s.get("name") or n): s for n, s in enumerate(suites) if isinstance(s, dict)
        }
    meta = (
        {k: v for k, v in data.items() if k != "suites" and not isinstance(v, dict | list)}
        if "suites" in data
        else {}
    )
    scores = {}
    for name, value in suites.items():
        if name in SKIP_KEYS or not isinstance(value, dict | int | float):
            continue
        metrics = _numbers(value)
        if metrics:
            scores[str(name)] = metrics
    return scores, meta


def _read_run(path: Path) -> Run:
    run = Run(name=path.name, path=path, when=datetime.fromtimestamp(path.stat().st_mtime))
    files = [path / n for n in SCORE_FILES if (path / n).is_file()] or sorted(path.glob("*score*.json"))
    if not files:
        run.problem = "该次评测没有成绩文件（scores.json）。"
        return run
    try:
        data = json.loads(files[0].read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        run.problem = f"成绩文件「{files[0].name}」无法读取：{e.__class__.__name__}。"
        return run
    run.scores, run.meta = parse_scores(data)
    if not run.scores:
        run.problem = f"成绩文件「{files[0].name}」中没有分数。"
    return run


def list_runs(root: Path = RUNS_DIR) -> list[Run]:
    """Run folders, newest last (by name, which the runner makes sortable, then by time)."""
    if not root.is_dir():
        return []
    dirs = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")) and p.name != "tmp"]
    return sorted((_read_run(p) for p in dirs), key=lambda r: (r.name, r.when))


def scores_frame(run: Run) -> pd.DataFrame:
    rows = [
        {"评测集": s, "指标": m, "得分": v} for s, metrics in run.scores.items() for m, v in metrics.items()
    ]
    return pd.DataFrame(rows, columns=["评测集", "指标", "得分"])


def comparison_frame(run: Run, previous: Run | None) -> pd.DataFrame:
    """This run's scores beside the previous run's, with the change."""
    rows = []
    for s, metrics in run.scores.items():
        for m, v in metrics.items():
            before = previous.scores.get(s, {}).get(m) if previous else None
            rows.append(
                {
                    "评测集": s,
                    "指标": m,
                    "本次": v,
                    "上次": before,
                    "变化": None if before is None else round(v - before, 4),
                }
            )
    return pd.DataFrame(rows, columns=["评测集", "指标", "本次", "上次", "变化"]).astype(
        {"上次": "Float64", "变化": "Float64"}
    )


def suite_overview(runs: list[Run]) -> pd.DataFrame:
    """One row per run, one column per suite: the suite's headline score (its 'score' metric, else the
    mean of its metrics), for a trend chart."""
    rows = {}
    for r in runs:
        row = {}
        for s, metrics in r.scores.items():
            head = metrics.get("score", metrics.get("mean"))
            row[s] = head if head is not None else sum(metrics.values()) / len(metrics)
        rows[r.name] = row
    return pd.DataFrame.from_dict(rows, orient="index")
