"""The open document as citable passages: every indicator row, every sentence of a project's 资金用途 and
绩效目标, and every sentence of 第一部分 (总体绩效目标, each 分项绩效目标, 工作保障措施) and of the cover.

Each passage carries the Citation an answer quoting it gives: a row by table and row, a project sentence by
table and field, a 第一部分 sentence by section, item and (when the source text is known) line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Citation, Document, Indicator, SourceLocation
from ..values import normalize_text

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])|\n")
_ITEM = re.compile(r"^\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[、.．)）]")


@dataclass
class Passage:
    kind: str  # "row" | "field" (a project's 资金用途/绩效目标 sentence) | "part" (第一部分 or cover)
    label: str  # row: 三级指标; field: 资金用途/绩效目标; part: the section (or 封面)
    text: str  # the passage as quoted: a row's 三级指标 + 描述, or the sentence
    citation: Citation
    table: int | None = None  # 1-based project number
    section: str | None = None
    item: int | None = None  # 分项 number, or 保障措施 item number
    heading: str = ""  # 分项 title / 保障措施 heading: context for matching, not quoted
    indicator: Indicator | None = None
    match: str = field(default="", repr=False)  # normalised text the question is matched against

    @property
    def key(self) -> tuple[str, int | str | None]:
        """What the passage belongs to: ("t", table), ("a", 分项 number) or ("s", section)."""
        if self.table is not None:
            return ("t", self.table)
        if self.section == "分项绩效目标":
            return ("a", self.item)
        return ("s", self.section)

    @property
    def value(self) -> str:
        return self.indicator.value_raw if self.indicator is not None else self.text


def sentences(text: str) -> list[str]:
    """Sentences of a text block (split at 。；！？ and line ends), stripped, non-empty."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def clauses(sentence: str) -> list[str]:
    """A sentence cut at commas too: the unit a span is extracted from."""
    return [c for c in re.split(r"[，,、；;。]", sentence) if c.strip()]


def line_of(source_text: str | None, quote: str) -> int | None:
    """1-based line of the source text where `quote` starts (whitespace-insensitive), if found."""
    if not source_text or not quote:
        return None
    key = normalize_text(quote)[:24]
    for n, line in enumerate(source_text.splitlines(), 1):
        if key and key in normalize_text(line):
            return n
    return None


def row_citation(doc: Document, table: int, name: str, ind: Indicator, quote: str | None = None, field: str = "指标值") -> Citation:
    return Citation(
        document=doc.source_file, project=name, row=ind.source.row, field=field,
        quote=ind.value_raw if quote is None else quote, location=ind.source,
    )


def part_citation(doc: Document, section: str | None, quote: str, item: int | None = None, source_text: str | None = None) -> Citation:
    loc = SourceLocation(file=doc.source_file, section=section, item=item, line=line_of(source_text, quote))
    return Citation(document=doc.source_file, field=section or "封面", quote=quote, location=loc)


def document_passages(doc: Document, source_text: str | None = None) -> list[Passage]:
    out: list[Passage] = []
    for t, p in enumerate(doc.projects, 1):
        for ind in p.indicators:
            text = " ".join(x for x in (ind.level3, ind.description) if x)
            ctx = " ".join([ind.level1, ind.level2, ind.level3, ind.description, ind.unit_column, ind.basis])
            out.append(Passage("row", ind.level3, text, row_citation(doc, t, p.name, ind), t, indicator=ind, match=normalize_text(ctx)))
        for label, block in (("资金用途", p.purpose), ("绩效目标", p.goal)):
            for s in sentences(block):
                c = Citation(document=doc.source_file, project=p.name, field=label, quote=s, location=p.source)
                out.append(Passage("field", label, s, c, t, match=normalize_text(s)))
    for s in sentences(doc.overall_goal):
        out.append(_part(doc, "总体绩效目标", s, None, "", source_text))
    for a in doc.goal_areas:
        for s in sentences(a.goal) + sentences(a.indicators_text):
            out.append(_part(doc, "分项绩效目标", s, a.number, a.title, source_text))
    heading, item = "", None
    for s in sentences(doc.safeguards):
        m = _ITEM.match(s)
        if m:
            item = len({p.item for p in out if p.section == "工作保障措施"}) + 1
            heading = s
        out.append(_part(doc, "工作保障措施", s, item, heading, source_text))
    for line in doc.cover[1:]:
        if len(normalize_text(line)) >= 4:
            out.append(_part(doc, None, line.strip(), None, "", source_text))
    return out


def _part(doc: Document, section: str | None, s: str, item: int | None, heading: str, source_text: str | None) -> Passage:
    c = part_citation(doc, section, s, item, source_text)
    return Passage("part", section or "封面", s, c, section=section, item=item, heading=heading, match=normalize_text(f"{heading} {s}"))
