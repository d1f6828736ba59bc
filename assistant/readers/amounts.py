"""Amounts in a table's 资金 block: 元 or 万元 as the table says, one amount picked from several columns
(年初预算数 / 全年预算数 / 全年执行数 …), and amounts a paste ran together (202010100.00%10)."""

from __future__ import annotations

import re
from itertools import combinations

from ..values import normalize_text
from .vocab import compact, vocabulary

_AMOUNT = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)(万元|万|元|亿元)?(?:[(（].*)?$")
_AMOUNT_WITH_PARTS = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|万|元|亿元)?\s*[(（]")
_PER_UNIT = {"元": 1e-4, "万元": 1.0, "万": 1.0, "亿元": 1e4}


def amount(text: str, unit: str = "万元") -> float | None:
    """An amount cell in 万元: '6.00', '1,000,000' (with unit 元), '2279.048 万元', '7,548,150元',
    '854万(高标准农田建设400万元,…)' -> 854; None when the cell is not an amount."""
    t = normalize_text(text)
    m = _AMOUNT.match(t) or _AMOUNT_WITH_PARTS.match(t)
    if not m:
        return None
    n = float(m.group(1).replace(",", ""))
    written = m.group(2)
    factor = _PER_UNIT[written] if written else _PER_UNIT.get(unit, 1.0)
    return round(n * factor, 6)


def is_amount(text: str) -> bool:
    t = normalize_text(text)
    return bool(t) and (amount(t) is not None or t in ("—", "——", "-", "/") or bool(re.fullmatch(r"\d+(?:\.\d+)?%", t)))


def glued(text: str) -> bool:
    """Several amounts a paste ran into one cell: '202010100.00%' (20, 20, 10, 100.00%), '1.51.5'."""
    t = normalize_text(text)
    if not re.fullmatch(r"[\d.,%]+", t) or not re.search(r"\d", t):
        return False
    if t.count("%") > 1 or "%" in t[:-1] or t.count(".") > 1:
        return True
    return t.endswith("%") and float(t[:-1].replace(",", "") or 0) > 1000


def amount_column(cell: str) -> str | None:
    """The kind of a 资金 column header: budget / initial / spent / rate / weight / score."""
    c = compact(cell)
    for kind, words in vocabulary().amount_columns.items():
        if any(c == compact(w) for w in words):
            return kind
    return None


def pick(values: list[str], columns: list[str], unit: str) -> float | None:
    """The year's budget from the amounts after a label: the 全年预算数 column when the headers name it
    (the amounts right-aligned to the headers when a paste lost leading empty cells), else the first."""
    amounts = [v for v in values if is_amount(v)]
    if not amounts:
        return None
    if columns and len(amounts) <= len(columns):
        aligned = dict(zip(columns[len(columns) - len(amounts) :], amounts))
        for kind in ("budget", "initial"):
            if kind in aligned and amount(aligned[kind], unit) is not None:
                got = amount(aligned[kind], unit)
                if kind == "initial" and not got and "budget" not in aligned:
                    continue
                return got
    return amount(amounts[0], unit)


def split_run_together(blob: str, columns: list[str]) -> list[str] | None:
    """Amounts a paste ran together, split by the column headers: '202010100.00%10' under
    [全年预算数, 全年执行数, 分值, 执行率, 得分] -> ['20', '20', '10', '100.00%', '10'], chosen so that
    执行率 = 执行数 / 预算数. None when no split fits."""
    t = normalize_text(blob)
    if not columns or not re.fullmatch(r"[\d.%]+", t) or len(columns) > 8:
        return None
    best, best_score = None, -1e9
    n = len(t)
    for cuts in combinations(range(1, n), len(columns) - 1):
        parts = [t[a:b] for a, b in zip((0, *cuts), (*cuts, n))]
        s = _fit(parts, columns)
        if s is not None and s > best_score:
            best, best_score = parts, s
    return best


def _fit(parts: list[str], columns: list[str]) -> float | None:
    vals: dict[str, float] = {}
    score = 0.0
    for p, col in zip(parts, columns):
        pct = p.endswith("%")
        num = p.rstrip("%")
        if not re.fullmatch(r"\d+(?:\.\d+)?", num) or (len(num) > 1 and num[0] == "0" and num[1] != "."):
            return None
        if pct != (col == "rate") and not (col == "rate" and not pct):
            return None
        if "%" in num or num.count(".") > 1:
            return None
        x = float(num)
        if col in ("weight", "score") and x > 100:
            return None
        vals.setdefault(col, x)
    if "rate" in vals and "budget" in vals and "spent" in vals and vals["budget"]:
        expect = vals["spent"] / vals["budget"] * 100
        score += 5 if abs(expect - vals["rate"]) < 0.6 else -5
    if "budget" in vals and "spent" in vals and vals["spent"] > vals["budget"] * 1.5:
        score -= 2
    if "weight" in vals and "score" in vals and vals["score"] > vals["weight"]:
        score -= 3
    return score
