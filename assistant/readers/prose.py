"""A notice that states a project's indicators in running text instead of a table (绩效目标公示):

    项目总体绩效目标是：增加特色产业产值80万元……
    一、产出指标
    数量指标：种植数量(≥**株)>=17600株；种植作物成活率(≥**%)>=85；时效指标：完成及时率>=100%。
    二、效益指标
    生态效益指标：生态修复功能提高。可持续影响指标，持续发展。

Category words (the vocabulary's 一级/二级 names followed by a colon or comma) open sections; items are
separated by ；。 (and by a comma right after a value); an item's value is the operator, number and unit
it ends with, or the whole item when it has none (a qualitative value with no name). Only used when the
table readers find no indicator rows. Pure."""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import SourceLocation
from ..values import normalize_text
from .layout import Block
from .vocab import vocabulary

_VALUE_END = re.compile(
    r"((?:>=|<=|≥|≤|>|<|=|大于等于|小于等于|不低于|不少于|不超过)?\s*\d+(?:\.\d+)?\s*[^\d\s,，;；。:：()（）]{0,6})$"
)
_BUDGET = re.compile(r"(?:资金|预算|投资|安排)[^，。,;；]{0,8}?(\d+(?:\.\d+)?)\s*万元")
_GOAL = re.compile(r"(?:总体|年度)?绩效目标(?:是|为)?\s*[:：]\s*([^。]+。?)")


@lru_cache(maxsize=1)
def _markers() -> re.Pattern[str]:
    v = vocabulary()
    words = {c for cores in v.level1.values() for c in cores} | {c for cores in v.level2.values() for c in cores}
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"({alts})(?:指标|目标)\s*[:：,，]?")


def prose_blocks(text: str) -> list[Block]:
    """Blocks for the layout reader (a title, 预算数, 绩效目标, a header and rows), or [] when the text does
    not state indicators this way."""
    from .vocab import level1_of, level2_of

    lines = [line for line in text.splitlines() if not re.match(r"^\s*source\s*:", line, re.I)]
    body = normalize_text("\n".join(lines).replace("\n", "。"))
    body = re.split(r"。(?:附件|注[:：]|说明[:：])", body)[0]  # attachments and notes after the indicators
    found = list(_markers().finditer(body))
    if sum(1 for m in found if level2_of(m.group(0))) < 3:
        return []
    out = [Block(cells=[re.sub(r"^\s*title\s*:\s*", "", line)], is_row=False, loc=SourceLocation(line=n))
           for n, line in enumerate(lines, start=1) if line.strip() and n <= 3]
    head = body[: found[0].start()]
    m = _BUDGET.search(head)
    if m:
        out.append(Block(cells=["预算数", m.group(1)], is_row=True))
    m = _GOAL.search(head)
    if m:
        out.append(Block(cells=["绩效目标", m.group(1).strip("。")], is_row=True))
    out.append(Block(cells=["一级指标", "二级指标", "三级指标", "指标值"], is_row=True))
    level1 = level2 = ""
    for i, mk in enumerate(found):
        word = mk.group(1) + "指标"
        written = mk.group(0).strip(" :：,，")  # 社会效益目标 stays as written
        end = found[i + 1].start() if i + 1 < len(found) else len(body)
        if level2_of(word) and not (level1_of(word) and not body[mk.end() : end].strip("。;；,，: ")):
            level2 = written
        elif level1_of(word):
            level1, level2 = level1_of(word), ""
            continue
        for name, value in _items(body[mk.end() : end]):
            out.append(Block(cells=[level1, level2, name, value], is_row=True))
    return out


def _items(segment: str) -> list[tuple[str, str]]:
    out = []
    for part in re.split(r"[;；。]", segment):
        pieces, buf = [], ""
        for bit in re.split(r"([,，])", part):
            if bit in (",", "，"):
                if _VALUE_END.search(buf):  # a comma right after a value ends an item
                    pieces.append(buf)
                    buf = ""
                else:
                    buf += bit
            else:
                buf += bit
        pieces.append(buf)
        for item in (p.strip(" ,，:：") for p in pieces):
            if not item or re.fullmatch(r"[一二三四五六七八九十\d]+[、.]?", item):
                continue
            m = _VALUE_END.search(item)
            if m and m.start() > 0:
                out.append((item[: m.start()].strip(), m.group(1).strip()))
            else:
                out.append(("", item))
    return out
