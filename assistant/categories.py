"""Indicator category names: the many spellings of 一级/二级 指标 mapped to one canonical name.

Both layouts are accepted: three 一级 (成本 under 产出) and the four-一级 layout of 财预〔2021〕101号
(成本指标 as its own 一级 with 经济/社会/生态环境成本).
"""

from __future__ import annotations

import re

OUTPUT, BENEFIT, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
LEVEL1 = (COST, OUTPUT, BENEFIT, SATISFACTION)

QUANTITY, QUALITY, TIMELINESS = "数量指标", "质量指标", "时效指标"
ECONOMIC, SOCIAL, ECOLOGICAL, SUSTAINABLE = "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"
SERVICE_SATISFACTION = "服务对象满意度指标"
ECONOMIC_COST, SOCIAL_COST, ECO_COST = "经济成本指标", "社会成本指标", "生态环境成本指标"

_MARKERS = re.compile(r"[（(]\s*必填\s*[)）]|★|\*|\s")


def clean_name(name: str) -> str:
    """Drop "(必填)", "★" markers and whitespace from a category name."""
    return _MARKERS.sub("", name or "")


def canonical_level1(name: str) -> str:
    """产出指标 / 效益指标 / 满意度指标 / 成本指标, or '' when the name is not a known 一级."""
    n = clean_name(name)
    if not n:
        return ""
    if "满意" in n:
        return SATISFACTION
    if "成本" in n:
        return COST
    if "产出" in n or "完成" in n:
        return OUTPUT
    if "效益" in n or "效果" in n:
        return BENEFIT
    return ""


def canonical_level2(name: str) -> str:
    """The canonical 二级 name, or the cleaned name itself when it is not a known one."""
    n = clean_name(name)
    if not n:
        return ""
    table = [
        ("数量", QUANTITY),
        ("质量", QUALITY),
        ("时效", TIMELINESS),
        ("经济成本", ECONOMIC_COST),
        ("社会成本", SOCIAL_COST),
        ("生态环境成本", ECO_COST),
        ("生态成本", ECO_COST),
        ("成本", COST),
        ("经济效益", ECONOMIC),
        ("社会效益", SOCIAL),
        ("生态效益", ECOLOGICAL),
        ("可持续", SUSTAINABLE),
        ("满意", SERVICE_SATISFACTION),
    ]
    for key, canonical in table:
        if key in n:
            return canonical
    return n


def is_cost(level1: str, level2: str) -> bool:
    """True for a 成本 row in either layout."""
    return canonical_level1(level1) == COST or "成本" in canonical_level2(level2)


def level1_of_level2(level2: str) -> str:
    """The 一级 a canonical 二级 belongs to in the three-一级 layout (成本 under 产出)."""
    c = canonical_level2(level2)
    if c in (QUANTITY, QUALITY, TIMELINESS, COST):
        return OUTPUT
    if c in (ECONOMIC, SOCIAL, ECOLOGICAL, SUSTAINABLE):
        return BENEFIT
    if c == SERVICE_SATISFACTION:
        return SATISFACTION
    if c in (ECONOMIC_COST, SOCIAL_COST, ECO_COST):
        return COST
    return ""
