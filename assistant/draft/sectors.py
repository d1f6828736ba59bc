"""Sector sense for drafting: where a rate or an indicator name usually sits (its 二级), from the library."""

from __future__ import annotations

from functools import lru_cache

from ..categories import SERVICE_SATISFACTION, TIMELINESS
from ..library import library


@lru_cache(maxsize=2048)
def level2_of(name: str, default: str) -> str:
    """The 二级 staff usually put an indicator under, by the closest library name (≥ 85% alike);
    及时率 and 满意度 by their words; else `default`."""
    if "满意" in name:
        return SERVICE_SATISFACTION
    if "及时" in name:
        return TIMELINESS
    from rapidfuzz import fuzz, process

    names = {e.name: e.l2 for s in library() for e in s.entries}
    hit = process.extractOne(name, list(names), scorer=fuzz.ratio, score_cutoff=85)
    return names[hit[0]] if hit else default
