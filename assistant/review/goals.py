"""Department goals: which 分项绩效目标 each project serves, and which numbered targets no project funds.

Keywords decide (themes from rules/lexicon.yaml, distinctive words of the project's name, shared
jieba words); embeddings, when an embedder is given, rank areas and may add a link where keywords
are weak but point the same way.
Findings built on the map (rules/checks_dept.py) use keyword links only, so a review gives the same
answer with or without the embedding model.
"""

from __future__ import annotations

import math
import re
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from ..models import Document, GoalArea, Project
from ..rules.checks_cells import redacted_projects
from ..rules.checks_goals import content_tokens, maximal
from ..rules.engine import Lexicon, load_lexicon
from ..rules.mentions import find_mentions

_DOC_NO = re.compile(r"^.*?[\[【〔(（]\s*(19|20)\d{2}\s*[\]】〕)）]\s*\d+\s*号(文)?\s*[—\-－–]*")
_LEAD = ("力争", "全年", "年度", "今年", "完成", "实现", "确保", "累计", "计划", "年", "新建成", "为")
_TRAIL = ("工作", "任务", "治理", "建设", "修复", "的")


class AreaLink(BaseModel):
    area: int
    title: str
    score: float  # 0..1: keywords, blended with embeddings when available
    keyword_score: float
    embedding_score: float | None = None  # 0..1, relative to the project's other areas
    linked: bool = False  # the project serves this area
    by_keywords: bool = False  # linked on keyword evidence alone
    # what the keyword score rests on: a theme main to both texts, a theme main to the area only
    # (a side topic of the project), the project's name, or shared words
    basis: Literal["theme", "side_theme", "name", "words", ""] = ""
    shared: list[str] = Field(default_factory=list)  # themes or words both texts name


class ProjectGoals(BaseModel):
    project: str
    table: int | None = None
    redacted: bool = False  # a 密 table: nothing to map
    scores: list[AreaLink] = Field(default_factory=list)  # every area, best first

    @property
    def links(self) -> list[AreaLink]:
        return [s for s in self.scores if s.linked]


class DeptTarget(BaseModel):
    """A number in a 分项绩效目标: 新增耕地2000亩, 26处历史遗留矿山, 营造林0.5万亩以上."""

    area: int
    text: str  # verbatim
    key: str  # what is counted: 新增耕地, 历史遗留矿山, 营造林
    number: float
    unit: str
    family: str
    value: float  # in 亩 / 万元 / count
    operator: str


class GoalMap(BaseModel):
    method: Literal["keywords", "keywords+embeddings"] = "keywords"
    areas: list[GoalArea] = Field(default_factory=list)
    projects: list[ProjectGoals] = Field(default_factory=list)
    targets: list[DeptTarget] = Field(default_factory=list)

    def areas_for(self, project: str) -> list[AreaLink]:
        return next((p.links for p in self.projects if p.project == project), [])

    def projects_for(self, area: int, keywords_only: bool = False) -> list[tuple[str, float]]:
        out = []
        for p in self.projects:
            for s in p.scores:
                if s.area == area and (s.by_keywords if keywords_only else s.linked):
                    out.append((p.project, s.score))
        return sorted(out, key=lambda x: -x[1])

    def unfunded_areas(self) -> list[GoalArea]:
        """Areas no project serves."""
        return [a for a in self.areas if not self.projects_for(a.number)]

    def uncovered_projects(self) -> list[ProjectGoals]:
        """Projects no area covers (redacted tables excepted)."""
        return [p for p in self.projects if not p.redacted and not p.links]


def goal_match_text(p: Project) -> str:
    """Name (without its 文号 prefix), 资金用途, 绩效目标 and the 三级 names."""
    name = _DOC_NO.sub("", p.name)
    return "\n".join([name, p.purpose, p.goal] + [i.level3 for i in p.indicators])


def embedding_text(p: Project, limit: int = 120) -> str:
    """A short text for the embedding model: name, 资金用途 and 绩效目标 (long texts cost time)."""
    return "\n".join([_DOC_NO.sub("", p.name), p.purpose, p.goal])[:limit]


def area_text(a: GoalArea) -> str:
    return f"{a.title}\n{a.goal}\n{a.indicators_text}"


def themes(text: str, lex: Lexicon) -> dict[str, int]:
    """Theme -> number of its terms found in `text`."""
    out = {}
    for name, terms in lex.topics.items():
        n = sum(text.count(t) for t in terms)
        if n:
            out[name] = n
    return out


def _area_themes(a: GoalArea, lex: Lexicon) -> tuple[dict[str, int], set[str]]:
    """All themes of an area (title counts double) and its main ones (at least half the top weight)."""
    w = themes(a.title, lex)
    for k, n in themes(a.goal + "\n" + a.indicators_text, lex).items():
        w[k] = w.get(k, 0) * 2 + n
    top = max(w.values(), default=0)
    return w, {k for k, n in w.items() if n >= 0.5 * top}


def _strip(key: str, start: int, words: tuple[str, ...], lead: bool) -> tuple[str, int]:
    changed = True
    while changed and key:
        changed = False
        for w in words:
            if lead and key.startswith(w):
                key, start, changed = key[len(w) :], start + len(w), True
            elif not lead and key.endswith(w) and len(key) > len(w):
                key, changed = key[: -len(w)], True
    return key, start


def extract_targets(a: GoalArea, lex: Lexicon) -> list[DeptTarget]:
    """Counted targets in an area's text and what they count: the words just before the number
    (新增耕地2000亩) or, when only verbs stand there, just after it (完成26处历史遗留矿山治理工作)."""
    out = []
    for text in (a.goal, a.indicators_text):
        for m in find_mentions(text, lex.measure_units):
            key, evidence = "", ""
            run = re.search(r"[\u4e00-\u9fff]+$", text[: m.start])
            if run:
                key, start = _strip(run.group(0), run.start(), _LEAD, lead=True)
                evidence = text[start : m.end]
            if not key:
                tail = re.match(r"[\u4e00-\u9fff]+", text[m.end :])
                if tail:
                    key, _ = _strip(tail.group(0), 0, _TRAIL, lead=False)
                    evidence = text[m.start : m.end + len(key)]
            if key:
                out.append(
                    DeptTarget(
                        area=a.number,
                        text=evidence,
                        key=key,
                        number=m.number,
                        unit=m.unit,
                        family=m.family,
                        value=m.value,
                        operator=m.operator,
                    )
                )
    return out


def _words(text: str, lex: Lexicon) -> set[str]:
    stop = set(lex.mapping_stopwords)
    return {t for t in content_tokens(text, lex) if t not in stop}


def _token_scores(doc: Document, lex: Lexicon) -> tuple[list[set[str]], dict[str, float]]:
    area_tokens = [_words(area_text(a), lex) for a in doc.goal_areas]
    n = max(len(area_tokens), 1)
    df: dict[str, int] = {}
    for toks in area_tokens:
        for t in toks:
            df[t] = df.get(t, 0) + 1
    # with a single area every word is in every area: weigh words equally instead of by rarity
    idf = {t: math.log(n / d) if n > 1 else 1.0 for t, d in df.items()}
    return area_tokens, idf


def keyword_score(
    p_themes: set[str],
    p_words: set[str],
    weights: dict[str, int],
    main: set[str],
    a_words: set[str],
    idf: dict[str, float],
    name_words: set[str] | frozenset[str] = frozenset(),
    p_main: set[str] | None = None,
) -> tuple[float, list[str], str]:
    """0..1, the shared evidence and its basis (see AreaLink.basis). A shared main theme links.
    So does the project's name: two distinctive words of it in the area's text (治超检测站运行经费
    and "治超检测站全年运行"). Otherwise, where the theme lexicon knows the area, shared words alone
    never link it; where it does not (another kind of department), two distinctive shared words link."""
    rare = math.log(2) - 1e-9  # a word in at most half the areas tells areas apart
    words = sorted(t for t in p_words & a_words if idf.get(t, 0) >= rare)
    named = sorted(t for t in name_words & a_words if idf.get(t, 0) >= rare)
    shared_main, shared_any = sorted(p_themes & main), sorted(p_themes & set(weights))
    if shared_main:
        side = p_main is not None and not set(shared_main) & p_main
        return 1.0, shared_main, "side_theme" if side else "theme"
    if len(named) >= 2:
        return 0.75, named, "name"
    if weights:
        if shared_any:
            return 0.3, shared_any, "theme"
        return min(0.3, 0.1 * len(words)), words, "words"
    return min(0.75, 0.25 * len(words)), words, "words"


def _embedding_scores(doc: Document, embedder) -> np.ndarray:
    """Per project, each area's cosine rescaled to 0..1 between the project's mean and best area."""
    areas = embedder.embed_passages([area_text(a)[:120] for a in doc.goal_areas])
    projs = embedder.embed_passages([embedding_text(p) for p in doc.projects])
    sims = projs @ areas.T
    mean = sims.mean(axis=1, keepdims=True)
    top = sims.max(axis=1, keepdims=True)
    return np.clip((sims - mean) / np.maximum(top - mean, 1e-6), 0.0, 1.0), sims


def map_goals(
    doc: Document,
    embedder=None,
    *,
    lexicon: Lexicon | None = None,
    min_score: float = 0.5,
    margin: float = 0.02,
) -> GoalMap:
    """Map each project to the 分项绩效目标 it serves. Without `embedder` the map uses keywords only
    (pure and fast); with one (assistant.kb.embeddings.get_embedder()) scores blend in cosine similarity."""
    lex = lexicon or load_lexicon()
    gm = GoalMap(areas=[a.model_copy() for a in doc.goal_areas])
    if not doc.goal_areas:
        return gm
    gm.targets = [t for a in doc.goal_areas for t in extract_targets(a, lex)]
    hidden = redacted_projects(doc, lex)
    area_themes = [_area_themes(a, lex) for a in doc.goal_areas]
    area_tokens, idf = _token_scores(doc, lex)
    emb = sims = None
    if embedder is not None and doc.projects:
        emb, sims = _embedding_scores(doc, embedder)
        gm.method = "keywords+embeddings"
    for n, p in enumerate(doc.projects):
        pg = ProjectGoals(project=p.name, table=p.source.table, redacted=n in hidden)
        if pg.redacted:
            gm.projects.append(pg)
            continue
        text = goal_match_text(p)
        counts = themes(text, lex)
        p_themes = set(counts)
        top = max(counts.values(), default=0)
        p_main = {k for k, n in counts.items() if n >= 0.5 * top}
        p_words = _words(text, lex)
        name_words = set(maximal(sorted(_words(_DOC_NO.sub("", p.name), lex))))  # 卫生室, not 卫生
        second = sorted(sims[n])[-2] if sims is not None and len(doc.goal_areas) > 1 else None
        for k, a in enumerate(doc.goal_areas):
            weights, main = area_themes[k]
            kw, shared, basis = keyword_score(
                p_themes, p_words, weights, main, area_tokens[k], idf, name_words, p_main
            )
            link = AreaLink(
                area=a.number,
                title=a.title,
                keyword_score=round(kw, 3),
                score=round(kw, 3),
                shared=shared,
                basis=basis if kw > 0 else "",
            )
            link.by_keywords = link.linked = kw >= min_score
            if emb is not None:
                e = float(emb[n, k])
                link.embedding_score = round(e, 3)
                link.score = round(0.7 * kw + 0.3 * e, 3)
                decisive = e >= 1.0 and second is not None and float(sims[n, k]) - second >= margin
                link.linked = link.by_keywords or (kw > 0 and decisive)
            pg.scores.append(link)
        pg.scores.sort(key=lambda s: (-s.score, s.area))
        gm.projects.append(pg)
    return gm
