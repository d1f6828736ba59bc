"""Kind checks: does a row's value fit what its name measures, and does the row sit under the right 二级?
A 率 needs a percentage, a 时间/时限 a date or a period, a count belongs under 数量指标 and a rate under
质量指标; a table whose own year is older than every date in it was copied from an earlier year.
The word lists are in rules/lexicon.yaml (rate_keywords, count_units, time_name_words)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..categories import QUALITY, QUANTITY, TIMELINESS, canonical_level2
from ..models import Document, Finding
from ..values import normalize_text, parse_value
from .engine import Context, Rule, check, is_quality_rate, is_rate_name, line_with

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _counted(value, lex) -> bool:
    return value.kind == "quantity" and (value.unit or "") in lex.count_units


@check("value_kind", fields=("expected", "value", "fix"))
def value_kind(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A rate with a count or a period as its value (检测及时率 ≤7工作日), a time row with a count."""
    lex = ctx.lexicon
    for p, i in ctx.rows():
        v = i.value
        raw = line_with(i.value_raw)
        if is_rate_name(i.level3, lex) and v.kind in ("quantity", "duration") and v.unit:
            yield rule.finding(raw, project=p, indicator=i, value=raw, expected="百分比",
                               fix="改为百分比（如“≥95%”），或把指标名称改为与计量单位相符的说法（如“检测时限”）")
        elif any(w in normalize_text(i.level3) for w in lex.time_name_words) and (
            _counted(v, lex) or (v.kind == "percentage" and not is_rate_name(i.level3, lex))
        ):  # 完成时间 ≥4次, 项目完成时间 100%
            yield rule.finding(raw, project=p, indicator=i, value=raw, expected="日期、期限或比率",
                               fix="改为完成时间或时限，如“{y}年10月底前完成”“≤7个工作日”".format(y=ctx.year or "本"))


@check("misfiled_by_value", fields=("expected", "level2", "value"))
def misfiled_by_value(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A count under 质量指标 (实验室仪器维修维护 ≥4次) belongs under 数量指标; a quality rate under 数量指标
    (种植作物成活率 ≥85%) under 质量指标 (时效指标 for a 及时率). Coverage rates (接种率, 覆盖率) measure how
    much was done and may stay under 数量指标."""
    lex = ctx.lexicon
    for p, i in ctx.rows():
        level2 = canonical_level2(i.level2)
        raw = line_with(i.value_raw)
        if level2 == QUALITY and _counted(i.value, lex) and not is_rate_name(i.level3, lex):
            yield rule.finding(raw, project=p, indicator=i, value=raw, level2=i.level2.strip(), expected=QUANTITY)
        elif level2 == QUANTITY and is_quality_rate(i.level3, lex) and i.value.kind in ("percentage", "quantity"):
            expected = TIMELINESS if "及时" in i.level3 else QUALITY
            yield rule.finding(raw, project=p, indicator=i, value=raw, level2=i.level2.strip(), expected=expected)


@check("declared_year", fields=("declared", "later"))
def declared_year(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """The table says it is for one year ("(2023年度)") while its 项目期 and every date in its rows are in a
    later year: the header was not updated when the table was copied."""
    if not ctx.year:
        return
    for p in ctx.projects():
        texts = [p.period] + [i.value_raw for i in p.indicators if canonical_level2(i.level2) == TIMELINESS]
        years = {int(y) for t in texts for y in _YEAR.findall(normalize_text(t))}
        if years and min(years) > ctx.year:
            later = str(min(years))
            evidence = line_with(p.period) if later in normalize_text(p.period) else f"{ctx.year}年度"
            yield rule.finding(evidence, project=p, declared=f"{ctx.year}年度", later=f"{later}年")


def _missed(target, actual) -> bool:
    """The actual misses the target: below a ≥ target, above a ≤ ceiling, off an = value (same unit)."""
    if target.number is None or actual.number is None or (target.unit or "") != (actual.unit or ""):
        return False
    op = target.operator or "="
    if op in (">=", ">"):
        return actual.number < target.number
    if op in ("<=", "<"):
        return actual.number > target.number
    return abs(actual.number - target.number) > 1e-9 and target.kind == "percentage"


@check("self_eval_score", fields=("actual", "target", "score"))
def self_eval_score(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A self-evaluation row whose 实际完成值 misses its 年度指标值 yet scores full marks."""
    for p, i in ctx.rows():
        if not i.actual_raw.strip() or not i.weight.strip() or not i.score.strip():
            continue
        actual = parse_value(i.actual_raw, i.level3, i.level2)
        if not _missed(i.value, actual):
            continue
        try:
            full = float(normalize_text(i.score).rstrip("分")) >= float(normalize_text(i.weight).rstrip("分"))
        except ValueError:
            continue
        if full:
            raw = line_with(i.actual_raw)
            yield rule.finding(raw, project=p, indicator=i, actual=raw, target=line_with(i.value_raw), score=i.score.strip())
