"""Pages that list projects with bracketed sections instead of an indicator table:

    037001
    某某服务采购项目
    1681680
    【项目概况】:……
    【总体目标】
    ……
    【产出指标-数量指标】
    指标1:机柜数量(≥77台)

Each project becomes the blocks a table would give (项目名称, 预算数, 资金用途, 绩效目标, an indicator header
and one row per 指标N), so the one layout reader builds the Document. Amounts in such listings carry no
unit; whole numbers in the millions are 元 (a warning says so)."""

from __future__ import annotations

import re

from ..models import SourceLocation
from ..values import normalize_text
from .layout import Block
from .vocab import field_of

_SECTION = re.compile(r"^【\s*([^】]+?)\s*[-—－–]\s*([^】]+?)\s*】$")  # 【产出指标-数量指标】
_FIELD = re.compile(r"^【\s*([^】]+?)\s*】\s*[:：]?\s*(.*)$")  # 【项目概况】:…, 【总体目标】
_ITEM = re.compile(r"^(?:指标\s*\d+\s*[:：.、．]\s*)?(.+?)\s*[(（]([^()（）]*)[)）]\s*$")  # 指标1:名称(值)
_AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")
_GOAL_WORDS = ("目标",)


def looks_sectioned(lines: list[str]) -> bool:
    return sum(1 for line in lines if _SECTION.match(line.strip())) >= 2


def section_blocks(lines: list[str]) -> list[Block]:
    amounts = [float(x) for x in (line.strip() for line in lines) if _AMOUNT.match(x)]
    in_yuan = bool(amounts) and all(a == int(a) for a in amounts) and max(amounts) >= 1_000_000
    budget_label = "年度预算安排(元)" if in_yuan else "年度预算安排"
    out: list[Block] = []
    if in_yuan:
        out.append(Block(cells=[], is_row=False, warning="金额未注明单位，均为整数且数额达百万以上，已按元读取（换算为万元）。"))
    recent: list[tuple[int, str]] = []  # lines since the last bracket: code, name and amount candidates
    field: str | None = None  # a bracket field whose text is on the next line
    level: tuple[str, str] | None = None  # the 一级/二级 of the current 【…-…】 section
    need_header = True
    named = False  # the current project's name came on a labelled line
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        loc = SourceLocation(line=n)
        if not line or re.match(r"^source\s*:", line, re.I):
            continue
        sec = _SECTION.match(line)
        if sec:
            field = None
            if need_header:
                out.append(Block(cells=["一级指标", "二级指标", "三级指标", "指标值"], is_row=True, loc=loc))
                need_header = False
            level = (sec.group(1), sec.group(2))
            continue
        f = _FIELD.match(line)
        if f:
            if named or _open_project(out, recent, budget_label):
                need_header, level = True, None
            recent, named = [], False
            field = "绩效目标" if f.group(1).endswith(_GOAL_WORDS) else "资金用途"
            if f.group(2):
                out.append(Block(cells=[field, f.group(2)], is_row=True, loc=loc))
                field = None
            continue
        item = _ITEM.match(line) if level else None
        if item:
            out.append(Block(cells=[*level, item.group(1), item.group(2)], is_row=True, loc=loc))
            continue
        if field:
            out.append(Block(cells=[field, line], is_row=True, loc=loc))
            field = None
            continue
        level = None
        labelled = field_of(line)
        if labelled is not None and labelled.value:  # 项目名称：…, 年度预算安排：78.6万元
            out.append(Block(cells=[labelled.label, labelled.value], is_row=True, loc=loc))
            named = named or labelled.key == "name"
            continue
        recent.append((n, line))
        if not _AMOUNT.match(line):  # headings and group rows are read as page text (titles, the year)
            out.append(Block(cells=[re.sub(r"^(?:source|title)\s*:\s*", "", line)], is_row=False, loc=loc))
    return out


def _open_project(out: list[Block], recent: list[tuple[int, str]], budget_label: str) -> bool:
    """The lines before a project's first bracket: its code, its name and its amount (the last of each)."""
    if not recent:
        return False
    names = [(n, t) for n, t in recent if not _AMOUNT.match(t) and len(normalize_text(t)) >= 2]
    if not names:
        return False
    n, name = names[-1]
    amount = next((t for k, t in recent if k > n and _AMOUNT.match(t)), None)  # the amount after the name
    loc = SourceLocation(line=n)
    out.append(Block(cells=["项目名称", name], is_row=True, loc=loc))
    if amount is not None:
        out.append(Block(cells=[budget_label, amount], is_row=True, loc=loc))
    return True
