"""Reading a 指标值: operator, number, unit, kind, dates; money normalised to 万元 and area to 亩.

Pure functions, no I/O. `parse_value` never raises: anything it cannot read is 'qualitative'.
"""

from __future__ import annotations

import re
import unicodedata

from .models import Value

# Money units to 万元, area units to 亩.
MONEY_TO_WAN = {"元": 1e-4, "千元": 1e-1, "万元": 1.0, "亿元": 1e4}
AREA_TO_MU = {"亩": 1.0, "万亩": 1e4, "公顷": 15.0, "平方公里": 1500.0}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

# Operators, longest first. Prefix words and suffix words both map to the same five symbols.
_PREFIX_OPS = [
    ("大于等于", ">="), ("大于或等于", ">="), ("不低于", ">="), ("不少于", ">="), ("至少", ">="),
    ("小于等于", "<="), ("小于或等于", "<="), ("不超过", "<="), ("不高于", "<="), ("不大于", "<="),
    ("控制在", "<="), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("小于", "<"), ("低于", "<"),
    (">=", ">="), ("<=", "<="), ("≥", ">="), ("≤", "<="), ("≧", ">="), ("≦", "<="), ("=", "="),
    (">", ">"), ("<", "<"), ("达到", ">="),
]
_SUFFIX_OPS = [("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<=")]

_PLACEHOLDER = re.compile(
    r"^(密|涉密|保密|[XxＸｘ×]{1,}|\*{2,}|＊{2,}|○{2,}|待填写?|待定|待补充|略|—+|/)$"
    r"|[XxＸｘ]{2,}|\*{2,}|＊{2,}|待填写|待补充"
)
_EMPTY = {"", "-", "--", "无", "空"}
PAST_TENSE = re.compile(r"已(?:经)?(完成|支付|拨付|兑现|建成|实施|落实|到位|发放|验收|竣工)")  # the one list
_PAST = PAST_TENSE
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年(?:度)?\s*(?:(?P<m>\d{1,2})\s*月(?:份)?(?:\s*(?P<d>\d{1,2})\s*日)?"
    r"|(?P<season>春季|夏季|秋季|冬季|上半年|下半年|年底|底|末|年内|内))?"
)
_MONTH_ONLY = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?(?:底|末|前|以前|之前)?")
_DEADLINE_WORDS = ("完成", "前", "底", "之前", "以前", "截止", "竣工", "到位", "兑现", "验收", "支付")
_DURATION = re.compile(r"^(?P<n>[\d.]+|[一二两三四五六七八九十百]+)\s*个?\s*(?P<u>工作日|自然日|天|日|周|个月|月|年|小时)")
_GRADED = re.compile(
    r"达成年度指标|部分达成|未达成|优良中差|优[、/，,]良|[优良中差][、/][优良中差]|好[、/]较好|"
    r"[ABCD][、/][ABCD]|等级|档次|评分|得分"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNIT_IN_NAME = re.compile(r"[（(]([^()（）]{1,6})[)）]\s*$")


def normalize_text(text: str) -> str:
    """NFKC (full-width digits, ％, ＞) plus a few symbols NFKC leaves alone; strip whitespace."""
    t = unicodedata.normalize("NFKC", text or "")
    t = t.replace("≧", "≥").replace("≦", "≤").replace("﹪", "%").replace("％", "%").replace("═", "=")
    return re.sub(r"\s+", "", t)


def chinese_number(text: str) -> float | None:
    """'三' -> 3, '十二' -> 12, '二十' -> 20, '一百零五' -> 105; None when not a Chinese numeral."""
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    total, current = 0, 0
    for c in text:
        if c in _CN_DIGITS:
            current = _CN_DIGITS[c]
        else:
            total += (current or 1) * _CN_UNITS[c]
            current = 0
    return float(total + current)


def format_wan(v: float | None) -> str:
    """An amount in 万元 as budget tables print it: two decimals ('31.98', '6.00', '1623.79'), more
    only where two would lose precision ('153.5184'); '' when missing."""
    if v is None:
        return ""
    text = f"{v:.2f}"
    return text if abs(float(text) - v) < 1e-9 else f"{v:.6f}".rstrip("0")


def format_number(n: float) -> str:
    """A number inside a value or a sentence: no trailing zeros ('6', '0.72', '31.98', '2809.09')."""
    if abs(n) >= 1e6:
        return f"{n:.0f}"
    return str(int(n)) if n == int(n) else f"{n:.2f}".rstrip("0").rstrip(".")


def money_to_wan(number: float, unit: str) -> float | None:
    """Amount in 万元, or None when `unit` is not a money unit."""
    factor = MONEY_TO_WAN.get(unit)
    return None if factor is None else round(number * factor, 6)


def unit_from_name(name: str) -> str | None:
    """The unit written inside a 三级 name: '实施营造林总面积(亩)' -> '亩', '满意度（%）' -> '%'. Only a unit:
    '(含续建)' is a note and '(≥**%)' a template's leftover, neither says the value's unit."""
    m = _UNIT_IN_NAME.search(normalize_text(name))
    if not m:
        return None
    unit = m.group(1)
    if re.search(r"[*＊≥≤<>=]|\d", unit) or len(unit) > 4 or unit.startswith(("含", "不含", "其中", "按", "以")):
        return None
    return unit


def _split_operator(t: str) -> tuple[str | None, str]:
    for word, op in _PREFIX_OPS:
        if t.startswith(word):
            return op, t[len(word):]
    return None, t


def _suffix_operator(unit: str) -> tuple[str | None, str]:
    for word, op in _SUFFIX_OPS:
        if unit.endswith(word):
            return op, unit[: -len(word)]
    return None, unit


def _parse_date(t: str, v: Value) -> bool:
    """Fill year/month for a deadline value; True when `t` is a date or a past-tense statement."""
    m = _DATE.search(t)
    if m and (m.group("m") or m.group("season") or any(w in t for w in _DEADLINE_WORDS) or t == m.group(0)):
        v.year = int(m.group("y"))
        v.month = int(m.group("m")) if m.group("m") else None
        return True
    m = _MONTH_ONLY.search(t)
    if m and any(w in t for w in _DEADLINE_WORDS) and 1 <= int(m.group("m")) <= 12:
        v.month = int(m.group("m"))
        return True
    return v.past_tense


def parse_value(raw: str, level3: str = "", level2: str = "") -> Value:
    """Parse a 指标值 cell. `level3`/`level2` give context: a unit written in the 三级 name, and
    '60万' read as money on a 成本 row."""
    v = Value(raw=raw or "")
    t = normalize_text(raw)
    if t in _EMPTY:
        v.kind = "empty"
        return v
    if _PLACEHOLDER.search(t):
        v.kind = "placeholder"
        return v
    v.past_tense = bool(_PAST.search(t))

    op, rest = _split_operator(re.sub(r"^(大约|约|预计)", "", t))
    m = re.match(r"^(\d+(?:,\d{3})*(?:\.\d+)?)(.*)$", rest)
    if m:
        number, unit = float(m.group(1).replace(",", "")), m.group(2)
    else:
        cn = re.match(r"^([零〇一二两三四五六七八九十百千]+)(.*)$", rest)
        number = chinese_number(cn.group(1)) if cn else None
        unit = cn.group(2) if cn else ""
    if number is None:
        # No leading number: a date ('2024年6月完成' starts with digits, so this is the rest),
        # a past-tense statement, or qualitative text.
        v.kind = "date" if _parse_date(t, v) else "qualitative"
        v.graded = bool(_GRADED.search(t))
        if v.kind == "qualitative":
            nums = _NUMBER.findall(t)
            if nums and "%" in t:
                v.number = float(nums[0])
        return v

    if _DATE.match(t) and re.match(r"^(?:19|20)\d{2}年", t):
        v.kind = "date"
        _parse_date(t, v)
        return v
    if _MONTH_ONLY.match(rest) and re.match(r"^\d{1,2}月(\d{1,2}日)?(底|末|前|以前|之前|份)", rest):
        v.kind = "date"
        _parse_date(rest, v)
        return v
    dm = _DURATION.match(rest)
    if dm and not re.match(r"^\d+(\.\d+)?[%万元亩人]", rest):
        u = dm.group("u")
        if u != "年" or not t.endswith("年") or number < 100:
            v.kind, v.operator = "duration", op or "="
            v.number, v.unit = number, u
            return v

    suffix_op, unit = _suffix_operator(unit)
    op = op or suffix_op
    unit = re.sub(r"(左右|上下|内外|完成|及时|以上|以下)$", "", unit)
    if unit.startswith("大约"):
        unit = unit[2:]
    v.operator = op or "="
    v.number = number
    v.unit = unit or unit_from_name(level3) or None

    u = v.unit or ""
    price = re.match(r"^(元|万元|千元)(?:/|每)(.+)$", u)
    if price:
        v.kind, v.unit, v.per = "unit_price", price.group(1), price.group(2)
        v.normalized = number * (1e4 if price.group(1) == "万元" else 1e3 if price.group(1) == "千元" else 1.0)
        v.normalized_unit = f"元/{v.per}"
    elif u in ("%", "百分比", "百分点") or u.startswith("%"):
        v.kind, v.unit = "percentage", "%"
        v.normalized, v.normalized_unit = number, "%"
    elif u in ("比例", "比率") and number <= 1:
        v.kind = "percentage"  # ≥0.97比例: a share written as a fraction (the unit says so), 97%
        v.normalized, v.normalized_unit = round(number * 100, 6), "%"
    elif u in MONEY_TO_WAN:
        v.kind = "money"
        v.normalized, v.normalized_unit = money_to_wan(number, u), "万元"
    elif u == "万" and "成本" in (level2 + level3):
        v.kind, v.unit = "money", "万元"
        v.normalized, v.normalized_unit = number, "万元"
    elif u in AREA_TO_MU:
        v.kind = "quantity"
        v.normalized, v.normalized_unit = round(number * AREA_TO_MU[u], 6), "亩"
    else:
        v.kind = "quantity"
        if u.startswith("万") and len(u) > 1:
            v.normalized, v.normalized_unit = number * 1e4, u[1:]
        else:
            v.normalized, v.normalized_unit = number, u or None
    return v


def parse_amount(text: str) -> float | None:
    """A plain amount cell in 万元 ('6.00', '1,234.5', ' 0'); None when empty or not a number."""
    t = normalize_text(text).replace(",", "")
    m = re.match(r"^(\d+(?:\.\d+)?)(万元|万|元)?$", t)
    if not m:
        return None
    n = float(m.group(1))
    return n / 1e4 if m.group(2) == "元" else n


def parse_percent(text: str) -> float | None:
    """'25%' -> 25.0, ' 0' -> 0.0, '' -> None."""
    t = normalize_text(text).rstrip("%")
    try:
        return float(t)
    except ValueError:
        return None


def years_in(text: str) -> list[tuple[int, str]]:
    """Years written as dates in free text, with the matched text; 文号 ([2023]107号, 【2022】91号,
    〔2021〕101号) and titles in 《》 are not dates and are skipped."""
    t = re.sub(r"《[^》]*》", lambda m: " " * len(m.group(0)), text or "")
    t = re.sub(r"[\[【〔(（]\s*(19|20)\d{2}\s*[\]】〕)）]\s*\d*\s*号?", lambda m: " " * len(m.group(0)), t)
    out = []
    for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})\s*(年|、)", t):
        if re.search(r"(?:较|比|同比|相比|相较|与|对比|基于|以)\s*$", t[: m.start()]):
            continue  # 较2023年提高: a base year to compare with, not a date of this year's work
        out.append((int(m.group(1)), m.group(0)))
    return out
