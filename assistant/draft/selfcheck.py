"""Self-review of a draft: our own reviewer checks the table, repairs fix what it objects to, and the
draft carries the findings that remain (never an error)."""

from __future__ import annotations

from ..models import Draft, Finding
from ..review.reviewer import review_project
from .repairs import repair


def review_draft(draft: Draft) -> list[Finding]:
    """The reviewer's findings on the draft's current rows (rows numbered as in the table)."""
    draft.project.indicators = [r.indicator for r in draft.rows]
    for n, ind in enumerate(draft.project.indicators, 1):
        ind.source = ind.source.model_copy(update={"file": "起草稿", "table": 1, "row": n})
    return review_project(draft.project, draft.request.year).findings


def self_review(draft: Draft, max_rounds: int = 2) -> Draft:
    """Review the draft; repair rows the reviewer objects to; drop what cannot be repaired.
    The returned draft carries its remaining (non-error) findings."""
    for _ in range(max_rounds + 1):
        errors = [f for f in review_draft(draft) if f.severity == "error"]
        if not errors:
            break
        repair(draft, errors)
    draft.findings = review_draft(draft)
    return draft
