"""Comparing two runs: the cases that flipped (pass->fail, fail->pass) and every metric's delta.
Plain data, for the CLI, the reports and the app's 评测 page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import store
from .cases import SUITE_LABELS

_SKIP = {"cases", "missing_answers", "stale_answers", "label"}


def flat_metrics(suite: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a suite's scores as dotted names (by_category.vague_value.f1), cases excluded."""
    out: dict[str, float] = {}
    for k, v in suite.items():
        if k in _SKIP:
            continue
        name = f"{prefix}{k}"
        if isinstance(v, bool):
            continue
        if isinstance(v, int | float):
            out[name] = float(v)
        elif isinstance(v, dict):
            out.update(flat_metrics(v, name + "."))
    return out


def _case_map(suite: dict) -> dict[str, dict]:
    return {c["id"]: c for c in suite.get("cases", [])}


def compare_scores(a: dict, b: dict) -> dict:
    """{suites: {suite: {label, flipped: {pass_to_fail, fail_to_pass}, added, removed, metrics}},
    only_a, only_b}. A flip lists {id, file, reason_a, reason_b}; a metric {name, a, b, delta} (None
    where absent). When both runs have scores, only the suites both ran are compared (the others are
    named in only_a/only_b); against an empty side every suite is listed with one-sided metrics."""
    all_a, all_b = a.get("suites", {}), b.get("suites", {})
    names = set(all_a) & set(all_b) if all_a and all_b else set(all_a) | set(all_b)
    out: dict[str, Any] = {
        "suites": {},
        "only_a": sorted(set(all_a) - names),
        "only_b": sorted(set(all_b) - names),
    }
    for suite in sorted(names):
        sa, sb = a.get("suites", {}).get(suite, {}), b.get("suites", {}).get(suite, {})
        ca, cb = _case_map(sa), _case_map(sb)
        flips: dict[str, list[dict]] = {"pass_to_fail": [], "fail_to_pass": []}
        for cid in sorted(set(ca) & set(cb)):
            x, y = ca[cid], cb[cid]
            if x["passed"] != y["passed"]:
                kind = "pass_to_fail" if x["passed"] else "fail_to_pass"
                flips[kind].append(
                    {"id": cid, "file": y.get("file", ""), "reason_a": x["reason"], "reason_b": y["reason"]}
                )
        ma, mb = flat_metrics(sa), flat_metrics(sb)
        metrics = []
        for name in sorted(set(ma) | set(mb)):
            va, vb = ma.get(name), mb.get(name)
            delta = None if va is None or vb is None else round(vb - va, 4)
            metrics.append({"name": name, "a": va, "b": vb, "delta": delta})
        out["suites"][suite] = {
            "label": SUITE_LABELS.get(suite, suite),
            "flipped": flips,
            "added": sorted(set(cb) - set(ca)),
            "removed": sorted(set(ca) - set(cb)),
            "metrics": metrics,
        }
    return out


def compare_runs(a: str, b: str, runs_dir: str | Path | None = None) -> dict:
    """Compare run `a` (before) with run `b` (after); adds {a, b, meta_a, meta_b}."""
    result = compare_scores(store.load_scores(a, runs_dir), store.load_scores(b, runs_dir))
    result.update(a=a, b=b, meta_a=store.load_meta(a, runs_dir), meta_b=store.load_meta(b, runs_dir))
    return result


def flipped_ids(comparison: dict, suite: str | None = None) -> dict[str, list[str]]:
    """{pass_to_fail: [ids], fail_to_pass: [ids]} over one suite or all."""
    out: dict[str, list[str]] = {"pass_to_fail": [], "fail_to_pass": []}
    for name, s in comparison["suites"].items():
        if suite is None or name == suite:
            for kind in out:
                out[kind] += [f["id"] for f in s["flipped"][kind]]
    return {k: sorted(v) for k, v in out.items()}


def compare_text(comparison: dict, changed_only: bool = True) -> str:
    """Terminal text: per suite the flips with both reasons, then the metrics that moved."""
    lines = [f"对比：{comparison.get('a', 'A')} → {comparison.get('b', 'B')}"]
    for key, who in (("only_a", comparison.get("a", "A")), ("only_b", comparison.get("b", "B"))):
        if comparison.get(key):
            lines.append(
                f"只有「{who}」运行了：{'、'.join(SUITE_LABELS.get(s, s) for s in comparison[key])}（不比较）"
            )
    for s in comparison["suites"].values():
        lines.append(f"\n【{s['label']}】")
        for kind, title in (("pass_to_fail", "通过→失败"), ("fail_to_pass", "失败→通过")):
            for f in s["flipped"][kind]:
                lines.append(f"  {title} {f['id']}（{f['file']}）：{f['reason_b'] or f['reason_a'] or '—'}")
        if not any(s["flipped"].values()):
            lines.append("  没有用例翻转。")
        if s["added"] or s["removed"]:
            lines.append(f"  新增用例 {len(s['added'])} 条，删除用例 {len(s['removed'])} 条。")
        moved = [m for m in s["metrics"] if not changed_only or m["delta"] != 0]
        for m in moved:
            a = "—" if m["a"] is None else f"{m['a']:.4g}"
            b = "—" if m["b"] is None else f"{m['b']:.4g}"
            d = "" if m["delta"] is None else f"（{m['delta']:+.4g}）"
            lines.append(f"  {m['name']}: {a} → {b}{d}")
    return "\n".join(lines)
