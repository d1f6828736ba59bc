"""Review findings as linter text, JSON, a Markdown report or an .xlsx sheet.

Import-light on purpose: cli.py imports the option enums from here at start-up.
"""

from __future__ import annotations

import io
import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Finding
    from .reviewer import ReviewResult

HEADERS = ["序号", "级别", "问题类别", "规则", "项目", "指标", "位置", "问题", "原文", "修改建议", "来源"]


def rule_label(rule_id: str) -> str:
    """A rule as a reader names it: its description from the rule pack (or its category's Chinese name)
    with the id in brackets, e.g. 整张绩效目标表以“密”等占位符代替内容（PH-REDACTED）."""
    from ..models import CATEGORY_LABELS
    from ..rules import default_rules

    rule = next((r for r in default_rules() if r.id == rule_id), None)
    if rule is None:
        return rule_id
    name = rule.description or CATEGORY_LABELS.get(rule.category, rule.category)
    return f"{name}（{rule_id}）"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"
    xlsx = "xlsx"


class MinSeverity(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"


def _row(n: int, f: Finding) -> list[str]:
    from ..models import CATEGORY_LABELS, SEVERITY_LABELS

    return [
        str(n),
        SEVERITY_LABELS[f.severity],
        CATEGORY_LABELS[f.category],
        rule_label(f.rule_id) if f.source == "rule" else f.rule_id,
        f.project or "（全文）",
        f.indicator or "",
        f.location.label(),
        f.message,
        f.evidence,
        f.suggestion,
        "规则" if f.source == "rule" else "大模型",
    ]


def render_text(result: ReviewResult) -> str:
    """One block per finding, like a linter: where, level, category, message, quote, fix."""
    from ..models import CATEGORY_LABELS, SEVERITY_LABELS

    lines: list[str] = []
    for f in result.findings:
        where = f.location.label() or "全文"
        lines.append(f"{where}  {SEVERITY_LABELS[f.severity]}  {CATEGORY_LABELS[f.category]}  [{f.rule_id}]")
        target = "  ".join(
            x
            for x in (
                f"项目：{f.project}" if f.project else "",
                f"指标：{f.indicator}" if f.indicator else "",
            )
            if x
        )
        if target:
            lines.append(f"  {target}")
        lines.append(f"  问题：{f.message}")
        lines.append(f"  原文：{f.evidence}")
        lines.append(f"  建议：{f.suggestion}")
        lines.append("")
    lines.append(result.summary_text() if result.findings else "未发现问题。")
    return "\n".join(lines)


def render_json(result: ReviewResult) -> str:
    data = {
        "document": result.document,
        "findings": [f.model_dump(mode="json") for f in result.findings],
        "summary": result.summary(),
        "notices": result.notices,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _cell(text: str) -> str:
    """A table cell of the Markdown report: document and model text shown literally (no image, link or
    HTML from a document becomes markup in a reader's Markdown viewer)."""
    from ..safetext import cell

    return cell(text)


def render_markdown(result: ReviewResult) -> str:
    from ..models import CATEGORY_LABELS
    from ..safetext import inline

    name = inline(Path(result.document).name) if result.document else "绩效文本"
    s = result.summary()
    out = [f"# 审核报告：{name}", "", result.summary_text(), ""]
    for n in result.notices:
        out.append(f"> 提示：{inline(n)}")
    if result.notices:
        out.append("")
    out += ["## 问题分类统计", "", "| 问题类别 | 条数 |", "|---|---:|"]
    out += [f"| {CATEGORY_LABELS[c]} | {k} |" for c, k in s["by_category"].items() if k]
    out += ["", "## 问题清单", "", "| " + " | ".join(HEADERS[:-1]) + " |", "|" + "---|" * (len(HEADERS) - 1)]
    for n, f in enumerate(result.findings, start=1):
        out.append("| " + " | ".join(_cell(c) for c in _row(n, f)[:-1]) + " |")
    if not result.findings:
        out.append("")
        out.append("未发现问题。")
    return "\n".join(out) + "\n"


def render_xlsx(result: ReviewResult) -> bytes:
    """One row per finding with Chinese headers, plus a summary sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from ..models import CATEGORY_LABELS, SEVERITY_LABELS
    from ..writers.cells import harden, xml_safe

    wb = Workbook()
    ws = wb.active
    ws.title = "审核结果"
    ws.append(HEADERS)
    for c in ws[1]:
        c.font = Font(bold=True)
    for n, f in enumerate(xml_safe(result).findings, start=1):
        ws.append(_row(n, f))
    widths = [6, 8, 18, 18, 30, 24, 22, 50, 30, 50, 8]
    for col, w in zip("ABCDEFGHIJK", widths):
        ws.column_dimensions[col].width = w
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    summary = wb.create_sheet("汇总")
    s = result.summary()
    summary.append(["项目", "条数"])
    summary.append(["合计", s["total"]])
    for k, v in s["by_severity"].items():
        summary.append([SEVERITY_LABELS[k], v])
    for k, v in s["by_category"].items():
        summary.append([CATEGORY_LABELS[k], v])
    harden(wb)  # quoted document text and model messages are data: never a live formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_findings(result: ReviewResult, fmt: str) -> str | bytes:
    if fmt == "text":
        return render_text(result)
    if fmt == "json":
        return render_json(result)
    if fmt == "md":
        return render_markdown(result)
    if fmt == "xlsx":
        return render_xlsx(result)
    raise ValueError(fmt)

