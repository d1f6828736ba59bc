"""Grounding: the text a Citation points at, and whether its quote is really there."""

from __future__ import annotations

from ..models import Citation, Document, Indicator, Project
from ..values import format_wan, normalize_text


def _project(doc: Document, c: Citation) -> Project | None:
    if c.location.table is not None and 1 <= c.location.table <= len(doc.projects):
        return doc.projects[c.location.table - 1]
    return next((p for p in doc.projects if c.project and p.name == c.project), None)


def row_grounding_text(ind: Indicator) -> str:
    return " ".join([ind.level1, ind.level2, ind.level3, ind.description, ind.value_raw, ind.basis, ind.unit_column, ind.actual_raw, ind.operator_column, ind.weight, ind.score, ind.reason])


def project_grounding_text(p: Project) -> str:
    plan = " ".join(p.spending_plan.raw)
    money = " ".join(format_wan(v) for v in (p.budget, p.fiscal_funds, p.other_funds, p.mid_budget) if v is not None)
    return " ".join([p.unit_code, p.unit_name, p.code, p.name, money, p.purpose, plan, p.goal])


def part_one_text(doc: Document) -> str:
    areas = " ".join(f"{a.title} {a.goal} {a.indicators_text}" for a in doc.goal_areas)
    return " ".join([doc.title, " ".join(doc.cover), doc.overall_goal, areas, doc.safeguards])


def cited_text(doc: Document, c: Citation) -> str | None:
    """The source text a citation points at: a row, a project's header block, or part one."""
    p = _project(doc, c)
    if p is None:
        return part_one_text(doc) if c.project is None else None
    if c.location.row is not None:
        if 1 <= c.location.row <= len(p.indicators):
            return row_grounding_text(p.indicators[c.location.row - 1])
        return None
    return project_grounding_text(p)


def is_grounded(doc: Document, c: Citation) -> bool:
    """True when the cited quote occurs (whitespace-insensitively) in the text it points at."""
    text = cited_text(doc, c)
    if text is None or not c.quote.strip():
        return False
    return normalize_text(c.quote) in normalize_text(text)


def locate(doc: Document, c: Citation) -> Citation | None:
    """The citation itself when grounded; else the same quote pinned to the row (or project header,
    or part one) of its project where it really occurs; None when it occurs nowhere."""
    if is_grounded(doc, c):
        return c
    quote = normalize_text(c.quote)
    if not quote:
        return None
    projects = [p for p in doc.projects if not c.project or p.name == c.project] or doc.projects
    for p in projects:
        for ind in p.indicators:
            if quote in normalize_text(row_grounding_text(ind)):
                return c.model_copy(update={"project": p.name, "row": ind.source.row, "location": ind.source})
        if quote in normalize_text(project_grounding_text(p)):
            return c.model_copy(update={"project": p.name, "row": None, "location": p.source})
    if quote in normalize_text(part_one_text(doc)):
        return c.model_copy(update={"project": None, "row": None, "location": c.location.model_copy(update={"table": None, "row": None})})
    return None
