"""Structure checks: required indicator categories, misfiled rows, and the 资金支出计划."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from ..categories import (
    BENEFIT,
    COST,
    OUTPUT,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    TIMELINESS,
    canonical_level1,
    canonical_level2,
    is_cost,
    level1_of_level2,
)
from ..models import Document, Finding
from .engine import Context, NeedParams, Rule, check, is_quality_rate, line_with

_CHECKPOINTS = ((3, "mar", "3月底"), (6, "jun", "6月底"), (10, "oct", "10月底"), (12, "dec", "12月底"))


@check("required_category", fields=("missing",), params=NeedParams)
def required_category(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """params.need: indicators (any row), output_parts (数量/质量/时效), benefit, cost, satisfaction.
    Both the three-一级 layout (成本 under 产出) and the four-一级 layout count."""
    need = rule.params.get("need", "benefit")
    for p in ctx.projects():
        rows = p.indicators
        if need == "indicators":
            if not rows:
                yield rule.finding(line_with(p.name), project=p, missing="绩效指标")
            continue
        if not rows:
            continue  # the 'indicators' rule reports an empty table once
        level1 = {canonical_level1(i.level1) for i in rows}
        level2 = {canonical_level2(i.level2) for i in rows}
        missing: list[str] = []
        if need == "output_parts":
            # a rate misfiled under 数量 (成活率 ≥85%) is the 质量 row: WRONG-KIND reports where it belongs
            if any(is_quality_rate(i.level3, ctx.lexicon) for i in rows if canonical_level2(i.level2) == QUANTITY):
                level2.add(QUALITY)
            missing = [n for n in (QUANTITY, QUALITY, TIMELINESS) if n not in level2]
        elif need == "benefit" and BENEFIT not in level1:
            missing = [BENEFIT]
        elif need == "cost" and not any(is_cost(i.level1, i.level2) for i in rows):
            missing = ["成本指标"]
        elif need == "satisfaction" and SATISFACTION not in level1:
            missing = [SATISFACTION]
        if missing:
            yield rule.finding(line_with(p.name), project=p, missing="、".join(missing))


def _keyword_hits(text: str, keywords: list[str]) -> list[str]:
    return [k for k in keywords if k in text]


@check("wrong_level2", fields=("expected", "keyword", "level2"))
def wrong_level2(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A 效益 row whose 三级/描述 names only another 二级's keywords: 税收增长率 under 社会效益."""
    lex = ctx.lexicon
    for p, i in ctx.rows():
        if canonical_level1(i.level1) != BENEFIT:
            continue
        current = canonical_level2(i.level2)
        if current not in lex.level2_keywords or current in lex.level2_lenient:
            continue
        text = i.level3 + " " + i.description
        if _keyword_hits(text, lex.level2_keywords[current]):
            continue
        others = {k: _keyword_hits(text, words) for k, words in lex.level2_keywords.items() if k != current}
        best = max(others, key=lambda k: len(others[k]), default=None)
        if best and others[best]:
            word = others[best][0]
            evidence = line_with(i.level3, word) if word in i.level3 else line_with(i.description, word)
            yield rule.finding(
                evidence, project=p, indicator=i, level2=i.level2.strip(), expected=best, keyword=word
            )


@check("level_hierarchy", fields=("expected", "level1", "level2"))
def level_hierarchy(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A 二级 under a 一级 it does not belong to (数量指标 under 效益指标)."""
    for p, i in ctx.rows():
        l1, l2 = canonical_level1(i.level1), canonical_level2(i.level2)
        expected = level1_of_level2(l2)
        if not l1 or not expected or l1 == expected:
            continue
        if is_cost(i.level1, i.level2) and l1 in (OUTPUT, COST):
            continue  # 成本 sits under 产出 in the old layout and is its own 一级 in the new one
        yield rule.finding(
            line_with(i.level2),
            project=p,
            indicator=i,
            level1=i.level1.strip(),
            level2=i.level2.strip(),
            expected=expected,
        )


@check("input_as_output", fields=("value",))
def input_as_output(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A money amount as a 数量 output: '资金安排金额 28.8万元' is an input, not an output."""
    for p, i in ctx.rows():
        if canonical_level2(i.level2) == QUANTITY and i.value.kind in ("money", "unit_price"):
            raw = line_with(i.value_raw)
            yield rule.finding(raw, project=p, indicator=i, value=raw)


def _plan_evidence(p) -> str:
    raw = [r for r in p.spending_plan.raw if r.strip()]
    return line_with(raw[-1]) if raw else line_with(p.name)


@check("plan_missing", fields=("given",))
def plan_missing(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    for p in ctx.projects():
        if p.layout and "plan" not in p.layout:
            continue  # the template has no 资金支出计划
        values = p.spending_plan.as_list()
        if any(v is None for v in values):
            given = sum(v is not None for v in values)
            yield rule.finding(_plan_evidence(p), project=p, given=given)


@check("plan_cumulative", fields=("plan",))
def plan_cumulative(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Cumulative percentages never go down."""
    for p in ctx.projects():
        values = [v for v in p.spending_plan.as_list() if v is not None]
        if any(b < a for a, b in pairwise(values)):
            plan = "/".join(f"{v:g}%" for v in values)
            yield rule.finding(_plan_evidence(p), project=p, plan=plan)


@check("plan_total", fields=("dec", "plan"))
def plan_total(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A cumulative plan ends at 100% by December and never exceeds it."""
    for p in ctx.projects():
        plan = p.spending_plan
        values = [v for v in plan.as_list() if v is not None]
        if plan.dec is None or any(b < a for a, b in pairwise(values)):
            continue  # missing or non-cumulative plans have their own rules
        if abs(plan.dec - 100) > 0.01 or any(v > 100.01 for v in values):
            yield rule.finding(
                _plan_evidence(p), project=p, dec=f"{plan.dec:g}%", plan="/".join(f"{v:g}%" for v in values)
            )


@check("plan_deadline", fields=("checkpoint", "spent", "value"))
def plan_deadline(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Work due by month M in the budget year with 0% spent at the first checkpoint after M."""
    for p in ctx.projects():
        plan = p.spending_plan
        for i in p.indicators:
            v = i.value
            if canonical_level2(i.level2) != TIMELINESS or v.kind != "date" or not v.month or v.past_tense:
                continue
            if v.year is not None and ctx.year is not None and v.year != ctx.year:
                continue
            _, attr, label = next(c for c in _CHECKPOINTS if c[0] >= v.month)
            spent = getattr(plan, attr)
            if spent is not None and spent <= 0:
                raw = line_with(i.value_raw)
                yield rule.finding(
                    raw, project=p, indicator=i, value=raw, checkpoint=label, spent=f"{spent:g}%"
                )
                break
