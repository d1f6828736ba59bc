"""The 评测 page's data, read through assistant.evals (store: runs, meta and scores; compare: metric
deltas and cases that flipped) and shaped into tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..evals import store
from ..evals.cases import SUITE_LABELS
from ..evals.compare import compare_scores

RUNS_DIR = store.RUNS_DIR  # the page reads it at call time, so a test can point it elsewhere
FLIPS = {"pass_to_fail": "通过→失败", "fail_to_pass": "失败→通过"}


def list_runs(runs_dir: Path | None = None) -> list[dict]:
    """Runs oldest first: {name, engine, model, created, suites, headline, problem?}."""
    return store.list_runs(runs_dir or RUNS_DIR)


def run_label(run: dict) -> str:
    engine = {"offline": "离线", "llm": "大模型"}.get(run.get("engine") or "", run.get("engine") or "")
    parts = [p for p in (engine, run.get("model"), run.get("created")) if p]
    return f"{run['name']}（{'，'.join(parts)}）" if parts else run["name"]


def suite_label(suite: str) -> str:
    return SUITE_LABELS.get(suite, suite)


def comparison(run: dict, previous: dict | None, runs_dir: Path | None = None) -> dict:
    """compare_scores(previous, run); with no previous run every metric has only its new value."""
    root = runs_dir or RUNS_DIR
    after = store.load_scores(run["name"], root)
    before = store.load_scores(previous["name"], root) if previous and not previous.get("problem") else {}
    return compare_scores(before, after)


def summary_frame(cmp: dict) -> pd.DataFrame:
    """One row per suite: headline score now and before, the change, and how many cases flipped."""
    rows = []
    for s in cmp["suites"].values():
        head = next((m for m in s["metrics"] if m["name"] == "score"), {"a": None, "b": None, "delta": None})
        rows.append(
            {
                "评测集": s["label"],
                "本次得分": head["b"],
                "上次得分": head["a"],
                "变化": head["delta"],
                "通过→失败": len(s["flipped"]["pass_to_fail"]),
                "失败→通过": len(s["flipped"]["fail_to_pass"]),
            }
        )
    cols = ["评测集", "本次得分", "上次得分", "变化", "通过→失败", "失败→通过"]
    return pd.DataFrame(rows, columns=cols).astype(
        {"本次得分": "Float64", "上次得分": "Float64", "变化": "Float64"}
    )


def metrics_frame(cmp: dict, suite: str) -> pd.DataFrame:
    rows = [
        {"指标": m["name"], "本次": m["b"], "上次": m["a"], "变化": m["delta"]}
        for m in cmp["suites"][suite]["metrics"]
    ]
    return pd.DataFrame(rows, columns=["指标", "本次", "上次", "变化"]).astype(
        {"本次": "Float64", "上次": "Float64", "变化": "Float64"}
    )


def flips_frame(cmp: dict, suite: str) -> pd.DataFrame:
    rows = [
        {
            "变化": FLIPS[kind],
            "用例": f["id"],
            "用例文件": f["file"],
            "本次原因": f["reason_b"],
            "上次原因": f["reason_a"],
        }
        for kind in FLIPS
        for f in cmp["suites"][suite]["flipped"][kind]
    ]
    return pd.DataFrame(rows, columns=["变化", "用例", "用例文件", "本次原因", "上次原因"])


def styled(frame: pd.DataFrame, with_previous: bool = True):
    """Scores to four places; without a previous run, its (empty) columns are left out."""
    if not with_previous:
        frame = frame.drop(
            columns=[c for c in ("上次得分", "上次", "变化", "通过→失败", "失败→通过") if c in frame]
        )
    return frame.style.format(precision=4)


def trend_frame(runs: list[dict]) -> pd.DataFrame:
    """Headline score per run (rows, oldest first) and suite (columns, Chinese labels)."""
    data = {r["name"]: {suite_label(s): v for s, v in (r.get("headline") or {}).items()} for r in runs}
    return pd.DataFrame.from_dict(data, orient="index")
