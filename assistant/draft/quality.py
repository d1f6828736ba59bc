"""Quality measures of a drafted table, shared by the engines (LLM revisions) and the draft eval suite:
required categories present, share of quantified values, cost row equal to the budget, coverage of a
reference table's 三级 names (semantic match by e5 cosine)."""

from __future__ import annotations

from ..categories import (
    BENEFIT,
    COST,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    TIMELINESS,
    canonical_level1,
    canonical_level2,
)
from ..kb.embeddings import Embedder, get_embedder
from ..models import Project

QUANTIFIED = {"quantity", "percentage", "money", "unit_price", "date", "duration"}
REQUIRED_LEVEL2 = (QUANTITY, QUALITY, TIMELINESS, COST)
COVER_SAME_LEVEL2 = 0.935  # e5 cosine for two 三级 names under the same 二级 to count as the same indicator
COVER_ANY = 0.97  # ... and under different 二级 names


def missing_categories(project: Project) -> list[str]:
    """Required 二级 (产出: 数量/质量/时效/成本), at least one 效益 and one 满意度 row."""
    have = {canonical_level2(i.level2) for i in project.indicators}
    level1 = {canonical_level1(i.level1) for i in project.indicators}
    missing = [c for c in REQUIRED_LEVEL2 if c not in have]
    missing += [c for c in (BENEFIT, SATISFACTION) if c not in level1]
    return missing


def quantified_rate(project: Project) -> float:
    rows = project.indicators
    return sum(1 for i in rows if i.value.kind in QUANTIFIED and not i.value.past_tense) / max(len(rows), 1)


def cost_matches_budget(project: Project) -> bool:
    costs = [i for i in project.indicators if canonical_level2(i.level2) == COST and i.value.kind == "money"]
    return any(abs((i.value.normalized or 0) - (project.budget or 0)) < 0.005 for i in costs)


def coverage(draft: Project, reference: Project, embedder: Embedder | None = None) -> tuple[float, list[str]]:
    """Share of the reference's 三级 names that some drafted row matches, and the unmatched names."""
    refs = [i for i in reference.indicators if i.value.kind != "placeholder" and i.level3]
    if not refs:
        return 1.0, []
    ours = draft.indicators
    if not ours:
        return 0.0, [i.level3 for i in refs]
    e = embedder or get_embedder()
    sims = e.embed_passages([i.level3 for i in refs]) @ e.embed_passages([i.level3 for i in ours]).T
    missed = []
    for ref, row in zip(refs, sims):
        same = [float(s) for s, o in zip(row, ours) if canonical_level2(o.level2) == canonical_level2(ref.level2)]
        if not (max(same, default=0.0) >= COVER_SAME_LEVEL2 or float(row.max()) >= COVER_ANY):
            missed.append(ref.level3)
    return 1 - len(missed) / len(refs), missed
