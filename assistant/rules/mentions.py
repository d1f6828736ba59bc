"""Numbers promised in free text (绩效目标, 分项绩效目标): '人工造林1000亩', '宣传二次', '26处历史遗留矿山'.

Each mention keeps its verbatim clause so findings can quote it; years, ordinals and 文号 are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from ..values import AREA_TO_MU, chinese_number

_CN = "零〇一二两三四五六七八九十百千"
_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?\n]")
_NUMBERING = re.compile(r"^\s*\d{1,2}\s*[.、．]\s*(?!\d)")
_AFTER_TIME = re.compile(r"^(年|月|日|季度|工作日|小时|周)")
_HALF = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)} | {"．": "."})


@dataclass
class Mention:
    number: float
    unit: str  # as written: 亩, 万亩, 个, 件, 次
    family: str  # what it counts: 亩 for any area, 万元 for money, else the measure word
    value: float  # in the family's base unit (亩, 万元, count)
    operator: str  # ">=" for 以上/不少于, else "="
    start: int
    end: int
    clause: str  # the clause that holds it, verbatim, numbering stripped


def family_of(unit: str) -> tuple[str, float]:
    """(family, factor to its base unit) for a measure unit."""
    if unit in AREA_TO_MU:
        return "亩", AREA_TO_MU[unit]
    if unit in ("元", "万元", "亿元"):
        return "万元", {"元": 1e-4, "万元": 1.0, "亿元": 1e4}[unit]
    if unit.startswith("万") and len(unit) > 1:
        fam, f = family_of(unit[1:])
        return fam, f * 1e4
    return unit[:1], 1.0


def clauses(text: str) -> list[tuple[int, int, str]]:
    """(start, end, clause) pieces of `text`, split at commas, full stops and line breaks, with a
    leading '1.' numbering removed; each clause is a verbatim substring of `text`."""
    out = []
    pos = 0
    for piece in _CLAUSE_SPLIT.split(text or ""):
        start = pos
        pos += len(piece) + 1
        m = _NUMBERING.match(piece)
        lead = m.end() if m else 0
        body = piece[lead:]
        stripped = body.strip()
        if stripped:
            s = start + lead + body.index(stripped)
            out.append((s, s + len(stripped), stripped))
    return out


def find_mentions(text: str, units: list[str]) -> list[Mention]:
    """Counted quantities in `text`. `units` are the measure words that count (lexicon.measure_units)."""
    t = (text or "").translate(_HALF)
    # list numbering (1.2个基地 is item 1 and 2个): blank it out, keeping the offsets
    t = re.sub(r"(?:^|(?<=[\n。；;：:]))(\s*\d{1,2}\s*[.、．])(?=\s*\d)", lambda m: " " * len(m.group(0)), t)
    unit_alt = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    pattern = re.compile(
        rf"(?P<op>不少于|不低于|达到|超过)?(?P<num>\d+(?:\.\d+)?|[{_CN}]+)\s*(?P<unit>万?(?:{unit_alt}))(?P<tail>以上|及以上)?"
    )
    pieces = clauses(text or "")  # translation keeps offsets, so clauses quote the original
    out = []
    for m in pattern.finditer(t):
        num, unit = m.group("num"), m.group("unit")
        before = t[max(0, m.start() - 1) : m.start()]
        if before == "第" or (before and before in _CN) or re.match(r"\d", before or " "):
            continue
        if _AFTER_TIME.match(t[m.end() : m.end() + 3]) or unit.endswith("年"):
            continue
        n = float(num) if num[0].isdigit() else chinese_number(num)
        if n is None:
            continue
        if num[0].isdigit() and 1900 <= n <= 2100 and "." not in num and unit in ("个",):
            continue
        family, factor = family_of(unit)
        clause = next((c for s, e, c in pieces if s <= m.start() < e), t[m.start() : m.end()])
        op = ">=" if m.group("op") in ("不少于", "不低于", "达到") or m.group("tail") else "="
        out.append(Mention(n, unit, family, n * factor, op, m.start(), m.end(), clause))
    return out


def close(a: float, b: float, rel: float = 0.02) -> bool:
    return abs(a - b) <= max(1e-9, rel * max(abs(a), abs(b)))


def matched_mentions(goal: list[Mention], values: list[tuple[str, float]], max_terms: int = 4) -> set[int]:
    """Indexes of goal mentions that the indicator values account for: equal to one value, to a
    sum of values (乡村奖补12个村 = 1个 + 11个), or summed with other mentions to one value
    (3000件 + 15000件 = ≥18000件). `values` are (family, value) pairs."""
    hit: set[int] = set()
    for n, g in enumerate(goal):
        same = [v for f, v in values if f == g.family]
        if any(close(v, g.value) for v in same):
            hit.add(n)
            continue
        for k in range(2, min(max_terms, len(same)) + 1):
            if any(close(sum(c), g.value) for c in combinations(same, k)):
                hit.add(n)
                break
    for k in range(2, min(max_terms, len(goal)) + 1):
        for combo in combinations(range(len(goal)), k):
            fams = {goal[i].family for i in combo}
            if len(fams) != 1:
                continue
            total = sum(goal[i].value for i in combo)
            if any(f in fams and close(v, total) for f, v in values):
                hit.update(combo)
    return hit
