"""The indicator library: for each sector, the 三级指标 county staff commonly set (data in
assistant/data/library/*.yaml, schema in its README), and recognising a project's sector from its words.

    from assistant.library import library, sector_of, entries_for, search
    sector_of("雾炮车抑尘降尘服务", "对城区主次干道开展每日不少于2次的雾炮降尘作业")  # [(城管和环卫, 0.8), ...]
    entries_for("sanitation", "生态效益指标")                                       # that sector's 生态效益 rows
    search("空气质量")                                                              # entries of any sector

Pure data and lexical matching: no embeddings, no I/O beyond reading the bundled YAML once. A file that
breaks the schema fails when the library loads, naming the file and the entry.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .categories import canonical_level2
from .errors import InputError
from .yamlfile import read_yaml

LIBRARY_DIR = Path(__file__).resolve().parent / "data" / "library"
TEMPLATE_YEAR = 2025  # dates in the library are written for this year; drafting moves them to the budget year

Level1 = Literal["产出指标", "效益指标", "满意度指标"]
Level2 = Literal[
    "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
    "可持续影响指标", "服务对象满意度指标",
]
Kind = Literal["quantity", "rate", "date", "duration", "money", "unit_price", "qualitative"]


class Entry(BaseModel):
    """One indicator row as staff commonly set it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    l1: Level1
    l2: Level2
    l2_101: str  # the 二级 under the four-一级 layout of 财预〔2021〕101号
    name: str = Field(min_length=2)
    kind: Kind
    op: Literal[">=", "<=", "=", ""] = ""
    unit: str = ""
    value: str = Field(min_length=1)  # typical value as written: ≥3000平方米, 100%, ≤{budget}万元
    basis: str = Field(min_length=2)
    cues: list[str] = Field(default_factory=list)  # words in a description that make this row apply
    description: str = Field(min_length=2)
    sector: str = ""  # the sector id, filled in by the loader

    @property
    def is_total_cost(self) -> bool:
        return "{budget}" in self.value

    def value_for(self, year: int, budget: float | None = None) -> str:
        """The typical value for a project: the budget-year date, the project's budget on the cost row."""
        v = self.value.replace(str(TEMPLATE_YEAR), str(year))
        if budget is not None:
            from .values import format_number

            v = v.replace("{budget}", format_number(budget))
        return v


class Sector(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z_]+$")
    sector: str  # display name: 教育
    aliases: list[str] = Field(default_factory=list)  # department names: 教育局, 教体局
    keywords: list[str] = Field(min_length=3)
    entries: list[Entry] = Field(min_length=1)

    @field_validator("entries")
    @classmethod
    def _one_total_cost(cls, entries: list[Entry]) -> list[Entry]:
        if sum(e.is_total_cost for e in entries) != 1:
            raise ValueError("应有且只有一条成本总额行（value 含 {budget}）")
        return entries

    @model_validator(mode="after")
    def _stamp(self) -> Sector:
        object.__setattr__(self, "entries", [e.model_copy(update={"sector": self.id}) for e in self.entries])
        return self


def _load(path: Path) -> Sector:
    data = read_yaml(path, "指标库文件", shown=f"指标库/{path.name}")
    try:
        s = Sector.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise InputError(f"指标库文件「{path.name}」格式错误：字段「{where}」{err['msg']}。") from None
    if s.id != path.stem:
        raise InputError(f"指标库文件「{path.name}」的 id「{s.id}」应与文件名「{path.stem}」一致。")
    return s


@lru_cache(maxsize=4)
def library(folder: Path = LIBRARY_DIR) -> tuple[Sector, ...]:
    """Every sector of the library, in file-name order (loaded once, validated strictly)."""
    return tuple(_load(p) for p in sorted(Path(folder).glob("*.yaml")))


def sector(sector_id: str) -> Sector:
    """One sector by id or display name; InputError naming the known ones when absent."""
    for s in library():
        if sector_id in (s.id, s.sector):
            return s
    raise InputError(f"指标库中没有领域「{sector_id}」。可用：{'、'.join(s.sector for s in library())}。")


def entries_for(sector_id: str, l2: str | None = None) -> list[Entry]:
    """A sector's entries, optionally only those under one 二级 (any spelling: 数量 / 数量指标)."""
    entries = sector(sector_id).entries
    if l2 is None:
        return list(entries)
    want = canonical_level2(l2 if l2.endswith("指标") else l2 + "指标")
    return [e for e in entries if e.l2 == want]


def _weight(word: str) -> float:
    """Longer words are more specific: 城乡居民医保 says more than 医保."""
    return min(2.0, 0.5 + 0.25 * len(word))


def _hits(words: list[str], text: str) -> list[str]:
    """Words found in text, dropping a word found only inside a longer found word."""
    found = [w for w in dict.fromkeys(words) if w and w in text]
    return [w for w in found if not any(w != o and w in o for o in found)]


def sector_scores(name: str, purpose: str = "", department: str = "") -> list[tuple[Sector, float, list[str]]]:
    """(sector, raw score, matched words) for every sector with any evidence, best first.

    A keyword counts twice in the project name (the name says what the money is for), once in the
    purpose; a department alias (教育局) counts like a name keyword; entry cues add a little."""
    name, purpose, department = (re.sub(r"\s+", "", t or "") for t in (name, purpose, department))
    out = []
    for s in library():
        in_name = _hits(s.keywords, name)
        in_purpose = [w for w in _hits(s.keywords, purpose) if w not in in_name]
        aliases = _hits(s.aliases, f"{department} {name} {purpose}")
        cues = _hits([c for e in s.entries for c in e.cues if len(c) >= 2], f"{name} {purpose}")
        # the head of a Chinese name is at its end (…医保资助 is about 资助): later words weigh more
        head = [1 + 0.5 * (name.rfind(w) + len(w)) / max(len(name), 1) for w in in_name]
        score = (
            2 * sum(_weight(w) * h for w, h in zip(in_name, head))
            + sum(map(_weight, in_purpose))
            + 2 * sum(map(_weight, aliases))
            + 0.15 * min(len(cues), 6)
        )
        if in_name or in_purpose or aliases:
            out.append((s, score, in_name + in_purpose + aliases))
    return sorted(out, key=lambda x: -x[1])


def sector_of(name: str, purpose: str = "", department: str = "") -> list[tuple[Sector, float]]:
    """The sectors a project belongs to, best first, each with a confidence in 0..1 (share of the
    evidence, damped when there is little of it). Empty when no sector's words occur."""
    scored = sector_scores(name, purpose, department)
    if not scored:
        return []
    total = sum(s for _, s, _ in scored)
    return [(sec, round(s / total * min(1.0, s / 3), 3)) for sec, s, _ in scored]


def search(query: str, limit: int = 20, sector_id: str | None = None) -> list[tuple[Entry, float]]:
    """Entries whose name, cues or description share words with the query, best first (for browsing
    the library and for finding the usual 二级 of an indicator name)."""
    from rapidfuzz import fuzz

    q = re.sub(r"\s+", "", query or "")
    if not q:
        return []
    pool = [e for s in library() if sector_id in (None, s.id, s.sector) for e in s.entries]
    scored = []
    for e in pool:
        score = max(fuzz.partial_ratio(q, e.name), 0.8 * fuzz.partial_ratio(q, e.description))
        if any(c in q for c in e.cues):
            score += 10
        if score >= 60:
            scored.append((e, round(score / 110, 3)))
    return sorted(scored, key=lambda x: -x[1])[:limit]
