"""Drafting building blocks: what a description says (quantities, deadlines, rates), the required
indicator slots, and turning a precedent row into a measurable row for the new project.

Pure functions; retrieval and review happen in draft.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
from ..models import DraftRequest, DraftRow, Indicator, Precedent, Project, SpendingPlan
from ..values import chinese_number, format_number, normalize_text, parse_value

GRADED_VALUE = "达成年度指标"
GRADED_SCALE = "按“达成年度指标／部分达成年度指标并具有一定效果／未达成年度指标且效果较差”三档评价"
MEASURABLE = {"quantity", "percentage", "money", "unit_price", "date", "duration"}

_COUNT_UNITS = "万亩|亩|公顷|平方米|平方公里|公里|千米|米|人次|人|户|个|套|件|株|台|处|所|次|场|村|座|份|项|宗|条|棵|名|家|册|间|栋|辆|批|期|篇|场次|头|只|吨|宗"
_QTY = re.compile(rf"(?P<label>[\u4e00-\u9fff]{{0,12}}?)(?P<op>不少于|不低于|至少|≥|>=)?(?P<num>\d+(?:\.\d+)?)(?P<unit>{_COUNT_UNITS})")
_RATE = re.compile(r"(?P<label>[\u4e00-\u9fff]{2,10}率)(?:达到|不低于|保持|为|≥|>=)?(?P<num>\d+(?:\.\d+)?)%")
_DEADLINE = re.compile(r"(?:(?P<y>20\d{2})年)?(?P<m>1[0-2]|[1-9]|[一二三四五六七八九十]{1,2})月(?:底|末|份|\d{1,2}日)?(?:前|之前|以前)?(?:完成|竣工|到位|验收)?")
_NOUN_FOR_UNIT = {
    "亩": "面积", "万亩": "面积", "公顷": "面积", "平方米": "面积", "平方公里": "面积",
    "公里": "里程", "千米": "里程", "米": "长度", "人": "人数", "人次": "人次", "名": "人数",
    "株": "株数", "棵": "株数", "户": "户数", "次": "次数", "场": "场次", "场次": "场次",
}
_LEADING_VERBS = re.compile(r"^(计划|预计|拟|全年|年内|共|完成|实施|开展|组织|保障|支付|用于|对|为|约)+")


@dataclass
class Quantity:
    label: str  # 人工造林
    number: float
    unit: str
    text: str  # as written: 人工造林1000亩

    @property
    def value(self) -> str:
        return f"≥{format_number(self.number)}{self.unit}"

    @property
    def description(self) -> str:
        return f"年度内完成{self.label or '任务'}{format_number(self.number)}{self.unit}"

    @property
    def level3(self) -> str:
        noun = _NOUN_FOR_UNIT.get(self.unit, "数量")
        label = self.label or "任务"
        return label if label.endswith(noun) else f"{label}{noun}"


@dataclass
class Description:
    """What the staff's own words commit to."""

    quantities: list[Quantity] = field(default_factory=list)
    rates: list[tuple[str, float]] = field(default_factory=list)  # (合格率, 95.0)
    deadline_month: int | None = None
    deadline_text: str = ""


def read_description(text: str) -> Description:
    """Quantities (人工造林1000亩, 57人), rates (合格率达到95%) and a deadline (6月底前) in the text."""
    t = normalize_text(text).replace(",", "，")
    d = Description()
    for m in _QTY.finditer(t):
        raw = m.group("num")
        num = float(raw) if raw[0].isdigit() else chinese_number(raw)
        before = t[max(0, m.start("num") - 1) : m.start("num")]
        if num is None or before in ("第", "月") or re.match(r"\d", before or " "):
            continue
        if m.group("unit") in ("个", "项") and t[m.end() : m.end() + 1] in ("月", "工"):
            continue  # 3个月, 5个工作日
        label = _LEADING_VERBS.sub("", m.group("label")).strip("的")
        d.quantities.append(Quantity(label=label, number=num, unit=m.group("unit"), text=m.group(0)))
    for m in _RATE.finditer(t):
        d.rates.append((m.group("label"), float(m.group("num"))))
    for m in _DEADLINE.finditer(t):
        month = m.group("m")
        n = int(month) if month.isdigit() else int(chinese_number(month) or 0)
        if 1 <= n <= 12 and ("前" in m.group(0) or "底" in m.group(0) or "完成" in m.group(0)):
            d.deadline_month, d.deadline_text = n, m.group(0)
    return d


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
    Slot(BENEFIT, SOCIAL, (SOCIAL, ECOLOGICAL, ECONOMIC)),
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


def goal_text(req: DraftRequest, rows: list[DraftRow]) -> str:
    """绩效目标 built only from what the rows promise, so goal and indicators agree."""
    outputs = [r.indicator for r in rows if r.indicator.level2 == QUANTITY]
    when = next((r.indicator.value_raw for r in rows if r.indicator.level2 == TIMELINESS and r.indicator.value.kind == "date"), "")
    sat = next((r.indicator.value_raw for r in rows if r.indicator.level1 == SATISFACTION), "")
    purpose = (req.purpose or req.name).strip().rstrip("。；;")
    parts = [f"1.{purpose}。"]
    if outputs:
        task = "、".join(f"{i.level3}{i.value_raw}" for i in outputs)
        parts.append(f"2.{task}" + (f"，{when}" if when else "") + "。")
    if sat:
        parts.append(f"{len(parts) + 1}.服务对象满意度{sat}。")
    return "\n".join(parts)
