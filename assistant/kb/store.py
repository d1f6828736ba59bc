"""Chroma plumbing: the client (embedded on disk or a shared server, same code, every server call under
a timeout), our registered embedding function, the parsed-document store beside the vectors, and
`store_errors`, which turns any failure of the store into a StoreError with a Chinese message.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import chromadb
from chromadb import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from ..endpoint import run_bounded
from ..errors import AssistantError, ConfigError, LLMTimeout, StoreError
from ..models import Document
from ..settings import Settings, get_settings
from .embeddings import Embedder

EF_NAME = "jixiao_embedder"
F = TypeVar("F", bound=Callable[..., Any])


def store_failure(settings: Settings, exc: BaseException) -> StoreError:
    """The Chinese message for a store that failed mid-operation."""
    name = type(exc).__name__
    if settings.chroma_host:
        where = f"{settings.chroma_host}:{settings.chroma_port}"
        return StoreError(
            f"知识库服务 {where} 无响应或连接中断（{name}，每次调用限时 {settings.chroma_timeout:g} 秒）。"
            "已入库的内容不会丢失：请确认 chroma 服务在运行后重试（中断的入库会从中断处继续），"
            "或清空 JIXIAO_CHROMA_HOST 改用本机知识库。"
        )
    return StoreError(
        f"本机知识库（{settings.chroma_dir}）读写失败（{name}）：请确认磁盘空间与目录权限后重试。"
    )


def store_errors(method: F) -> F:
    """Methods of an object with `.settings`: a failure of the store (a frozen or dead Chroma server, a
    broken local store) becomes a StoreError; our own errors pass through unchanged."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except AssistantError:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb, httpx and sqlite raise many kinds
            if type(exc).__module__.split(".")[0] not in (
                "chromadb",
                "httpx",
                "httpcore",
                "sqlite3",
            ) and not isinstance(exc, OSError | TimeoutError):
                raise
            raise store_failure(self.settings, exc) from None

    return wrapper  # type: ignore[return-value]


@register_embedding_function
class JixiaoEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over the cached Embedder: passages for documents, queries for
    `query_texts` (e5 uses different prefixes). Registered so a reopened collection rebuilds it
    instead of falling back to Chroma's downloading default."""

    def __init__(self, embedder: Embedder | None = None):
        self.embedder = embedder or Embedder(get_settings())

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self.embedder.embed_query(t) for t in input]

    @staticmethod
    def name() -> str:
        return EF_NAME

    def get_config(self) -> dict[str, Any]:
        return {"model": self.embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> JixiaoEmbeddingFunction:
        ef = JixiaoEmbeddingFunction()
        if config.get("model") and config["model"] != ef.embedder.name:
            raise ConfigError(
                f"知识库的向量模型为「{config['model']}」，当前配置为「{ef.embedder.name}」。"
                "请恢复原向量模型配置，或重新入库。"
            )
        return ef

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]


def open_client(settings: Settings):
    """PersistentClient at settings.chroma_dir, or HttpClient when settings.chroma_host is set."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:

        def connect():
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
            _set_timeout(client, settings.chroma_timeout)
            client.heartbeat()
            return client

        try:
            # the client's constructor already calls the server, before any timeout can be set on it
            return run_bounded(connect, settings.chroma_timeout)
        except Exception as e:  # noqa: BLE001 - any connection failure gets the same advice
            why = f"{settings.chroma_timeout:g}秒内无响应" if isinstance(e, LLMTimeout) else e.__class__.__name__
            raise ConfigError(
                f"无法连接 Chroma 服务 {settings.chroma_host}:{settings.chroma_port}（{why}）。"
                "请确认服务已启动（chroma run --path 目录 --host 地址 --port 端口），"
                "或清空 JIXIAO_CHROMA_HOST 改用本机知识库。"
            ) from None
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _set_timeout(client: Any, seconds: float) -> None:
    """chromadb's HTTP client is built with no timeout at all (a frozen server hangs every call): give
    each call one, on the httpx session the client keeps."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds)


class DocumentStore:
    """Parsed Document JSON per source file. With a Chroma collection the store holds the JSON (so every
    client of a shared server can load any document); data_dir/docs/<doc_id>.json is the local copy,
    checked against the stored content hash."""

    def __init__(self, root: Path, collection: Any = None):
        self.root = root
        self.collection = collection
        self._cache: dict[str, tuple[str, Document]] = {}
        self._lock = threading.Lock()

    def _path(self, doc_id: str) -> Path:
        return self.root / f"{doc_id}.json"

    def _write_local(self, doc_id: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(doc_id)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # atomic: a killed ingest never leaves half a file

    def _read_local(self, doc_id: str) -> bytes | None:
        try:
            return self._path(doc_id).read_bytes()
        except FileNotFoundError:
            return None

    def save(self, doc_id: str, doc: Document, file_sha: str = "") -> None:
        """Written last, once every record of the document is in: a document listed here is complete."""
        data = doc.model_dump_json(indent=1).encode("utf-8")
        if self.collection is not None:
            meta = {
                "sha": _sha(data),
                "source_file": doc.source_file,
                "title": doc.title,
                "origin": doc.origin,
            }
            meta |= {"file_sha": file_sha} if file_sha else {}
            self.collection.upsert(
                ids=[doc_id], documents=[data.decode("utf-8")], embeddings=[[1.0]], metadatas=[meta]
            )
        self._write_local(doc_id, data)

    def delete(self, doc_id: str) -> None:
        if self.collection is not None:
            self.collection.delete(ids=[doc_id])
        self._path(doc_id).unlink(missing_ok=True)
        with self._lock:
            self._cache.pop(doc_id, None)

    def get(self, doc_id: str) -> Document | None:
        local = self._read_local(doc_id)
        if self.collection is None:
            want = _sha(local) if local is not None else None
        else:
            got = self.collection.get(ids=[doc_id], include=["metadatas"])
            want = got["metadatas"][0].get("sha") if got["ids"] else None
        if want is None:
            return None
        with self._lock:
            cached = self._cache.get(doc_id)
            if cached and cached[0] == want:
                return cached[1]
        if local is None or _sha(local) != want:  # another client ingested or changed it
            local = self.collection.get(ids=[doc_id], include=["documents"])["documents"][0].encode("utf-8")
            self._write_local(doc_id, local)
        doc = Document.model_validate_json(local)
        with self._lock:
            self._cache[doc_id] = (want, doc)
        return doc

    def entries(self) -> list[dict[str, Any]]:
        """id, origin, file_sha, source_file and title of every stored document (no JSON loaded)."""
        if self.collection is None:
            return [{"id": d, **self._local_entry(d)} for d in self._local_ids()]
        got = self.collection.get(include=["metadatas"])
        return [{"id": i, **(m or {})} for i, m in zip(got["ids"], got["metadatas"])]

    def _local_ids(self) -> list[str]:
        return [p.stem for p in self.root.glob("*.json")] if self.root.is_dir() else []

    def _local_entry(self, doc_id: str) -> dict[str, Any]:
        doc = self.get(doc_id)
        return {"origin": doc.origin, "source_file": doc.source_file, "title": doc.title} if doc else {}

    def all(self) -> list[Document]:
        if self.collection is not None:
            ids = self.collection.get(include=[])["ids"]
        else:
            ids = self._local_ids()
        docs = [d for i in ids if (d := self.get(i)) is not None]
        return sorted(docs, key=lambda d: (d.source_file, d.origin))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
