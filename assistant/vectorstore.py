"""Chroma plumbing: the client (embedded on disk or a shared server, same code), our registered
embedding function, and the parsed-document store beside the vectors.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import chromadb
from chromadb import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from .embeddings import Embedder
from .errors import ConfigError
from .models import Document
from .settings import Settings, get_settings

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
    """Parsed Document JSON per source file (data_dir/docs/<doc_id>.json), cached by mtime."""

    def __init__(self, root: Path):
        self.root = root
        self._cache: dict[str, tuple[float, Document]] = {}
        self._lock = threading.Lock()

    def _path(self, doc_id: str) -> Path:
        return self.root / f"{doc_id}.json"

    def save(self, doc_id: str, doc: Document) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(doc_id)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(doc.model_dump_json(indent=1), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a killed ingest never leaves half a file

    def delete(self, doc_id: str) -> None:
        self._path(doc_id).unlink(missing_ok=True)
        with self._lock:
            self._cache.pop(doc_id, None)

    def get(self, doc_id: str) -> Document | None:
        path = self._path(doc_id)
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        with self._lock:
            cached = self._cache.get(doc_id)
            if cached and cached[0] == mtime:
                return cached[1]
        doc = Document.model_validate_json(path.read_bytes())
        with self._lock:
            self._cache[doc_id] = (mtime, doc)
        return doc

    def all(self) -> list[Document]:
        if not self.root.is_dir():
            return []
        docs = [d for p in sorted(self.root.glob("*.json")) if (d := self.get(p.stem)) is not None]
        return sorted(docs, key=lambda d: d.source_file)
