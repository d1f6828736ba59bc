"""Where drafting finds similar prior-year projects: documents in memory or the knowledge base, ranked
by e5 cosine so "how alike" means the same for both; and the precedent rows our reviewer objects to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..kb.embeddings import Embedder, get_embedder
from ..models import Document, Project
from ..review.reviewer import review_project


@dataclass
class Similar:
    project: Project
    document: str
    score: float


class PrecedentSource(Protocol):
    def similar_projects(self, text: str, k: int = 5) -> list[Similar]: ...


def precedent_text(p: Project) -> str:
    """What a precedent project is compared by: its name, purpose and goal."""
    return f"{p.name} {p.purpose} {p.goal}".strip()


class MemoryPrecedents:
    """Precedents from parsed documents held in memory (tests, leave-one-out, a single upload)."""

    def __init__(self, documents: list[Document], embedder: Embedder | None = None, exclude=None):
        self.embedder = embedder or get_embedder()
        self.items = [
            (p, d.title or d.source_file) for d in documents for p in d.projects
            if not (exclude and exclude(p)) and any(i.value.kind != "placeholder" for i in p.indicators)
        ]
        self.vectors = self.embedder.embed_passages([precedent_text(p) for p, _ in self.items]) if self.items else None

    def similar_projects(self, text: str, k: int = 5) -> list[Similar]:
        if not self.items:
            return []
        scores = self.vectors @ self.embedder.embed_query(text)
        order = np.argsort(-scores)[:k]
        return [Similar(self.items[i][0], self.items[i][1], float(scores[i])) for i in order]


class KnowledgeBasePrecedents:
    """Precedents from the knowledge base: hybrid search over projects, re-ranked by e5 cosine so
    'how alike' means the same thing as in MemoryPrecedents."""

    def __init__(self, kb, exclude=None):
        self.kb, self.exclude = kb, exclude

    def similar_projects(self, text: str, k: int = 5) -> list[Similar]:
        found: list[tuple[Project, str]] = []
        for hit in self.kb.search(text, k=3 * k, grain="project"):
            p = self.kb.project_for(hit)
            if p is None or (self.exclude and self.exclude(p)) or not any(i.value.kind != "placeholder" for i in p.indicators):
                continue
            found.append((p, hit.document))
        if not found:
            return []
        embedder = self.kb.embedder
        scores = embedder.embed_passages([precedent_text(p) for p, _ in found]) @ embedder.embed_query(text)
        ranked = sorted(zip(found, scores), key=lambda fs: float(fs[1]), reverse=True)[:k]
        return [Similar(p, d, float(s)) for (p, d), s in ranked]


def flagged_rows(similar: list[Similar], year: int) -> set[tuple[int, int | None]]:
    """Precedent rows our own reviewer objects to (vague, stale, misfiled…): never copied."""
    out: set[tuple[int, int | None]] = set()
    for s in similar:
        for f in review_project(s.project, year).findings:
            if f.severity in ("error", "warning") and f.location.row is not None:
                out.add((id(s.project), f.location.row))
    return out
