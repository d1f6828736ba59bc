"""The 绩效目标 text of a draft, written from its rows so goal and indicators always agree:

    1.2026年按补助标准300元/人·月，完成补助人数215人，于2026年12月底前完成。
    2.确保补助发放准确率100%。
    3.通过项目实施，符合条件困难群众应保尽保率100%，乡村医生满意度不低于90%。
"""

from __future__ import annotations

import re

from ..categories import (
    BENEFIT,
    COST,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    TIMELINESS,
    canonical_level1,
    canonical_level2,
)
from ..models import DraftRequest, DraftRow, Indicator


def in_words(value: str) -> str:
    """≥90% -> 不低于90%; ≥2次/日 -> 不少于2次/日; ≤2小时 -> 不超过2小时; others as written."""
    v = value.strip()
    if v.startswith(("≥", ">=")):
        rest = v.lstrip("≥>=")
        return ("不低于" if rest.endswith("%") else "不少于") + rest
    if v.startswith(("≤", "<=")):
        return "不超过" + v.lstrip("≤<=")
    return v


def _phrase(i: Indicator, done: bool = False) -> str:
    name = i.level3.removesuffix("完成数量") if done and i.level3.endswith("完成数量") else i.level3
    return f"{name}{in_words(i.value_raw)}"


def goal_text(req: DraftRequest, rows: list[DraftRow]) -> str:
    inds = [r.indicator for r in rows]
    by2 = lambda c: [i for i in inds if canonical_level2(i.level2) == c]  # noqa: E731
    rates = [i for i in by2(QUANTITY) if "/" in i.value_raw and i.value.kind != "unit_price"]  # ≥2次/日
    outputs = [i for i in by2(QUANTITY) if i.value.kind != "qualitative" and i not in rates]
    standards = [i for i in by2(COST) if i.value.kind == "unit_price"]
    when = next((i.value_raw for i in by2(TIMELINESS) if i.value.kind == "date" or "每月" in i.value_raw), "")
    quality = [i for i in by2(QUALITY)]
    benefits = [i for i in inds if canonical_level1(i.level1) == BENEFIT]
    sat = next((i for i in inds if canonical_level1(i.level1) == SATISFACTION), None)
    lines = []
    first = ""
    if standards:
        first += "按" + "、".join(_phrase(i) for i in standards) + "，"
    if outputs:
        first += "完成" + "、".join(_phrase(i, done=True) for i in outputs)
    else:
        first += f"完成{re.sub(r'(项目|经费|资金)$', '', req.name)}年度任务"
    if rates:
        first += "，" + "、".join(_phrase(i) for i in rates)
    if when:
        first += "，" + ("于" if when[:1].isdigit() else "") + when
    lines.append(f"{req.year}年{first}。")
    if quality:
        lines.append("确保" + "、".join(_phrase(i) for i in quality[:3]) + "。")
    tail = "、".join(_phrase(i) for i in benefits[:4])
    if tail or sat:
        end = "，".join(x for x in (tail, _phrase(sat) if sat else "") if x)
        lines.append(f"通过项目实施，{end}。")
    return "\n".join(f"{n}.{line}" for n, line in enumerate(lines, 1))
