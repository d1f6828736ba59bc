"""Finding the numbers of a project description: each number with its unit, operator and "per" units
(每人每月300元 -> 300 元/人·月), each deadline (8月底前完成), and each number that is not a quantity with
the reason why (a 文号, a grade such as 三级系统, a past event, an ordinal such as 第十届).

Pure functions over normalised text (values.normalize_text); the word lists are data
(assistant/data/draft_lexicon.yaml). Naming the rows is naming.py's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..values import format_number
from ..yamlfile import read_yaml

LEXICON = Path(__file__).resolve().parent.parent / "data" / "draft_lexicon.yaml"
_CN = "零〇一二两三四五六七八九十百千万亿"
_NUM = re.compile(rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN}]*[一二两三四五六七八九十][{_CN}]*")
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]|[一二三四五六七八九十])"
_DATE = re.compile(
    rf"(?:(?P<y>20\d{{2}})年)?{_MONTH}月份?(?P<q>底|末|初|上旬|中旬|下旬|中|(?P<d>[1-3]?\d)[日号])?"
)
_YEAR_END = re.compile(r"(?:(?P<y>20\d{2})年)?(?P<w>年底|年末|年内|上半年|下半年|年度内)")
_QUARTER = re.compile(r"(?:(?P<y>20\d{2})年)?第?(?P<n>[一二三四1-4])季度(?:末|底)?")
_DOC_NO = re.compile(r"[\[【〔(（]\s*(?:19|20)\d{2}\s*[\]】〕)）]\s*\d*\s*号?|\d+号文|第\d+号")
_LATIN = re.compile(r"[A-Za-z]+[\d.]*[A-Za-z\d.]*|\d+[A-Za-z]+[A-Za-z\d]*")
_BOOK = re.compile(r"《[^》]*》")
CLAUSE_MARKS = "，。；;：:！？!?\n"


@dataclass(frozen=True)
class Lexicon:
    data: dict

    def __getattr__(self, key: str):
        try:
            return self.data[key]
        except KeyError as e:
            raise AttributeError(key) from e

    @property
    def unit_group(self) -> dict[str, str]:
        return {w: g for g, spec in self.data["units"].items() for w in spec["words"]}

    def measure(self, group: str) -> str:
        return self.data["units"].get(group, {}).get("measure", "数量")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(read_yaml(LEXICON, "起草词表"))


def longest(words, text: str, at: int = 0) -> str:
    """The longest of `words` that `text` has at position `at` ('' when none)."""
    best = ""
    for w in words:
        if len(w) > len(best) and text.startswith(w, at):
            best = w
    return best


def to_number(raw: str) -> float | None:
    """'1,234.5' -> 1234.5; '一千二百' -> 1200; '两万' -> 20000."""
    if raw[0].isdigit():
        return float(raw.replace(",", ""))
    import cn2an

    try:
        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class Mention:
    """A number as written: 不少于2次 with per ['日'] reads ≥2次/日."""

    start: int  # span of the operator + number + unit (per words before it are not inside)
    end: int
    text: str
    number: float  # in the written scale: 4.6 for 4.6万人
    unit: str  # as in the value: 人, 万人, 万亩, 元, 万元, %, 次
    group: str  # the unit's group in the lexicon (area, people, money, count…)
    op: str = ""  # ">=", "<=" or "" (as written: no operator)
    per: list[str] = field(default_factory=list)  # ['人', '月'] in 元/人·月
    per_spans: list[tuple[int, int]] = field(default_factory=list)  # where 每人/每月/人均 are written
    approx: bool = False

    @property
    def per_text(self) -> str:
        return "/" + "·".join(self.per) if self.per else ""

    @property
    def value(self) -> str:
        sym = {">=": "≥", "<=": "≤"}.get(self.op, "")
        return f"{sym}{format_number(self.number)}{self.unit}{self.per_text}"

    @property
    def scale(self) -> float:
        return 1e4 if self.unit.startswith("万") and self.unit not in ("万元",) else 1.0

    @property
    def amount(self) -> float:
        """The number in base units (4.6万人 -> 46000)."""
        return self.number * self.scale

    @property
    def base_unit(self) -> str:
        u = self.unit[1:] if self.scale != 1.0 else self.unit
        return {"万元": "万元"}.get(self.unit, u)


@dataclass
class Deadline:
    start: int
    end: int
    text: str
    month: int
    qualifier: str = "底"  # 底 / 下旬 / 10日 …
    verb: str = "完成"
    year: int | None = None
    recurring: bool = False  # 每月10日前

    def value(self, year: int) -> str:
        if self.recurring:
            return f"每月{self.qualifier}前{self.verb}"
        return f"{year}年{self.month}月{self.qualifier}前{self.verb}"


@dataclass
class Unused:
    text: str
    reason: str
    start: int = 0


@dataclass
class Scan:
    text: str
    mentions: list[Mention] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    unused: list[Unused] = field(default_factory=list)


_LIST_MARK = re.compile(r"(?:^|(?<=[，。；：\n]))[（(]?\d{1,2}[.、)）](?!\d)")


def list_marks(t: str) -> list[tuple[int, int]]:
    """Spans of list numbers (1. 2、 （3）) that start a clause: order, not quantity."""
    return [(m.start(), m.end()) for m in _LIST_MARK.finditer(t)]


def _masked_spans(t: str) -> list[tuple[int, int, str]]:
    """Spans whose numbers are names, not quantities: titles, 文号, latin codes, fixed terms."""
    lx = lexicon()
    spans = [(m.start(), m.end(), "书名或文件名中的数字") for m in _BOOK.finditer(t)]
    spans += [(m.start(), m.end(), "文号中的数字") for m in _DOC_NO.finditer(t)]
    spans += [(m.start(), m.end(), "名称或编号中的数字（如H7N9、PM2.5）") for m in _LATIN.finditer(t) if re.search(r"\d", m.group(0))]
    for term in sorted(lx.terms, key=len, reverse=True):
        for m in re.finditer(re.escape(term), t):
            spans.append((m.start(), m.end(), f"术语“{term}”中的数字，不是数量"))
    return spans


def _inside(spans, i: int) -> str | None:
    return next((why for a, b, why in spans if a <= i < b), None)


def _month(raw: str) -> int:
    return int(raw) if raw.isdigit() else int(to_number(raw) or 0)


def _deadline_verb(t: str, at: int) -> tuple[str, int]:
    """The verb after a deadline (前投入使用 -> 投入使用) and where it ends."""
    lx = lexicon()
    j = at
    for w in ("之前", "以前", "前"):
        if t.startswith(w, j):
            j += len(w)
            break
    j0 = j
    if t.startswith("全部", j):
        j += 2
    verb = longest(lx.deadline_verbs, t, j)
    if not verb:
        return "完成", j0
    shown = verb.replace("完毕", "完成").replace("全部完成", "完成")
    return shown, j + len(verb)


def _dates(t: str, year: int, masked) -> tuple[list[Deadline], list[Unused], list[tuple[int, int]]]:
    lx = lexicon()
    found: list[Deadline] = []
    unused: list[Unused] = []
    taken: list[tuple[int, int]] = []
    for m in _DATE.finditer(t):
        if _inside(masked, m.start()) or (m.start() and t[m.start() - 1].isdigit()):
            continue
        month = _month(m.group("m"))
        rest = t[m.end() : m.end() + 6]
        before = t[max(0, m.start() - 3) : m.start()]
        y = int(m.group("y")) if m.group("y") else None
        qual = m.group("q") or ""
        if m.group("d"):
            qual = f"{int(m.group('d'))}日"
        event = re.match(r"([\u4e00-\u9fff]{1,4}?)(?:之前|以前|前)", rest)  # 9月开学前
        has_front = bool(re.match(r"(?:之前|以前|前)", rest))
        past = any(p in before for p in lx.past_markers) or (y is not None and y < year)
        if past:
            unused.append(Unused(m.group(0), "已过去的事项，不作为本年度目标", m.start()))
            taken.append((m.start(), m.end()))
            continue
        if not (qual or has_front or event or longest(lx.deadline_verbs, t, m.end())):
            continue  # "3月" in running text without a deadline sense
        end = m.end()
        if event and not has_front and not qual:
            # "9月开学前": before the month starts, i.e. by the end of the previous month
            month, qual = max(1, month - 1), "底"
            end += len(event.group(1))
        verb, vend = _deadline_verb(t, end)
        recurring = t[max(0, m.start() - 2) : m.start()] == "每月"
        found.append(Deadline(m.start(), vend, t[m.start() : vend], month, qual or "底", verb, y, recurring))
        taken.append((m.start(), vend))
    for m in re.finditer(r"每月(?P<d>[1-3]?\d)[日号](?:之前|以前|前)", t):
        verb, vend = _deadline_verb(t, m.end() - 1)
        found.append(Deadline(m.start(), vend, t[m.start() : vend], 0, f"{int(m.group('d'))}日", verb, None, True))
        taken.append((m.start(), vend))
    for m in _YEAR_END.finditer(t):
        if any(a <= m.start() < b for a, b in taken):
            continue
        w = m.group("w")
        month = 6 if w == "上半年" else 12
        if w not in ("年底", "年末") and not re.match(r"(?:之前|以前|前)?(?:全部)?[\u4e00-\u9fff]", t[m.end() :]):
            continue
        if w not in ("年底", "年末") and not longest(lx.deadline_verbs, t, m.end() + (2 if t.startswith("全部", m.end()) else 0)):
            continue
        verb, vend = _deadline_verb(t, m.end())
        found.append(Deadline(m.start(), vend, t[m.start() : vend], month, "底", verb, None))
        taken.append((m.start(), vend))
    for word, month in sorted(lx.season_deadlines.items(), key=lambda x: -len(x[0])):
        for m in re.finditer(re.escape(word), t):
            if any(a <= m.start() < b for a, b in taken):
                continue
            verb, vend = _deadline_verb(t, m.end())
            found.append(Deadline(m.start(), vend, t[m.start() : vend], month, "底", verb, None))
            taken.append((m.start(), vend))
    for m in _QUARTER.finditer(t):
        if any(a <= m.start() < b for a, b in taken):
            continue
        q = int(m.group("n")) if m.group("n").isdigit() else int(to_number(m.group("n")) or 4)
        verb, vend = _deadline_verb(t, m.end())
        found.append(Deadline(m.start(), vend, t[m.start() : vend], 3 * q, "底", verb, None))
        taken.append((m.start(), vend))
    for m in re.finditer(r"(?<!\d)(19|20)\d{2}(?=年|至|-|—|～|~)", t):
        if not any(a <= m.start() < b for a, b in taken) and not _inside(masked, m.start()):
            unused.append(Unused(m.group(0) + "年", "年份，不是指标值", m.start()))
            taken.append((m.start(), m.end() + 1))
    found.sort(key=lambda d: d.start)
    return found, unused, taken


def _pers_before(t: str, lo: int, hi: int) -> tuple[list[str], list[tuple[int, int]]]:
    """Per units written between lo and hi and their spans: 每人每月 -> ['人', '月']; 月人均 -> ['人', '月'];
    the time unit always last."""
    lx = lexicon()
    units = list(lx.unit_group) + list(lx.time_pers) + list(lx.per_alias)
    per, times, spans = [], [], []
    i = lo
    while i < hi:
        if t[i] == "每":
            word = longest(units, t, i + 1) or (t[i + 1] if i + 1 < hi and "\u4e00" <= t[i + 1] <= "\u9fff" else "")
            if word:
                if word in lx.time_pers:
                    times.append(lx.time_pers[word])
                else:
                    per.append(lx.per_alias.get(word, lx.unit_alias.get(word, word)))
                spans.append((i, i + 1 + len(word)))
                i += 1 + len(word)
                continue
        prefix = longest(lx.per_prefixes, t, i)
        if prefix:
            j = i + len(prefix)
            for u in lx.per_prefixes[prefix]:
                (times if u in lx.per_year or u == "日" else per).append(u)
            tw = longest(lx.time_pers, t, j)
            if tw in ("年", "月", "日"):  # 单车年运行维护费
                times.append(lx.time_pers[tw])
                j += len(tw)
            spans.append((i, j))
            i = j
            continue
        i += 1
    return per + [x for x in dict.fromkeys(times) if x not in per], spans


def _operator_before(t: str, start: int, lo: int) -> tuple[str, int, bool]:
    """The operator written just before a number (不少于2次), where it starts, and 约 (approximate).
    Longest word first across all operators: 不超过 is not 超过."""
    lx = lexicon()
    words = [(w, sym) for sym, ws in lx.operators.items() for w in ws] + [(w, "~") for w in lx.approximate]
    for w, sym in sorted(words, key=lambda x: -len(x[0])):
        if start - len(w) >= lo and t[start - len(w) : start] == w:
            return ("" if sym == "~" else sym), start - len(w), sym == "~"
    return "", start, False


def normalize(text: str) -> str:
    """normalize_text (NFKC, no whitespace) with Chinese clause punctuation kept Chinese: NFKC turns
    ，；： into ASCII, and a thousands separator (1,234) must stay a comma."""
    from ..values import normalize_text

    t = normalize_text(text)
    t = re.sub(r",(?!\d{3}(?!\d))", "，", t)
    return t.replace(";", "；").replace(":", "：").replace("!", "！").replace("?", "？")


def scan(text: str, year: int) -> Scan:
    """Numbers, deadlines and unused numbers of a description, in text order (spans index normalize(text))."""
    lx = lexicon()
    t = normalize(text)
    out = Scan(t)
    masked = _masked_spans(t)
    out.deadlines, out.unused, taken = _dates(t, year, masked)
    taken += list_marks(t)  # 1.购置… 2.… : list numbers are silently not quantities
    groups = lx.unit_group
    units_sorted = sorted(groups, key=len, reverse=True)
    prev_end = 0
    for m in _NUM.finditer(t):
        s, e, raw = m.start(), m.end(), m.group(0)
        if any(a <= s < b for a, b in taken):
            continue
        span = next(((a, b, why) for a, b, why in masked if a <= s < b), None)
        if span:
            if not any(u.start == span[0] for u in out.unused):
                out.unused.append(Unused(t[span[0] : span[1]], span[2], span[0]))
            continue
        if s and (t[s - 1] in lx.ordinal_before or (t[s - 1] in lx.school_grade_before and not raw[0].isdigit())):
            out.unused.append(Unused(t[s - 1 : e], "序数或年级，不是数量", s))
            continue
        if longest(lx.grade_after, t, e):
            out.unused.append(Unused(raw + longest(lx.grade_after, t, e), "等级或类别（如三级、第十届），不是数量", s))
            continue
        number = to_number(raw)
        if number is None:
            continue
        wan = ""
        if raw[0].isdigit() and t.startswith(("万", "亿"), e) and not longest(["万元", "万亩", "万平方米", "万吨", "万立方米", "万人次"], t, e):
            wan, e = t[e], e + 1
        elif not raw[0].isdigit() and raw.endswith("万") and number >= 1e4:
            number, wan = number / 1e4, "万"
        if longest(lx.condition_units, t, e):
            out.unused.append(Unused(raw + longest(lx.condition_units, t, e), "服务对象的条件（如年龄），不是产出数量", s))
            continue
        unit = longest(units_sorted, t, e)
        if unit == "个" and t.startswith("个月", e):
            unit = "个月"
        after = e + len(unit)
        if not unit:
            head = re.match(r"[\u4e00-\u9fff]{0,6}?(" + "|".join(lx.noun_units) + ")", t[e : e + 8])
            if head and wan:
                unit = lx.noun_units[head.group(1)]
                after = e
            elif raw[0].isdigit():
                why = "编号或代码（没有计量单位）" if len(raw) >= 4 else "没有计量单位，无法判断含义"
                out.unused.append(Unused(raw, why, s))
                continue
            else:
                continue  # a Chinese numeral inside a word (一起, 十分)
        if unit in lx.needs_noun and not re.match(r"[\u4e00-\u9fff]", t[after : after + 1]):
            continue
        if unit == "年" and number >= 100:
            continue
        group = groups.get(unit, "people" if unit in ("人", "万人") else "count")
        shown = lx.unit_alias.get(unit, unit)
        per_after = []
        pm = re.match(r"/(千人|万人|[\u4e00-\u9fff]{1,3}?)(?=[，。；、的\s]|$|[\u4e00-\u9fff]{0,2}的)", t[after:])
        if pm:
            per_after, after = [pm.group(1)], after + len(pm.group(0))
        op, op_start, approx = _operator_before(t, s, prev_end)
        suffix = longest([w for ws in lx.suffix_operators.values() for w in ws], t, after)
        if suffix and not op:
            op = next(sym for sym, ws in lx.suffix_operators.items() if suffix in ws)
            after += len(suffix)
        if t.startswith("左右", after):
            approx, after = True, after + 2
        clause = max([prev_end] + [i + 1 for i in range(prev_end, s) if t[i] in CLAUSE_MARKS])
        per, per_spans = _pers_before(t, clause, op_start)
        if group == "percent" and number >= 100:
            op = ""  # 达到100% reads 100%: a rate cannot beat 100%
        out.mentions.append(
            Mention(op_start, after, t[op_start:after], number, wan + shown, group, op, per + per_after, per_spans, approx)
        )
        prev_end = after
    out.unused.sort(key=lambda u: u.start)
    return out
