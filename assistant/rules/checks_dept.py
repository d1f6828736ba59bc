"""Projects against the department's 分项绩效目标 (through the GoalMap built in assistant/goals.py).

Only keyword links count here, so the findings do not depend on whether embeddings were used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..models import Document, Finding, Project, SourceLocation
from ..values import normalize_text
from .checks_goals import content_tokens, indicator_values, maximal
from .engine import Context, Rule, ToleranceParams, check, line_with
from .mentions import find_mentions

if TYPE_CHECKING:
    from ..review.goals import DeptTarget


@check("dept_uncovered", fields=("closest",))
def dept_uncovered(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A project that no 分项绩效目标 covers."""
    gm = ctx.goal_map
    if gm is None or not gm.areas:
        return
    by_name = {pg.project: pg for pg in gm.projects}
    for p in ctx.projects():
        pg = by_name.get(p.name)
        if pg is None or pg.redacted or any(s.by_keywords for s in pg.scores):
            continue
        best = pg.scores[0] if pg.scores else None
        near = best is not None and best.keyword_score >= 0.3
        closest = f"最接近的是“{best.area}、{best.title}”" if near else "与各分项目标没有共同的主题词"
        yield rule.finding(line_with(p.name), project=p, closest=closest)


def _object_words(key: str, ctx: Context) -> list[str]:
    """What a department target counts, as words: '新改建农村公路' -> 改建, 农村公路."""
    stop = set(ctx.lexicon.mapping_stopwords)
    return maximal([w for w in content_tokens(key, ctx.lexicon) if w not in stop])


def _families(p: Project, ctx: Context) -> set[str]:
    """The quantity families a project counts in (its indicator values and goal numbers)."""
    return {f for f, _ in indicator_values(p)} | {
        m.family for m in find_mentions(p.goal, ctx.lexicon.measure_units)
    }


def _funded(t: DeptTarget, ctx: Context) -> bool:
    """Some project (not redacted) names every word of what the target counts and counts something
    of the same kind: 新改建农村公路30公里 needs 改建 and 农村公路 and a length, so a 养护 project on
    农村公路 does not fund it. A target whose object has no words cannot be judged: funded."""
    words = _object_words(t.key, ctx)
    if not words:
        return True
    for p in ctx.projects():
        text = "\n".join([p.name, p.purpose, p.goal] + [f"{i.level3} {i.description}" for i in p.indicators])
        if all(w in text for w in words) and t.family in _families(p, ctx):
            return True
    return False


def _served(area: int, gm) -> bool:
    """A project serves the area on strong keyword evidence: a theme main to both (not a side mention
    of 幼儿园 in a camera project) or its name's words. Shared ordinary words (教育, 新增, 农村公路)
    do not count here."""
    # with a single area every project's words are "rare" in it, so a name alone is weak evidence
    bases = ("theme",) if len(gm.areas) == 1 else ("theme", "name")
    return any(s.area == area and s.by_keywords and s.basis in bases for p in gm.projects for s in p.scores)


@check("dept_unfunded", fields=("area", "note", "targets", "title"))
def dept_unfunded(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """A 分项绩效目标 with numbered targets that no project funds: one finding per area."""
    gm = ctx.goal_map
    if gm is None:
        return
    hidden = len(ctx.redacted)
    note = f"（另有{hidden}个项目内容涉密，无法判断是否由其承担）" if hidden else ""
    for area in gm.areas:
        targets = [t for t in gm.targets if t.area == area.number]
        if not targets or _served(area.number, gm) or any(_funded(t, ctx) for t in targets):
            continue
        listed = "、".join(f"“{t.text}”" for t in targets)
        yield rule.finding(
            targets[0].text,
            location=SourceLocation(file=doc.source_file),
            area=area.number,
            title=area.title,
            targets=listed,
            note=note,
        )


@check("dept_conflict", fields=("area", "target", "total", "unit"), params=ToleranceParams)
def dept_conflict(doc: Document, rule: Rule, ctx: Context) -> Iterator[Finding]:
    """Projects promise more of a quantity than the department's fixed target for it."""
    gm = ctx.goal_map
    if gm is None:
        return
    tol = float(rule.params.get("tolerance", 0.02))
    for t in gm.targets:
        if t.operator == ">=":
            continue  # '以上' is a floor: projects may exceed it
        key = normalize_text(t.key)
        rows = [
            (p, i)
            for p, i in ctx.rows()
            if key
            and key in normalize_text(i.level3)
            and i.value.normalized is not None
            and _family(i) == t.family
        ]
        total = sum(i.value.normalized for _, i in rows)
        if rows and total > t.value * (1 + tol):
            p, i = rows[0]
            yield rule.finding(
                line_with(i.value_raw),
                project=p,
                indicator=i,
                target=t.text,
                area=t.area,
                total=f"{total:g}",
                unit=i.value.normalized_unit or t.unit,
            )


def _family(i) -> str:
    v = i.value
    if v.kind == "money":
        return "万元"
    if v.normalized_unit == "亩":
        return "亩"
    return (v.normalized_unit or v.unit or "")[:1]
