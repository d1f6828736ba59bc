"""A Draft as Markdown (table, precedents, remaining findings, notes) and as a one-project Document
for the .docx/.xlsx writers. Text from models and precedents is written literally (assistant.safetext)."""

from __future__ import annotations

from ..models import CATEGORY_LABELS, SEVERITY_LABELS, Document, Draft
from ..safetext import cell, inline


def draft_markdown(d: Draft) -> str:
    """The draft as Markdown: table, precedents, remaining findings and notes."""
    p = d.project
    lines = [f"# {inline(p.name)} 绩效目标表（{'大模型' if d.engine == 'llm' else '离线'}起草）", ""]
    lines += [f"- 预算数：{p.budget:g} 万元", f"- 资金用途：{inline(p.purpose)}", "- 资金支出计划：" + " / ".join(p.spending_plan.raw), f"- 绩效目标：{inline(p.goal)}", ""]
    lines += ["| 一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据 | 参考往年 | 置信度 |", "|---|---|---|---|---|---|---|---|"]
    for r in d.rows:
        i = r.indicator
        prec = "；".join(f"{x.project}·{x.level3}（{x.value_raw}）" for x in r.precedents) or "—"
        cells = (i.level1, i.level2, i.level3, i.description, i.value_raw, i.basis, prec)
        lines.append("| " + " | ".join(cell(c) for c in cells) + f" | {r.confidence:.2f} |")
    if d.findings:
        lines += ["", "## 自查意见"]
        lines += [f"- [{SEVERITY_LABELS[f.severity]}·{CATEGORY_LABELS[f.category]}] {inline(f.indicator or '')} {inline(f.message)}" for f in d.findings]
    if d.notes:
        lines += ["", "## 说明", *[f"- {inline(n)}" for n in d.notes]]
    return "\n".join(lines) + "\n"


def draft_document(d: Draft) -> Document:
    """The draft as a one-project Document, for the .docx/.xlsx writers."""
    return Document(title=f"{d.project.name}绩效目标表", budget_year=d.request.year, department=d.request.department, projects=[d.project])
