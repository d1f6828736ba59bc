"""Examples for a finding's suggestion, written for the case at hand: the budget year of the document (or of
the draft), and indicator rows from the project's own sector in the indicator library (a 医保 project gets a
医保 example, not a forestry one). Used by the rule templates as {year}, {ex_quantity}, {ex_description},
{ex_goal}, {ex_basis} and {ex_date}."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from ..categories import QUALITY, QUANTITY
from ..library import Entry, entries_for, sector_of
from ..models import Project

GENERIC = {
    "ex_quantity": "完成××项（写明数量和单位）",
    "ex_description": "××完成量：当年完成并通过验收的数量",
    "ex_goal": "完成××项工作，验收合格率100%",
    "ex_basis": "计划标准：年度工作计划",
}


def _year_text(entry: Entry, year: int) -> str:
    return entry.value.replace("2025", str(year)).replace("{budget}", "××")


@lru_cache(maxsize=256)
def _sector_examples(name: str, purpose: str, year: int) -> dict[str, str]:
    ranked = sector_of(name, purpose)
    if not ranked or ranked[0][1] <= 0:
        return dict(GENERIC)
    sid = ranked[0][0].id
    qty = next(iter(entries_for(sid, QUANTITY)), None)
    qual = next(iter(entries_for(sid, QUALITY)), None)
    if qty is None:
        return dict(GENERIC)
    out = {
        "ex_quantity": f"{qty.name}{_year_text(qty, year)}",
        "ex_description": f"{qty.name}：{qty.description}",
        "ex_basis": f"{qty.basis}：{year}年工作计划" if qty.basis in ("计划标准", "历史标准") else qty.basis,
    }
    goal = f"完成{qty.name}{_year_text(qty, year).lstrip('≥=')}"
    if qual is not None:
        goal += f"，{qual.name}{_year_text(qual, year).replace('≥', '不低于')}"
    out["ex_goal"] = goal
    return out


def examples(project: Project | None, year: int | None) -> dict[str, str]:
    """The template fields every rule may use."""
    y = year or date.today().year + 1
    ex = _sector_examples(project.name, project.purpose, y) if project is not None else dict(GENERIC)
    return {"year": str(y), "ex_date": f"{y}年10月底前完成", **ex}
