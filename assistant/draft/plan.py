"""What both drafting engines start from: the description's quantities, the project's sector, which 效益
the money is for, and the prior-year projects that are really alike (same sector, similar enough).

A precedent from another sector is never used: a weak knowledge-base precedent is worse than the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..kb.embeddings import Embedder
from ..library import Sector, sector_of
from ..models import DraftRequest
from .library_rows import intents
from .precedents import PrecedentSource, Similar, flagged_rows
from .quantities import read_description
from .reading import Reading
from .rows import Candidate, is_measurable

WEAK_SIMILARITY = 0.875  # e5 cosine below which a precedent project of unknown sector is not really alike
SAME_SECTOR_SIMILARITY = 0.86  # ... and one of the same sector (the sector match already says much)
ROW_FIT_MIN = 0.866  # e5 cosine between a precedent row and the description below which it does not fit
RECURRING = re.compile(r"运转|运行|维护|运维|经费|保险|工资|补助|补贴|日常|服务费|保洁|养护|管护|租赁|物业")


@dataclass
class Plan:
    req: DraftRequest
    reading: Reading
    sectors: list[tuple[Sector, float]] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)  # 生态效益指标 / 经济效益指标 the purpose calls for
    similar: list[Similar] = field(default_factory=list)  # all the knowledge base returned
    alike: list[Similar] = field(default_factory=list)  # same sector and similar enough to borrow rows from
    pool: list[Candidate] = field(default_factory=list)  # usable rows of `alike`, best first

    @property
    def text(self) -> str:
        r = self.req
        return f"{r.name} {r.purpose} {r.hints}".strip()

    @property
    def sector(self) -> Sector | None:
        return self.sectors[0][0] if self.sectors else None

    @property
    def recurring(self) -> bool:
        """Money spent through the year (运维, 补助 paid monthly) rather than by a deadline."""
        return bool(RECURRING.search(self.req.name)) or any(
            q.kind == "standard" and any(p in ("月", "年", "日") for p in q.per) for q in self.reading.quantities
        )


def _same_sector(s: Similar, sectors: list[tuple[Sector, float]]) -> bool:
    """A precedent may lend rows only when it is about the same sector as the new project (or neither
    project's words name a sector)."""
    theirs = sector_of(s.project.name, s.project.purpose)
    if not sectors or not theirs:
        return not sectors and not theirs
    return theirs[0][0].id in {x.id for x, _ in sectors[:2]}


def _ranked(pool: list[Candidate], text: str, embedder: Embedder) -> list[Candidate]:
    """Candidates whose row fits the description, best first: project similarity x row quality x fit."""
    if not pool:
        return []
    vecs = embedder.embed_passages([f"{c.indicator.level3} {c.indicator.description}" for c in pool])
    fit = vecs @ embedder.embed_query(text)
    scored = []
    for c, f in zip(pool, fit):
        if float(f) < ROW_FIT_MIN:
            continue
        quality = 1.0 if is_measurable(c.indicator) else 0.6
        scored.append((c.similarity * quality * float(f), c))
    return [c for _, c in sorted(scored, key=lambda sc: sc[0], reverse=True)]


def make_plan(req: DraftRequest, precedents: PrecedentSource, embedder: Embedder) -> Plan:
    purpose = "，".join(x for x in (req.purpose, req.hints) if x)
    reading = read_description(purpose, req.year, req.budget, req.name)
    sectors = sector_of(req.name, purpose, req.department or req.unit_name)
    plan = Plan(req, reading, sectors, intents(f"{req.name} {purpose}"))
    plan.similar = precedents.similar_projects(plan.text, k=5)
    plan.alike = [
        s for s in plan.similar
        if _same_sector(s, sectors) and s.score >= (SAME_SECTOR_SIMILARITY if sectors else WEAK_SIMILARITY)
    ]
    flagged = flagged_rows(plan.alike, req.year)
    pool = [
        Candidate(i, s.project, s.document, s.score) for s in plan.alike for i in s.project.indicators
        if i.value.kind != "placeholder" and (id(s.project), i.source.row) not in flagged
    ]
    plan.pool = _ranked(pool, plan.text, embedder)
    return plan
