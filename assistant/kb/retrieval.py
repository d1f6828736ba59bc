"""Keyword side of the knowledge base: BM25 over jieba tokens (assistant.tokens), and reciprocal rank
fusion with the dense ranking."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from ..models import SourceLocation
from ..tokens import TOKEN_KEYS, TOKENIZER_VERSION, tokenize


def stored_tokens(metadata: Mapping[str, Any] | None) -> list[str] | None:
    """Tokens saved at ingest, when they were made by the current tokenizer."""
    m = metadata or {}
    if m.get("tokenizer") == TOKENIZER_VERSION and m.get("tokens"):
        return str(m["tokens"]).split(" ")
    return None


def public_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """Metadata without the stored tokens, sorted by key, as shown in a Hit."""
    return {k: v for k, v in sorted((metadata or {}).items()) if k not in TOKEN_KEYS}


def matches(metadata: Mapping[str, Any], filters: Mapping[str, Any] | None) -> bool:
    """Python twin of `where_clause`: equality, or membership when the filter value is a list."""
    for key, want in (filters or {}).items():
        have = metadata.get(key)
        if isinstance(want, (list, tuple, set)):
            if have not in want:
                return False
        elif have != want:
            return False
    return True


def where_clause(filters: Mapping[str, Any] | None) -> dict | None:
    """Chroma `where` for the same filters (None when there are none)."""
    parts = []
    for key, want in (filters or {}).items():
        if isinstance(want, (list, tuple, set)):
            parts.append({key: {"$in": list(want)}})
        else:
            parts.append({key: {"$eq": want}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


class KeywordIndex:
    """BM25 over a fixed set of records; rebuilt from the store whenever the store changes."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[Mapping[str, Any]]):
        import bm25s

        self.ids = list(ids)
        self.texts = list(texts)
        self.metadatas = [public_metadata(m) for m in metadatas]
        self._bm25 = None
        if self.ids:
            corpus = [stored_tokens(m) or tokenize(t) or [""] for t, m in zip(self.texts, metadatas)]
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, n: int, filters: Mapping[str, Any] | None = None) -> list[tuple[int, float]]:
        """(position, score) of the best `n` records with a positive score that pass the filters."""
        tokens = tokenize(query)
        if self._bm25 is None or not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        order = np.argsort(-scores, kind="stable")
        out: list[tuple[int, float]] = []
        for i in order:
            if scores[i] <= 0 or len(out) >= n:
                break
            if matches(self.metadatas[i], filters):
                out.append((int(i), float(scores[i])))
        return out


def rrf(rankings: Iterable[Sequence[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings an id appears in."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, rid in enumerate(ranking, start=1):
            fused[rid] = fused.get(rid, 0.0) + 1.0 / (k + rank)
    return fused


class Hit(BaseModel):
    """One search result with enough context to cite it and to load its project."""

    id: str
    grain: Literal["project", "indicator"]
    score: float
    text: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    location: SourceLocation = Field(default_factory=SourceLocation)
    project: str = ""
    document: str = ""
    doc_id: str = ""
    dense_rank: int | None = None
    bm25_rank: int | None = None


def make_hit(rid: str, text: str, meta: Mapping[str, Any], score: float) -> Hit:
    meta = public_metadata(meta)
    loc = SourceLocation(
        file=meta.get("source_file", ""), table=meta.get("table"), row=meta.get("row"), line=meta.get("line")
    )
    return Hit(
        id=rid,
        grain=meta.get("grain", "project"),
        score=score,
        text=text or "",
        metadata=meta,
        location=loc,
        project=meta.get("project", ""),
        document=meta.get("document", ""),
        doc_id=meta.get("doc_id", ""),
    )


def format_hits(hits: list[Hit], fmt: str = "text") -> str:
    """Hits as JSON (a list of Hit objects) or as numbered Chinese lines with score and source."""
    if fmt == "json":
        return json.dumps([h.model_dump(mode="json") for h in hits], ensure_ascii=False, indent=2)
    if not hits:
        return "未找到相关结果。"
    lines = []
    for n, h in enumerate(hits, start=1):
        head = h.project if h.grain == "project" else f"{h.project} / {h.metadata.get('level3', '')}"
        lines.append(f"{n}. [{h.score:.4f}] {head}")
        lines.append(f"   出处：{h.location.label()}")
        lines.append("   " + h.text.replace("\n", " ")[:160])
    return "\n".join(lines)
