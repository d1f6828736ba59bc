"""Value checks: units, cost against 预算数, implausible targets, stale dates and past tense."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..categories import QUANTITY, canonical_level2, is_cost
from ..models import Document, Finding, Indicator, Project
from ..values import PAST_TENSE, format_number, years_in
from .engine import Context, PercentTestParams, Rule, ToleranceParams, check, find_phrase, line_with

_PAST = PAST_TENSE


def close(a: float, b: float, rel: float = 0.02, abs_tol: float = 0.01) -> bool:
    """Equal up to rounding: 2% or 0.01 (万元) by default."""
    return abs(a - b) <= max(abs_tol, rel * max(abs(a), abs(b)))


def _tol(rule: Rule) -> dict:
    return {
        "rel": float(rule.params.get("tolerance", 0.02)),
        "abs_tol": float(rule.params.get("abs_tolerance", 0.01)),
    }


def _money_costs(p: Project) -> list[Indicator]:
    return [
        i
        for i in p.indicators
        if is_cost(i.level1, i.level2) and i.value.kind == "money" and i.value.normalized is not None
    ]


def _quantities(p: Project) -> list[Indicator]:
    return [
        i
        for i in p.indicators
        if canonical_level2(i.level2) == QUANTITY
        and i.value.kind == "quantity"
        and i.value.normalized
        and i.value.normalized_unit
    ]


def _price_matches(price: Indicator, q: Indicator) -> bool:
    per = price.value.per or ""
    return bool(per) and per in (q.value.unit, q.value.normalized_unit)


def unit_price_totals(p: Project) -> list[tuple[Indicator, Indicator, float]]:
    """(price row, quantity row, price × quantity in 万元) for each unit price with a matching quantity."""
    out = []
    for i in p.indicators:
        if is_cost(i.level1, i.level2) and i.value.kind == "unit_price" and i.value.normalized is not None:
            for q in _quantities(p):
                if _price_matches(i, q):
                    out.append((i, q, i.value.normalized * q.value.normalized / 1e4))
    return out


def _explained_by_quantity(m: Indicator, p: Project, targets: list[float], tol: dict) -> Indicator | None:
    """A quantity row q such that this money amount × q hits one of the targets (a unit price
    written without its '/亩')."""
    for q in _quantities(p):
        if any(close(m.value.normalized * q.value.normalized, t, **tol) for t in targets):
            return q
    return None


@check("unit_missing", fields=("example", "value"))
def unit_missing(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A number with no unit: '85' on a rate, '60万' on a cost row."""
    for p, i in ctx.rows():
        v = i.value
        raw = line_with(i.value_raw)
        if v.kind == "quantity" and v.number is not None and not v.unit and not i.unit_column.strip():
            rate = any(k in i.level3 for k in ctx.lexicon.rate_keywords)
            if rate and v.number <= 1:  # 1 for 100%: a share written as a fraction
                example = raw.replace(format_number(v.number), format_number(v.number * 100)) + "%"
            else:
                example = f"{raw}%" if rate else f"{raw}个（或人、亩、套等）"
            yield rule.finding(raw, project=p, indicator=i, value=raw, example=example)
        elif v.kind == "money" and re.search(r"\d\s*万\s*$", i.value_raw.strip()):
            yield rule.finding(raw, project=p, indicator=i, value=raw, example=f"{raw}元")
        elif (v.unit or "").startswith("/") and is_cost(i.level1, i.level2):
            fixed = re.sub(r"(\d)\s*/", r"\1元/", raw, count=1)  # ≤28.40/株: a price with no money unit
            yield rule.finding(raw, project=p, indicator=i, value=raw, example=fixed)


@check("unit_price_per", fields=("fixed", "per", "quantity", "total", "value"), params=ToleranceParams)
def unit_price_per(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A cost row such as '10元' that only makes sense per 亩: 720亩 × 10元 = 0.72万元 = 预算数."""
    tol = _tol(rule)
    for p in ctx.projects():
        if not p.budget:
            continue
        money = _money_costs(p)
        for m in money:
            if m.value.unit == "万元" or close(m.value.normalized, p.budget, **tol):
                continue
            targets = [p.budget] + [o.value.normalized for o in money if o is not m]
            q = _explained_by_quantity(m, p, targets, tol)
            if q is not None:
                raw = line_with(m.value_raw)
                yield rule.finding(
                    raw,
                    project=p,
                    indicator=m,
                    value=raw,
                    per=q.value.normalized_unit,
                    quantity=line_with(q.value_raw),
                    fixed=f"{raw}/{q.value.normalized_unit}",
                    total=format_number(m.value.normalized * q.value.normalized),
                )


@check("cost_over_budget", fields=("amount", "budget", "value"), params=ToleranceParams)
def cost_over_budget(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A money amount on a cost row above the project's 预算数 (units normalised to 万元 first)."""
    tol = _tol(rule)
    for p in ctx.projects():
        if p.budget is None:
            continue
        for m in _money_costs(p):
            if m.value.normalized > p.budget and not close(m.value.normalized, p.budget, **tol):
                raw = line_with(m.value_raw)
                yield rule.finding(
                    raw,
                    project=p,
                    indicator=m,
                    value=raw,
                    amount=format_number(m.value.normalized),
                    budget=format_number(p.budget),
                )


@check("cost_below_budget", fields=("amount", "budget", "value"), params=ToleranceParams)
def cost_below_budget(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Cost rows that add up to less than the 预算数 and are not explained by unit price × quantity."""
    tol = _tol(rule)
    for p in ctx.projects():
        money = _money_costs(p)
        if not p.budget or not money or any(m.value.normalized > p.budget for m in money):
            continue
        amounts = [m.value.normalized for m in money]
        if any(close(a, p.budget, **tol) for a in amounts) or close(sum(amounts), p.budget, **tol):
            continue
        if max(amounts) < 0.1 * p.budget and not any(find_phrase(m.level3, ctx.lexicon.cost_total_words) for m in money):
            continue  # 参审案件补助 100元: a standard per case, not the project's cost
        if any(close(t, p.budget, **tol) for _, _, t in unit_price_totals(p)):
            continue
        if any(_explained_by_quantity(m, p, [p.budget], tol) for m in money):
            continue  # the unit rule reports it
        m = max(money, key=lambda i: i.value.normalized)
        raw = line_with(m.value_raw)
        yield rule.finding(
            raw, project=p, indicator=m, value=raw, amount=format_number(sum(amounts)), budget=format_number(p.budget)
        )


@check("unit_price_total", fields=("budget", "quantity", "total", "value"), params=ToleranceParams)
def unit_price_total(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Unit price × quantity should equal the 预算数 (or another cost amount): 11个 × 2809.09元/个 = 3.09万元.
    A price may match several rows counted in its unit (服务人口40045人, 老年人健康管理8600人): it is
    flagged only when no such row gives a consistent product, quoting the row that comes closest."""
    tol = _tol(rule)
    for p in ctx.projects():
        if not p.budget:
            continue
        targets = [p.budget] + [m.value.normalized for m in _money_costs(p)]
        pairs: dict[int, list[tuple[Indicator, Indicator, float]]] = {}
        for price, q, total in unit_price_totals(p):
            pairs.setdefault(id(price), []).append((price, q, total))
        for options in pairs.values():
            if any(close(total, t, **tol) for _, _, total in options for t in targets):
                continue
            price, q, total = min(options, key=lambda o: min(abs(o[2] - t) / max(t, 1e-9) for t in targets))
            raw = line_with(price.value_raw)
            yield rule.finding(
                raw,
                project=p,
                indicator=price,
                value=raw,
                quantity=line_with(q.value_raw),
                total=format_number(total),
                budget=format_number(p.budget),
            )


@check("funds_sum", fields=("budget", "fiscal", "other", "parts"))
def funds_sum(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """预算数 = 财政资金 + 其他资金."""
    for p in ctx.projects():
        if p.budget is None or p.fiscal_funds is None:
            continue
        parts = p.fiscal_funds + (p.other_funds or 0.0)
        if abs(parts - p.budget) > 0.005:
            yield rule.finding(
                line_with(p.name),
                project=p,
                budget=format_number(p.budget),
                parts=format_number(parts),
                fiscal=format_number(p.fiscal_funds),
                other=format_number(p.other_funds or 0.0),
            )


@check("implausible_percent", fields=("limit", "value"), params=PercentTestParams)
def implausible_percent(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """params.test: over_100 (a % above 100), rate_ge_100 (≥100% on a rate), growth (a growth rate above
    params.limit %)."""
    test = rule.params.get("test", "over_100")
    limit = float(rule.params.get("limit", 50))
    lex = ctx.lexicon
    for p, i in ctx.rows():
        v = i.value
        if v.kind != "percentage" or v.number is None:
            continue
        growth = any(k in i.level3 for k in lex.growth_keywords)
        rate = any(k in i.level3 for k in lex.rate_keywords)
        raw = line_with(i.value_raw)
        flagged = {
            "over_100": v.number > 100 and not growth,
            "rate_ge_100": rate and not growth and v.operator in (">=", ">") and v.number >= 100,
            "growth": growth and v.number >= limit,
        }.get(test, False)
        if flagged:
            yield rule.finding(raw, project=p, indicator=i, value=raw, limit=format_number(limit))


@check("cost_operator", fields=("value",))
def cost_operator(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """'≥' on a cost ceiling: spending more is not better."""
    for p, i in ctx.rows():
        if (
            is_cost(i.level1, i.level2)
            and i.value.kind in ("money", "unit_price")
            and i.value.operator in (">=", ">")
        ):
            raw = line_with(i.value_raw)
            yield rule.finding(raw, project=p, indicator=i, value=raw)


@check("quantity_operator", fields=("value",))
def quantity_operator(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """'≤' on an output quantity (补助面积 ≤1.55万亩) unless fewer is better (发生数, 事故数)."""
    for p, i in ctx.rows():
        if (
            canonical_level2(i.level2) != QUANTITY
            or i.value.kind != "quantity"
            or i.value.operator not in ("<=", "<")
        ):
            continue
        if any(k in i.level3 + i.description for k in ctx.lexicon.reverse_keywords):
            continue
        raw = line_with(i.value_raw)
        yield rule.finding(raw, project=p, indicator=i, value=raw)


@check("stale_date", fields=("budget_year", "value", "year"))
def stale_date(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A date in a 指标值 before the budget year (文号 and 《》 titles are not dates)."""
    if ctx.year is None:
        return
    for p, i in ctx.rows():
        years = [y for y, _ in years_in(i.value_raw)]
        if i.value.kind == "date" and i.value.year:
            years.append(i.value.year)
        old = sorted(y for y in set(years) if y < ctx.year)
        if old:
            raw = line_with(i.value_raw)
            yield rule.finding(raw, project=p, indicator=i, value=raw, year=old[0], budget_year=ctx.year)


@check("past_tense", fields=("value",))
def past_tense(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """'已完成', '已支付' as a target: the target describes the past, not the budget year."""
    for p, i in ctx.rows():
        if not i.value.past_tense and not _PAST.search(i.value_raw):
            continue
        if ctx.year is not None and any(y < ctx.year for y, _ in years_in(i.value_raw)):
            continue  # the stale-date rule reports it
        raw = line_with(i.value_raw)
        yield rule.finding(raw, project=p, indicator=i, value=raw)


@check("past_tense_text", fields=("field", "text"))
def past_tense_text(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """'此项工作已完成' in the 绩效目标 or 资金用途 text: one finding per project."""
    for p in ctx.projects():
        for label, text in (("绩效目标", p.goal), ("资金用途", p.purpose)):
            m = next((m for m in _PAST.finditer(text or "") if not (text or "")[m.end() : m.end() + 1] == "的"), None)
            if m:  # 已建成的设施 describes what the money maintains, not finished work
                clauses = [c.strip() for c in re.split(r"[，,。；;\n]", text) if m.group(0) in c]
                clause = re.sub(r"^\s*\d+\s*[.、．]\s*", "", clauses[0]) if clauses else m.group(0)
                yield rule.finding(clause, project=p, field=label, text=clause)
                break
