"""Repairs for a drafted table the reviewer objected to: one fix per finding category, then, for a
row that still cannot pass, removal when its slot has another row to stand for it."""

from __future__ import annotations

from ..categories import BENEFIT, COST, SATISFACTION, canonical_level2
from ..models import Draft, DraftRow, Finding
from ..values import format_number
from .goal import goal_text
from .rows import GRADED_SCALE, GRADED_VALUE, deadline_value, make_indicator, spending_plan


def _row_of(draft: Draft, f: Finding) -> DraftRow | None:
    if f.location.row is not None and 1 <= f.location.row <= len(draft.rows):
        return draft.rows[f.location.row - 1]
    return next((r for r in draft.rows if f.indicator and r.indicator.level3 == f.indicator), None)


def _replace(row: DraftRow, value: str, note: str, description: str | None = None) -> None:
    i = row.indicator
    row.indicator = make_indicator(i.level1, i.level2, i.level3, description or i.description, value, i.basis)
    row.note = (row.note + "；" if row.note else "") + note
    row.confidence = round(row.confidence * 0.8, 2)


def repair(draft: Draft, findings: list[Finding]) -> None:
    """Fix what each finding points at; rows fixed twice and still wrong are removed if replaceable."""
    req, year = draft.request, draft.request.year
    failed: list[DraftRow] = []
    for f in findings:
        row = _row_of(draft, f)
        if f.category == "spending_plan":
            draft.project.spending_plan = spending_plan(None, True)
            continue
        if f.category == "goal_indicator_gap":
            draft.project.goal = goal_text(req, draft.rows)
            continue
        if row is None:
            continue
        i = row.indicator
        if "修复" in row.note and row.note.count("修复") >= 2:
            failed.append(row)
            continue
        if f.category in ("vague_value", "placeholder", "missing_value"):
            _replace(row, GRADED_VALUE, "修复：改为三档评价", f"{i.description or i.level3}，{GRADED_SCALE}")
        elif f.category == "stale_date":
            _replace(row, deadline_value(year, None), "修复：时间调整到预算年度")
        elif f.category == "cost_mismatch" and canonical_level2(i.level2) == "成本指标":
            _replace(row, f"≤{format_number(req.budget)}万元", "修复：成本与预算一致")
        elif f.category == "implausible_value" and i.value.kind == "percentage":
            _replace(row, "100%" if (i.value.number or 0) >= 100 else f"≥{format_number(i.value.number or 90)}%", "修复：比率不超过100%")
        elif f.category == "implausible_value" and i.value.operator in (">=", "<="):
            op = "≤" if canonical_level2(i.level2) == COST else "≥"
            _replace(row, f"{op}{format_number(i.value.number or 0)}{i.value.unit or ''}", "修复：方向调整")
        elif f.category == "copied_text":
            _replace(row, i.value_raw, "修复：补充指标描述", f"{i.level3}达到年度目标的程度")
        elif f.category == "unit_missing" and i.value.number is not None:
            failed.append(row)
        else:
            failed.append(row)
    for row in failed:
        same = [r for r in draft.rows if r is not row and canonical_level2(r.indicator.level2) == canonical_level2(row.indicator.level2)]
        if same or row.indicator.level1 == BENEFIT and any(r.indicator.level1 == BENEFIT for r in draft.rows if r is not row):
            draft.rows.remove(row)
            draft.notes.append(f"已删除无法通过审核的指标“{row.indicator.level3}”。")
        elif row.indicator.level1 not in (SATISFACTION,):
            _replace(row, GRADED_VALUE, "修复：改为三档评价", f"{row.indicator.level3}，{GRADED_SCALE}")
    draft.project.indicators = [r.indicator for r in draft.rows]
