"""Heavy objects for the app, built once per process in `st.cache_resource` factories.

Pages and app.py call `knowledge_base()` / `embedder()` / `index_corpus()` at call time through this
module, so a test can replace any of them with `monkeypatch.setattr(resources, name, fake)`.
Factories are keyed by the settings that shape the object (data dir, store, embedding endpoint), so a
changed JIXIAO_DATA_DIR gets its own store instead of a stale one.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..kb.embeddings import Embedder
from ..kb.index import IngestReport, KnowledgeBase, ensure_corpus_indexed
from ..settings import Settings, get_settings

Progress = Callable[[int, int, str], None]


def settings_key(s: Settings) -> str:
    """What distinguishes one store from another."""
    return "|".join(
        map(str, (s.data_dir, s.corpus_dir, s.chroma_host, s.chroma_port, s.embed_base_url, s.embed_model))
    )


@st.cache_resource(show_spinner=False)
def _embedder(key: str, _settings: Settings) -> Embedder:
    return Embedder(_settings)


@st.cache_resource(show_spinner=False)
def _knowledge_base(key: str, _settings: Settings) -> KnowledgeBase:
    return KnowledgeBase(_settings, embedder=_embedder(key, _settings))


def embedder() -> Embedder:
    s = get_settings()
    return _embedder(settings_key(s), s)


def knowledge_base() -> KnowledgeBase:
    """The shared knowledge base for the configured store (may raise ConfigError for a bad store)."""
    s = get_settings()
    return _knowledge_base(settings_key(s), s)


def index_corpus(progress: Progress | None = None) -> IngestReport | None:
    """First start: ingest corpus/ when the store is empty; afterwards a no-op (assistant/ui/startup.py
    runs it once per store, in the background)."""
    return ensure_corpus_indexed(progress_callback=progress, kb=knowledge_base())


def warm_up() -> None:
    """Load what the first review or draft would otherwise wait for: the embedding model and the
    tokenizer's dictionary."""
    embedder().embed_query("绩效目标")
    from ..tokens import init_tokenizer

    init_tokenizer()
