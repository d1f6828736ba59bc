"""Chroma plumbing: the client (embedded on disk or a shared server, same code), our registered
embedding function, and the parsed-document store beside the vectors.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import chromadb
from chromadb import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from ..errors import ConfigError
from ..models import Document
from ..settings import Settings, get_settings
from .embeddings import Embedder

EF_NAME = "jixiao_embedder"


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
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
            client.heartbeat()
        except Exception as e:  # noqa: BLE001 - any connection failure gets the same advice
            raise ConfigError(
                f"无法连接 Chroma 服务 {settings.chroma_host}:{settings.chroma_port}（{e.__class__.__name__}）。"
                "请确认服务已启动（chroma run --path 目录 --host 地址 --port 端口），"
                "或清空 JIXIAO_CHROMA_HOST 改用本机知识库。"
            ) from None
        return client
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


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

    def save(self, doc_id: str, doc: Document) -> None:
        data = doc.model_dump_json(indent=1).encode("utf-8")
        if self.collection is not None:
            meta = {"sha": _sha(data), "source_file": doc.source_file, "title": doc.title}
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

    def all(self) -> list[Document]:
        if self.collection is not None:
            ids = self.collection.get(include=[])["ids"]
        else:
            ids = [p.stem for p in self.root.glob("*.json")] if self.root.is_dir() else []
        docs = [d for i in ids if (d := self.get(i)) is not None]
        return sorted(docs, key=lambda d: d.source_file)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
