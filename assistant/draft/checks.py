"""Arithmetic a clerk does on a description before submitting: parts add up to their total
(8万亩，其中3万亩…5万亩), and standards times the numbers they apply to add up to the budget
(63人 × 1000元/人 = 6.3万元). Pure functions over a Reading; results go to Reading.checks."""

from __future__ import annotations

from ..categories import COST
from ..values import format_number
from .numbers import lexicon
from .parts import base_unit as _base
from .reading import Quantity, Reading

COUNTABLE = ("count", "derived", "days")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01, 0.02 * max(abs(a), abs(b)))


def check_parts(r: Reading) -> None:
    """Parts after 其中 belong to the total before it; their sum is checked against it."""
    totals: dict[int, list[int]] = {}
    for k, q in enumerate(r.quantities):
        if q.parent is not None and q.amount is not None:
            totals.setdefault(q.parent, []).append(k)
    for t, parts in totals.items():
        total = r.quantities[t]
        got = sum(r.quantities[k].amount or 0 for k in parts)
        names = "、".join(f"{r.quantities[k].name}{r.quantities[k].value}" for k in parts)
        if len(parts) >= 2 and _close(got, total.amount or 0):
            r.checks.append(f"{names}合计与{total.name}{total.value}一致。")
        elif len(parts) >= 2:
            r.checks.append(f"{names}合计{format_number(got / (1e4 if total.unit.startswith('万') else 1))}"
                            f"{total.unit}，与{total.name}{total.value}不一致，请核对。")


def _applies(s: Quantity, q: Quantity) -> bool:
    per = s.per[0] if s.per else ""
    if not per or q.amount is None:
        return False
    unit = _base(q.unit)
    in_obj = bool(q.obj) and (q.obj.endswith(per) or (len(per) == 1 and per in q.obj))  # 每园 / 幼儿园, 每车 / 车辆
    return per == unit or (per == "人" and unit in ("人次", "户")) or in_obj


def _shared(s: Quantity, q: Quantity) -> int:
    """How long a label a standard and a number share (特困人员…每人400元 / 特困人员1500人 -> 4)."""
    a, b = s.name, q.name.removesuffix("数量").removesuffix("人数").removesuffix("户数")
    best = 0
    for i in range(len(b)):
        for j in range(i + best + 1, len(b) + 1):
            if b[i:j] in a:
                best = j - i
            else:
                break
    return best if best >= 2 else 0


def _multiplier(s: Quantity, r: Reading) -> tuple[float, str] | None:
    """From a time per to the year: 元/人·月 x 12; 元/人·日 x the number of days the description gives."""
    lx = lexicon()
    factor, text = 1.0, ""
    for p in s.per[1:] if s.per and s.per[0] not in lx.per_year and s.per[0] != "日" else s.per:
        if p == "日":
            days = next((q for q in r.quantities if q.kind == "days" and q.unit in ("天", "工作日")), None)
            if days is None:
                return None
            factor *= days.number or 0
            text += f"×{days.value.split('/')[0]}"
        elif p in lx.per_year:
            factor *= lx.per_year[p]
            text += f"×{lx.per_year[p]}个{p}" if p != "年" else ""
    return factor, text


def check_standards(r: Reading, budget: float | None) -> None:
    """Each standard times the number it applies to, the sum against the budget (in 万元)."""
    standards = [q for q in r.quantities if q.kind == "standard" and q.amount is not None]
    if not standards or not budget:
        return
    counts = [q for q in r.quantities if q.kind in COUNTABLE]
    used: set[int] = set()
    products = []
    unmatched: list[Quantity] = []
    for s in standards:
        options = [q for q in counts if _applies(s, q) and id(q) not in used]
        if not options:
            unmatched.append(s)
            continue
        options = [q for q in options if not q.per]
        if not options:
            unmatched.append(s)
            continue
        best = max(_shared(s, q) for q in options)
        labelled = [q for q in options if best and _shared(s, q) == best]
        whole = [q for q in options if q.parent is None]
        q = (labelled or whole or options)[0]
        mult = _multiplier(s, r)
        if mult is None:
            continue
        used.add(id(q))
        amount = s.amount * (q.amount or 0) * mult[0]
        s.note = f"{q.name}{q.value.lstrip('≥≤')}×{s.value.lstrip('≥≤')}{mult[1]}={format_number(round(amount, 4))}万元"
        products.append((s, amount))
    for s in unmatched:
        r.checks.append(f"{s.name}{s.value}：描述中没有它适用的数量（如人数、面积），无法与预算数核对，请补充。")
    if not products:
        return
    total = sum(a for _, a in products)
    how = "；".join(s.note for s, _ in products)
    if _close(total, budget):
        r.checks.append(f"测算：{how}，与预算数{format_number(budget)}万元一致。")
        if len(products) >= 2:  # a cost row per standard, so each price × quantity has its amount
            for s, amount in products:
                r.quantities.append(Quantity(
                    s.name.removesuffix("标准") + "资金", COST, f"≤{format_number(round(amount, 4))}万元",
                    "money", s.note, amount, "万元", amount=amount, role="derived",
                ))
    else:
        r.checks.append(
            f"测算：{how}，合计{format_number(round(total, 4))}万元，与预算数{format_number(budget)}万元不一致，"
            "请核对补助标准、数量或预算数。"
        )
