"""What the knowledge base stores: one record per project and one per indicator row, with ids from
content hashes so re-ingesting a file is idempotent and a changed file replaces exactly what changed.

A document is identified by its origin (where it was read from: a file's full path, or `upload:<content
hash>` for an app upload), never by its file name alone: two offices' 绩效文本.txt are two documents.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..categories import canonical_level1, canonical_level2, clean_name, level1_of_level2
from ..models import Document, Indicator, Project
from ..tokens import TOKENIZER_VERSION, tokenize

PROJECT, INDICATOR = "project", "indicator"
GRAINS = (PROJECT, INDICATOR)
FILTER_KEYS = frozenset(
    {
        "grain",
        "department",
        "year",
        "level1",
        "level2",
        "source_file",
        "origin",
        "doc_id",
        "project",
        "unit_name",
        "unit_code",
        "value_kind",
        "table",
    }
)


@dataclass
class Record:
    id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def _hash(*parts: object, n: int = 32) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:n]


def doc_id_for(origin: str) -> str:
    """The id of the document read from `origin` (a full path, or upload:<hash>). A bare file name gives
    the id documents had when the name was the key, so stores written then are adopted, not doubled."""
    return _hash(origin, n=16)


def doc_key(doc: Document) -> str:
    """The knowledge-base id of a stored document (its origin, or its name for an older store)."""
    return doc_id_for(doc.origin or Path(doc.source_file).name)


UPLOAD = "upload:"


def upload_origin(content_sha: str) -> str:
    """The origin of a document with no path (an app upload, a Document handed over in code): its content."""
    return f"{UPLOAD}{content_sha[:16]}"


def origin_label(origin: str) -> str:
    """Where a document came from, for people: its folder, or 上传的文件."""
    if not origin:
        return ""
    if origin.startswith(UPLOAD):
        return f"上传的文件（内容 {origin[len(UPLOAD):][:8]}）"
    return str(Path(origin).parent)


def _clean(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata takes str/int/float/bool only: drop None."""
    return {k: v for k, v in meta.items() if v is not None}


def project_passage(p: Project) -> str:
    parts = [f"项目名称：{p.name}"]
    if p.purpose:
        parts.append(f"资金用途：{p.purpose}")
    if p.goal:
        parts.append(f"绩效目标：{p.goal}")
    return "\n".join(parts)


def indicator_passage(p: Project, ind: Indicator) -> str:
    """One readable line: 【项目】一级/二级/三级：描述；指标值 …；依据 …"""
    path = "/".join(x for x in (clean_name(ind.level1), clean_name(ind.level2), ind.level3) if x)
    line = f"【{p.name}】{path}"
    if ind.description and ind.description != ind.level3:
        line += f"：{ind.description}"
    line += f"；指标值 {ind.value_raw or '（空）'}"
    if ind.unit_column:
        line += f"（{ind.unit_column}）"
    if ind.basis:
        line += f"；依据 {ind.basis}"
    return line


def _doc_meta(doc: Document, doc_id: str, source: str) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "source_file": source,
        "origin": doc.origin or None,
        "document": doc.title or source,
        "department": doc.department,
        "year": doc.budget_year,
    }


def _record(doc_id: str, text: str, meta: dict[str, Any]) -> dict[str, Record]:
    """Id = hash of document + grain + table + row + content (text and metadata), so any change
    replaces it, and two documents never share a record."""
    meta = _clean(meta) | {"tokens": " ".join(tokenize(text)), "tokenizer": TOKENIZER_VERSION}
    content = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    rid = _hash(doc_id, meta["grain"], meta.get("table"), meta.get("row"), text, content)
    return {rid: Record(rid, text, meta)}


def build_records(doc: Document, doc_id: str | None = None) -> list[Record]:
    """All project and indicator records of a document, in table order."""
    source = Path(doc.source_file).name
    doc_id = doc_id or doc_key(doc)
    base = _doc_meta(doc, doc_id, source)
    out: dict[str, Record] = {}
    for t, p in enumerate(doc.projects, start=1):
        table = p.source.table or t
        text = project_passage(p)
        meta = base | {
            "grain": PROJECT,
            "project": p.name,
            "project_code": p.code,
            "unit_code": p.unit_code,
            "unit_name": p.unit_name,
            "budget": p.budget,
            "table": table,
            "line": p.source.line,
            "n_indicators": len(p.indicators),
        }
        out.update(_record(doc_id, text, meta))
        for r, ind in enumerate(p.indicators, start=1):
            row = ind.source.row or r
            text = indicator_passage(p, ind)
            level2 = canonical_level2(ind.level2)
            meta = base | {
                "grain": INDICATOR,
                "project": p.name,
                "unit_name": p.unit_name,
                "table": table,
                "row": row,
                "line": ind.source.line,
                "level1": canonical_level1(ind.level1) or level1_of_level2(level2),
                "level2": level2,
                "level3": ind.level3,
                "value_kind": ind.value.kind,
                "value_raw": ind.value_raw,
            }
            out.update(_record(doc_id, text, meta))
    return list(out.values())
