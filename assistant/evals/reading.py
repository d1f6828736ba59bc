"""Reading eval: parse labelled tables (the wild set's labels.yaml schema) and compare what the reader
recovered with the hand labels: projects by name, budget in 万元, exactly the rows (二级, 三级, 指标值,
operator/unit columns, 实际完成值, per-unit values), the document kind, and the expected warnings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AssistantError
from ..models import Document, Indicator, Project
from ..readers import read_document
from ..values import normalize_text
from ..yamlfile import read_yaml

_SCORE_NOTE = re.compile(r"[(（][\d\-—～~\s]*分?[)）]分?|\d+分$")


def same(a: str | None, b: str | None) -> bool:
    """Equal with whitespace removed, widths folded and Traditional characters read as Simplified (the
    reader converts a Traditional page); None and '' are the same."""
    return _simple(a) == _simple(b)


def _simple(text: str | None) -> str:
    from ..readers.normalize import to_simplified

    t = normalize_text(text or "")
    return to_simplified(t, force=True)[0]


def _op_symbol(op: str) -> str:
    from ..readers.table import OPERATORS

    return OPERATORS.get(normalize_text(op), normalize_text(op))


def _level(name: str | None) -> str:
    return _SCORE_NOTE.sub("", normalize_text(name or ""))


@dataclass
class FileResult:
    name: str
    problems: list[str] = field(default_factory=list)
    projects: int = 0  # labelled projects
    projects_ok: int = 0  # recovered with name, budget and exactly the rows
    rows: int = 0  # labelled rows
    rows_ok: int = 0

    @property
    def passed(self) -> bool:
        return not self.problems


def _row_problems(where: str, got: Indicator, want: dict[str, Any]) -> list[str]:
    out = []
    checks = [("三级", got.level3, want.get("l3"))]
    # a table with its own operator and unit columns: the label holds the 目标值 cell, the reader the
    # recombined 指标值 (≥ 735 人次 -> ≥735人次); either form is right
    joined = _op_symbol(want.get("op", "")) + (want.get("value") or "") + (want.get("unit") or "")
    value_ok = same(got.value_raw, want.get("value")) or (("op" in want or "unit" in want) and same(got.value_raw, joined))
    if not value_ok:
        checks.append(("指标值", got.value_raw, want.get("value")))
    if want.get("l2") is not None:
        checks.append(("二级", _level(got.level2), _level(want["l2"])))
    if want.get("l1") is not None:
        checks.append(("一级", _level(got.level1), _level(want["l1"])))
    if "op" in want:
        checks.append(("方向/符号", got.operator_column, want["op"]))
    if "unit" in want:
        checks.append(("计量单位", got.unit_column, want["unit"]))
    if "actual" in want:
        checks.append(("实际完成值", got.actual_raw, want["actual"]))
    for label, a, b in checks:
        if not same(a, b):
            out.append(f"{where} {label}：读到「{a or ''}」，应为「{b or ''}」")
    if "values" in want and [normalize_text(v) for v in got.values] != [normalize_text(v) for v in want["values"]]:
        out.append(f"{where} 分列指标值：读到{got.values}，应为{want['values']}")
    return out


def _find(doc: Document, want: dict[str, Any]) -> Project | None:
    names = [want["name"]] + ([want["name_simplified"]] if want.get("name_simplified") else [])
    return next((p for p in doc.projects if any(same(p.name, n) for n in names)), None)


def score_file(path: Path, label: dict[str, Any]) -> FileResult:
    r = FileResult(path.stem)
    wanted = label.get("projects") or []
    r.projects = len(wanted)
    r.rows = sum(p.get("rows", 0) for p in wanted)
    try:
        doc = read_document(path)
    except AssistantError as e:
        if wanted:
            r.problems.append(f"读取失败：{e}")
        elif label.get("doc_type") != "other":
            r.problems.append(f"读取失败：{e}")
        return r
    if label.get("doc_type") and doc.kind != label["doc_type"]:
        r.problems.append(f"文档类型：读到 {doc.kind}，应为 {label['doc_type']}")
    for w in label.get("warnings") or []:
        if not any(w in x for x in doc.warnings):
            r.problems.append(f"缺少提示「{w}」（实际提示：{'；'.join(doc.warnings) or '无'}）")
    extra = [p.name for p in doc.projects if not any(same(p.name, w["name"]) or same(p.name, w.get("name_simplified")) for w in wanted)]
    if extra:
        r.problems.append(f"多读出的项目：{'、'.join(extra)}")
    for want in wanted:
        p = _find(doc, want)
        if p is None:
            r.problems.append(f"未读出项目「{want['name']}」（读到：{'、'.join(x.name for x in doc.projects) or '无'}）")
            continue
        before = len(r.problems)
        b = want.get("budget_wan")
        if (b is None) != (p.budget is None) or (b is not None and abs(b - p.budget) > 5e-4):
            r.problems.append(f"「{p.name}」预算：读到 {p.budget}，应为 {b}")
        rows = want.get("indicators") or []
        if len(p.indicators) != want.get("rows", len(rows)):
            r.problems.append(f"「{p.name}」指标行数：读到 {len(p.indicators)}，应为 {want.get('rows')}")
        for n, (got, w) in enumerate(zip(p.indicators, rows), 1):
            probs = _row_problems(f"「{p.name}」第{n}行", got, w)
            r.problems += probs
            r.rows_ok += not probs
        r.projects_ok += len(r.problems) == before
    return r


def score_labels(labels: str | Path, folder: str | Path | None = None) -> list[FileResult]:
    """Every case of a labels file; documents are `<folder>/<case>.txt` (or the file the case names)."""
    labels = Path(labels)
    data = read_yaml(labels, "标注文件")
    folder = Path(folder) if folder else labels.parent
    out = []
    for name, label in (data.get("cases") or {}).items():
        path = folder / label.get("file", f"{name}.txt")
        out.append(score_file(path, label))
    return out
