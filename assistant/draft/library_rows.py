"""Choosing indicator-library rows for a project: the sector's entries ranked by how well their cues and
names fit the project's words, per 二级; which 效益 the money is for (降尘 -> 生态效益, 增收 -> 经济效益)
from the intents in draft_templates.yaml. Pure functions over the library data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..categories import ECOLOGICAL, ECONOMIC
from ..library import Entry, Sector, library
from ..tokens import tokenize
from .templates import templates

# What an entry's kind is worth in a slot where the description gave no number: a rate or a zero-event
# count is measurable without knowing the project's size; a typical quantity is a guess.
_KIND_PRIOR = {"rate": 0.6, "date": 0.4, "duration": 0.3, "qualitative": -0.5, "quantity": 0.0, "money": -1.0, "unit_price": -2.0}


_PEOPLE = ("群众", "居民", "市民", "村民", "家长", "学生", "农户", "群众", "患者", "游客", "职工", "对象", "受益")


@dataclass
class Pick:
    entry: Entry
    score: float
    hits: list[str]

    @property
    def guessed(self) -> bool:
        """A typical number the project has not confirmed (≥200人), as opposed to 100%, ≥90%, 0次."""
        e = self.entry
        return e.kind in ("quantity", "money") and not e.value.lstrip("=").startswith("0")


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """Words in more than 2% of the library's names (服务, 项目, 建设): they say nothing about fit."""
    from collections import Counter

    names = [e.name for s in library() for e in s.entries]
    counts = Counter(t for n in names for t in set(tokenize(n)))
    return frozenset(t for t, c in counts.items() if c > 0.02 * len(names))


@lru_cache(maxsize=4096)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in tokenize(text) if len(t) >= 2) - _common()


def overlap(a: str, b: str) -> int:
    """Meaningful words two texts share."""
    return len(_tokens(a) & _tokens(b))


def _score(e: Entry, text: str, words: frozenset[str]) -> tuple[float, list[str]]:
    hits = [c for c in e.cues if c and c in text]
    overlap = len(_tokens(e.name) & words)
    prior = _KIND_PRIOR.get(e.kind, 0.0)
    if e.kind == "quantity" and e.value.lstrip("=").startswith("0"):
        prior = 0.6 if hits else 0.2  # 重特大森林火灾发生次数 0次: only where the project is about fires
    elif e.kind in ("quantity", "money") and not hits:
        prior = -1.5  # a typical number the project never mentioned
    if e.l2 == "服务对象满意度指标" and any(w in e.name for w in _PEOPLE):
        prior += 0.8  # the people served (群众, 家长, 农户), not a counterpart (企业对执法…)
    return 2.0 * len(hits) + 1.0 * overlap + prior, hits


def intents(text: str) -> list[str]:
    """The 效益 二级 the description's purpose calls for beyond 社会效益: 生态效益 for air, water, forests …;
    经济效益 for income, output, grain …"""
    out = []
    for level2, words in templates().get("benefit_intents", {}).items():
        if any(w in text for w in words):
            out.append(level2)
    return out


def pick(sectors: list[tuple[Sector, float]], level2: str, text: str, n: int = 1, taken: tuple[str, ...] = (),
         need_cue: bool = False, embedder=None, avoid_units: tuple[str, ...] = (), need_evidence: bool = False) -> list[Pick]:
    """The best `n` entries under `level2` from the project's sectors (the first sector counts most),
    skipping names already in the table and guessed quantities in a unit the description already
    states (its own number wins); for 生态/经济效益 any sector's entry whose cues the text has. With an
    embedder, meaning (e5) breaks ties between entries whose cues the text lacks."""
    from rapidfuzz import fuzz

    words = _tokens(text)
    pool: list[tuple[Entry, float]] = []
    top = sectors[0][1] if sectors else 0.0
    for rank, (s, conf) in enumerate(sectors[:2]):
        if rank and conf < 0.5 * top:
            break  # a second sector only when the project is nearly as much about it
        weight = 1.0 if rank == 0 else 0.7
        pool += [(e, weight) for e in s.entries if e.l2 == level2]
    if level2 in (ECOLOGICAL, ECONOMIC):  # any sector's entry for what the money is for
        seen = {id(e) for e, _ in pool}
        pool += [(e, 0.6) for s in library() for e in s.entries if e.l2 == level2 and id(e) not in seen
                 and any(c in text for c in e.cues)]
    pool = [
        (e, w) for e, w in pool
        if not any(fuzz.ratio(e.name, t) >= 80 or e.name in t or t in e.name for t in taken)
        and not (e.kind == "quantity" and e.unit and e.unit.split("/")[0].lstrip("万") in avoid_units
                 and not e.value.lstrip("=").startswith("0"))
    ]
    meaning = [0.0] * len(pool)
    if embedder is not None and pool:
        sims = embedder.embed_passages([f"{e.name}：{e.description}" for e, _ in pool]) @ embedder.embed_query(text)
        top = float(max(sims))
        meaning = [20.0 * (float(x) - top) for x in sims]
    scored = []
    for (e, weight), sense in zip(pool, meaning):
        score, hits = _score(e, text, words)
        if need_cue and not hits or need_evidence and not hits and not (_tokens(e.name) & words):
            continue
        scored.append(Pick(e, round(score * weight + sense, 3), hits))
    scored.sort(key=lambda p: -p.score)
    out: list[Pick] = []
    for p in scored:
        if len(out) >= n:
            break
        if any(fuzz.ratio(p.entry.name, o.entry.name) >= 70 for o in out):
            continue
        out.append(p)
    return out
