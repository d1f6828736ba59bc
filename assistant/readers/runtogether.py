"""Cells a paste ran together with no separator (`产出指标数量指标农村义务教育学校改造覆盖率100%`), split
back with the table vocabulary (field labels, header words, 一级/二级 names) and the value grammar
(operator, number, unit; dates). Nothing is guessed beyond those two."""

from __future__ import annotations

import re
from functools import lru_cache

from ..values import normalize_text
from .table import UNITS
from .vocab import compact, vocabulary

_OP = r"(?:≥|≤|>=|<=|≧|≦|＞|＜|>|<|=|大于等于|小于等于|不低于|不少于|不超过|不高于)"
_DATE = r"(?:(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|末)?(?:前|之前|以前)?(?:完成|完工)?)"


@lru_cache(maxsize=1)
def _terms() -> re.Pattern[str]:
    v = vocabulary()
    words: set[str] = set()
    for labels in v.fields.values():
        words.update(labels)
    for labels in v.columns.values():
        words.update(labels)
    for labels in v.amount_columns.values():
        words.update(labels)
    words.update(v.header_lead)
    for canonical, cores in list(v.level1.items()) + list(v.level2.items()):
        words.add(canonical)
        words.update(c + "指标" for c in cores)
    words.add("".join(v.grade_names))
    for kinds in v.kinds.values():  # 绩效目标表 is one word, not the label 绩效目标 and a stray 表
        words.update(kinds)
    # the bare word 指标 is too common inside names (预算指标) to cut a line at
    words = {normalize_text(w) for w in words if len(normalize_text(w)) >= 2 and normalize_text(w) != "指标"}
    alts = sorted(words, key=len, reverse=True)
    # a label may carry its unit or score note: 项目资金(万元), 产出指标(70分)
    note = r"(?:[(（](?:万元|元|%|\d+分|[A-Z](?:/[A-Z])?)[)）])?[:：]?"
    return re.compile("(" + "|".join(re.escape(a) for a in alts) + ")" + note)


@lru_cache(maxsize=1)
def _value() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
    number = r"\d+(?:,\d{3})*(?:\.\d+)?"
    return re.compile(rf"{_DATE}|{_OP}?\s*{number}\s*(?:{units})?(?:/[\u4e00-\u9fff·*]{{1,3}})?")


def looks_run_together(line: str) -> bool:
    """A line holding table words with no separator between them: a long one with several, or one that
    starts with a label and goes on (转移支付(项目)名称车辆购置税…, 二级指标三级指标指标值…)."""
    t = normalize_text(line)
    if "|" in t or "\t" in line or re.search(r"\S\s{2,}\S|\u3000", line.strip()):
        return False  # the line has separators (pipes, tabs, runs of spaces)
    found = _terms().findall(t)
    if len(t) >= 60 and len(found) >= 4:
        return True
    if len(found) >= 3 and sum(len(w) for w in found) >= 0.6 * len(t):
        return True  # 评价指标评价内容指标名称指标说明目标值分值备注: a header with its separators lost
    first = _terms().match(t)
    if not first or first.end() >= len(t) or re.search(r"[:：]$", first.group(0)) or t[first.end()] in ":：":
        return False  # 绩效指标：完成营造林0.5万亩以上。 is a label and its text
    if len(normalize_text(first.group(1))) < 4 or not _stands_alone(first, t):
        return False  # 指标1:租车次数: too short a word to cut a cell at
    rest = compact(t[first.end() :])  # markers, unit and score notes are part of the label
    if len(rest) <= 1 or "。" in rest:  # 服务对象满意度指标等: one trailing character is part of the word
        return False  # 项目名称★ is one label; a sentence may start with a label word
    return True


@lru_cache(maxsize=1)
def _amount_labels() -> frozenset[str]:
    f = vocabulary().fields
    return frozenset(normalize_text(w) for k in ("budget", "mid_budget", "fiscal", "other") for w in f[k])


def _stands_alone(m: re.Match[str], text: str) -> bool:
    """An amount label (地方资金) is a label only where an amount, a colon, a unit note, another term or
    the end follows; inside a name (…补助地方资金(普通省道公路建设)) it is part of the name."""
    if normalize_text(m.group(1)) not in _amount_labels():
        return True
    rest = text[m.end() :]
    return not rest or bool(re.match(r"[\d:：(（—\-]", rest)) and not re.match(r"[(（][^)）]*[\u4e00-\u9fff]{3}", rest) or bool(
        _terms().match(rest)
    )


def split_line(line: str) -> list[str]:
    """The cells of a run-together line: vocabulary terms as their own cells; between them, names and
    values split where a value (≥266米, 100%, 2024年12月底前) starts or ends."""
    t = normalize_text(line)
    out: list[str] = []
    pos = 0
    for m in _terms().finditer(t):
        if not _stands_alone(m, t):
            continue
        if m.group(1) in _kind_words():  # 某某项目绩效目标表: a title stays one cell with its kind word
            if m.start() > pos:
                out.append(t[pos : m.end()])
                pos = m.end()
                continue
        if m.start() > pos:
            out += _split_values(t[pos : m.start()])
        if normalize_text(m.group(1)) in _grade_runs():
            out += list(m.group(1))  # 优良中差: four grade columns
        else:
            out.append(m.group(0))
        pos = m.end()
    if pos < len(t):
        out += _split_values(t[pos:])
    return [c for c in (c.strip() for c in out) if c]


@lru_cache(maxsize=1)
def _kind_words() -> frozenset[str]:
    return frozenset(normalize_text(w) for ws in vocabulary().kinds.values() for w in ws)


@lru_cache(maxsize=1)
def _grade_runs() -> frozenset[str]:
    return frozenset({"".join(vocabulary().grade_names)})


def _split_values(segment: str) -> list[str]:
    """Names, values and descriptions in a stretch between vocabulary terms: a description starts at
    反映… (the vocabulary's description_starts), a value where a number, operator or date begins."""
    v = vocabulary()
    starts = "|".join(re.escape(w) for w in v.description_starts)
    pieces = re.split(rf"(?<=[\u4e00-\u9fff)）])(?=(?:{starts}))", segment) if starts else [segment]
    # a name ending 率/数/量… followed by a qualitative value (成本控制率不超预算): split between them
    ends = "|".join(re.escape(w) for w in v.name_ends)
    values = "|".join(re.escape(w) for w in v.value_starts)
    cut = re.compile(rf"({ends})(?=(?:{values}))")
    pieces = [p for piece in pieces for p in cut.sub("\\1\x00", piece).split("\x00")]
    return [c for piece in pieces for c in _split_numbers(piece) if c]


def _split_numbers(segment: str) -> list[str]:
    out, pos = [], 0
    for m in _value().finditer(segment):
        if not m.group(0).strip():
            continue
        before = segment[pos : m.start()]
        # a number inside a name (7岁以下, 12350热线, 二级公路32.1公里 stays a value) is a value only
        # where text does not continue right after it with no unit: 4G网络 is a name
        after = segment[m.end() : m.end() + 1]
        if before and re.match(r"[\u4e00-\u9fffA-Za-z]", after or "") and not re.search(r"[%\u4e00-\u9fff]$", m.group(0)):
            continue
        if before:
            out.append(before)
        out.append(m.group(0))
        pos = m.end()
    if pos < len(segment):
        out.append(segment[pos:])
    return out
