"""Drafting building blocks: the indicator slots a table needs, a drafted row, the spending plan, and
turning a precedent row into a measurable row for the new project. (What a description says is read by
quantities.py.) Pure functions; retrieval and review happen in offline.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..categories import (
    BENEFIT,
    COST,
    ECOLOGICAL,
    ECONOMIC,
    OUTPUT,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    SERVICE_SATISFACTION,
    SOCIAL,
    SUSTAINABLE,
    TIMELINESS,
)
from ..models import Indicator, Precedent, Project, SpendingPlan
from ..values import format_number, normalize_text, parse_value

GRADED_VALUE = "达成年度指标"
GRADED_SCALE = "按“达成年度指标／部分达成年度指标并具有一定效果／未达成年度指标且效果较差”三档评价"
MEASURABLE = {"quantity", "percentage", "money", "unit_price", "date", "duration"}

@dataclass
class Slot:
    level1: str
    level2: str
    accepts: tuple[str, ...]  # canonical 二级 names a precedent row may come from


SLOTS = [
    Slot(OUTPUT, QUANTITY, (QUANTITY,)),
    Slot(OUTPUT, QUALITY, (QUALITY,)),
    Slot(OUTPUT, TIMELINESS, (TIMELINESS,)),
    Slot(OUTPUT, COST, (COST,)),
    Slot(BENEFIT, ECONOMIC, (ECONOMIC,)),
    Slot(BENEFIT, SOCIAL, (SOCIAL,)),
    Slot(BENEFIT, ECOLOGICAL, (ECOLOGICAL,)),
    Slot(BENEFIT, SUSTAINABLE, (SUSTAINABLE,)),
    Slot(SATISFACTION, SERVICE_SATISFACTION, (SERVICE_SATISFACTION,)),
]


@dataclass
class Candidate:
    """A precedent row with the similarity of its project to the new one."""

    indicator: Indicator
    project: Project
    document: str
    similarity: float

    def precedent(self) -> Precedent:
        i = self.indicator
        return Precedent(document=self.document, project=self.project.name, row=i.source.row, level3=i.level3, value_raw=i.value_raw, location=i.source)


def is_measurable(ind: Indicator) -> bool:
    v = ind.value
    return (v.kind in MEASURABLE and not v.past_tense) or v.graded


def deadline_value(year: int, month: int | None) -> str:
    return f"{year}年{month}月底前完成" if month and month < 12 else f"{year}年12月底前完成"


def spending_plan(deadline_month: int | None, recurring: bool) -> SpendingPlan:
    """Cumulative % by end of March/June/October/December, reaching 100% by the deadline's checkpoint."""
    if recurring or not deadline_month:
        values = [25.0, 50.0, 75.0, 100.0]
    else:
        checkpoints = [3, 6, 10, 12]
        done = next(i for i, c in enumerate(checkpoints) if deadline_month <= c)
        # spread evenly up to the deadline's checkpoint, in steps of 10% as plans are usually written
        values = [min(100.0, round(10.0 * (i + 1) / (done + 1)) * 10.0) for i in range(4)]
    return SpendingPlan(mar=values[0], jun=values[1], oct=values[2], dec=values[3], raw=[f"{v:g}%" for v in values])


def scale_quantity(c: Candidate, budget: float) -> tuple[str, str] | None:
    """The precedent's quantity scaled by budget when its unit cost supports it: (value, note)."""
    v, old_budget = c.indicator.value, c.project.budget
    if v.kind != "quantity" or v.number is None or not old_budget or not v.unit or v.number < 10:
        return None
    ratio = budget / old_budget
    number = v.number * ratio
    if v.unit in ("万亩", "公顷", "平方公里"):
        number = round(number, 2)
    else:
        number = max(1.0, round(number))
    unit_cost = old_budget / v.number
    note = f"按往年“{c.project.name}”单位成本约{format_number(round(unit_cost * 1e4, 2))}元/{v.unit}、预算{format_number(budget)}万元折算"
    return f"≥{format_number(number)}{v.unit}", note


def make_indicator(level1: str, level2: str, level3: str, description: str, value: str, basis: str) -> Indicator:
    """A drafted row; the description never just repeats the 三级 name."""
    if normalize_text(description) == normalize_text(level3):
        description = f"{level3}的年度目标"
    return Indicator(
        level1=level1, level2=level2, level3=level3, description=description, value_raw=value,
        value=parse_value(value, level3, level2 + level1), basis=basis,
    )


def measurable_benefit(c: Candidate, slot: Slot) -> tuple[Indicator, str]:
    """A benefit row from a precedent: kept when measurable, else turned into a graded scale."""
    i = c.indicator
    level2 = i.level2 if i.level2 else slot.level2
    if is_measurable(i) and i.value.kind != "money":
        return make_indicator(BENEFIT, level2, i.level3, i.description, i.value_raw, i.basis or "年度工作计划"), "沿用往年可衡量的指标值"
    desc = f"{i.description or i.level3}，{GRADED_SCALE}"
    return (
        make_indicator(BENEFIT, level2, i.level3, desc, GRADED_VALUE, "年度工作计划及绩效评价标准"),
        f"往年指标值“{i.value_raw}”不可衡量，改为三档评价",
    )
