"""Evals as a gate: a fresh offline run must give every case the same verdict and score as the
committed baseline. Re-record the baseline only on purpose:
`assistant eval run --name baseline --overwrite` (and say in the commit which cases changed and why)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evals import store
from assistant.evals.runner import run_eval

BASELINE = Path(__file__).resolve().parent.parent / "evals" / "runs" / "baseline"


def labels_missing() -> list[str]:
    """Labelled case files whose labels are not in this checkout (../shared/wild/): the baseline scored them."""
    from assistant.evals.cases import load_cases

    return [cf.rel for cf in load_cases(suites=["review"])["review"] if cf.labelled and cf.data.missing]


@pytest.mark.slow
def test_a_fresh_offline_run_matches_the_committed_baseline(tmp_path):
    if missing := labels_missing():
        pytest.skip(f"标注文件不在本机，基线无法复现：{'、'.join(missing)}")
    committed = json.loads((BASELINE / "scores.json").read_text(encoding="utf-8"))["suites"]
    run_eval(engine="offline", name="gate", runs_dir=tmp_path)
    fresh = store.load_scores("gate", tmp_path)["suites"]
    assert sorted(fresh) == sorted(committed)
    changed = []
    for suite, scores in committed.items():
        was = {c["id"]: c for c in scores["cases"]}
        now = {c["id"]: c for c in fresh[suite]["cases"]}
        changed += [f"{suite}: 新增 {i}" for i in sorted(set(now) - set(was))]
        changed += [f"{suite}: 缺少 {i}" for i in sorted(set(was) - set(now))]
        for cid in sorted(set(was) & set(now)):
            a, b = was[cid], now[cid]
            if a["passed"] != b["passed"] or abs(a["score"] - b["score"]) > 1e-9:
                changed.append(f"{suite}: {cid} {a['passed']}/{a['score']} -> {b['passed']}/{b['score']}（{b['reason']}）")
    assert changed == [], "\n".join(changed)
