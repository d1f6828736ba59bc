"""The notes a draft carries for the clerk: which sector the project was read as and where its rows
came from, every number of the description that did not become a row and why, and the arithmetic
checks (parts against totals, standards times numbers against the budget)."""

from __future__ import annotations

from ..models import DraftRow
from .plan import Plan


def draft_notes(plan: Plan, rows: list[DraftRow]) -> list[str]:
    notes: list[str] = []
    r = plan.reading
    if plan.sector is not None:
        others = "、".join(s.sector for s, _ in plan.sectors[1:3])
        notes.append(
            f"按项目名称和用途识别为「{plan.sector.sector}」领域" + (f"（也涉及{others}）" if others else "")
            + "；描述中没有的指标取自该领域的常用指标。"
        )
    if plan.alike:
        names = "、".join(dict.fromkeys(f"《{s.document}》{s.project.name}" for s in plan.alike[:3]))
        notes.append(f"参考了往年同领域的相似项目：{names}。")
    borrowed = [row.indicator.level3 for row in rows if row.note.startswith(("指标库", "往年资料和指标库"))]
    if not plan.alike and borrowed:
        notes.append(
            f"往年资料中没有足够相似的同领域项目，{len(borrowed)} 行取自指标库或通用要求，请重点核对："
            + "、".join(borrowed) + "。"
        )
    guessed = [row.indicator.level3 for row in rows if "请按本项目实际" in row.note]
    if guessed:
        notes.append("以下指标值是县级常见量级，不是本项目的数：" + "、".join(guessed) + "，请按实际修改。")
    for u in r.unused:
        notes.append(f"项目描述中的“{u.text}”未设指标：{u.reason}。")
    notes += r.checks
    return notes
