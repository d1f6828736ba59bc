"""The 评测 page's data, read through assistant.evals (store: runs, meta and scores; compare: metric
deltas and cases that flipped) and shaped into tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..evals import store
from ..evals.cases import SUITE_LABELS
from ..evals.compare import compare_scores
from ..evals.labels import metric_label

RUNS_DIR = store.RUNS_DIR  # the page reads it at call time, so a test can point it elsewhere
FLIPS = {"pass_to_fail": "通过→未通过", "fail_to_pass": "未通过→通过"}


def list_runs(runs_dir: Path | None = None) -> list[dict]:
    """Runs oldest first: {name, engine, model, created, suites, headline, problem?}."""
    return store.list_runs(runs_dir or RUNS_DIR)


def local_time(iso: str | None) -> str:
    """An ISO timestamp as this machine's local time, 2025-01-02 18:00 (the text itself if unreadable)."""
    if not iso:
        return ""
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def run_label(run: dict) -> str:
    engine = {"offline": "离线引擎", "llm": "大模型"}.get(run.get("engine") or "", run.get("engine") or "")
    model = f"模型 {run['model']}" if run.get("model") else ""
    parts = [p for p in (local_time(run.get("created")), engine, model) if p]
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
                "通过→未通过": len(s["flipped"]["pass_to_fail"]),
                "未通过→通过": len(s["flipped"]["fail_to_pass"]),
            }
        )
    cols = ["评测集", "本次得分", "上次得分", "变化", "通过→未通过", "未通过→通过"]
    return pd.DataFrame(rows, columns=cols).astype(
        {"本次得分": "Float64", "上次得分": "Float64", "变化": "Float64"}
    )


def metrics_frame(cmp: dict, suite: str) -> pd.DataFrame:
    """Every metric of a suite by its Chinese name, with a one-line explanation; the suite's headline
    metrics (no dot) first."""
    metrics = sorted(cmp["suites"][suite]["metrics"], key=lambda m: ("." in m["name"], m["name"] != "score"))
    rows = []
    for m in metrics:
        name, explain = metric_label(m["name"])
        rows.append({"指标": name, "本次": m["b"], "上次": m["a"], "变化": m["delta"], "说明": explain})
    return pd.DataFrame(rows, columns=["指标", "本次", "上次", "变化", "说明"]).astype(
        {"本次": "Float64", "上次": "Float64", "变化": "Float64"}
    )


def flip_text(kind: str, flip: dict) -> str:
    """One sentence on why a case changed: 这条用例从通过变为未通过：漏报…"""
    if kind == "pass_to_fail":
        return "这条用例从通过变为未通过：" + (flip["reason_b"] or "原因未记录")
    before = f"（上次未通过的原因：{flip['reason_a']}）" if flip["reason_a"] else ""
    return "这条用例从未通过变为通过" + before


def flips_frame(cmp: dict, suite: str) -> pd.DataFrame:
    rows = [
        {"变化": FLIPS[kind], "用例": f["id"], "用例文件": f"{f['file']}.yaml", "说明": flip_text(kind, f)}
        for kind in FLIPS
        for f in cmp["suites"][suite]["flipped"][kind]
    ]
    return pd.DataFrame(rows, columns=["变化", "用例", "用例文件", "说明"])


def styled(frame: pd.DataFrame, with_previous: bool = True):
    """Scores to four places, counts as whole numbers; without a previous run, its (empty) columns are
    left out."""
    if not with_previous:
        frame = frame.drop(
            columns=[c for c in ("上次得分", "上次", "变化", "通过→未通过", "未通过→通过") if c in frame]
        )

    def number(v) -> str:
        if v is None or pd.isna(v):
            return "—"
        return f"{v:.0f}" if float(v).is_integer() and abs(v) >= 1 else f"{v:.4f}".rstrip("0").rstrip(".")

    numeric = [c for c in frame.columns if c in ("本次得分", "上次得分", "变化", "本次", "上次")]
    return frame.style.format(number, subset=numeric)


def trend_frame(runs: list[dict]) -> pd.DataFrame:
    """Headline score per run and suite, long form in time order: 运行, 时间 (local), 评测集, 得分."""
    ordered = sorted(runs, key=lambda r: (r.get("created") or "", r["name"]))
    rows = [
        {"运行": r["name"], "时间": local_time(r.get("created")), "评测集": suite_label(s), "得分": v}
        for r in ordered
        for s, v in (r.get("headline") or {}).items()
    ]
    return pd.DataFrame(rows, columns=["运行", "时间", "评测集", "得分"])


def trend_chart(trend: pd.DataFrame):
    """Scores over the runs, the x axis in time order (not alphabetical)."""
    import altair as alt

    order = list(dict.fromkeys(trend["运行"]))
    return (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=alt.X("运行:N", sort=order, title="评测运行（按时间先后）", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("得分:Q", scale=alt.Scale(domain=[0, 1]), title="总分"),
            color=alt.Color("评测集:N", legend=alt.Legend(title=None, orient="top")),
            tooltip=["运行", "时间", "评测集", "得分"],
        )
        .properties(height=280)
    )
