"""Shared fixtures: every test gets its own data directory; the seed document is parsed once."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch):
    """Point the app directory at a temp folder and switch any configured LLM off."""
    from assistant.settings import get_settings

    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(data))
    # one embedding cache for the whole session: vectors depend only on the text, never on the test
    monkeypatch.setenv("JIXIAO_CACHE_DIR_OVERRIDE", str(tmp_path_factory.getbasetemp() / "shared-cache"))
    # empty values, not unset ones: environment variables also override a developer's .env file
    for var in ("JIXIAO_LLM_BASE_URL", "JIXIAO_LLM_MODEL", "JIXIAO_LLM_API_KEY", "JIXIAO_EMBED_BASE_URL",
                "JIXIAO_EMBED_MODEL", "JIXIAO_CHROMA_HOST"):
        monkeypatch.setenv(var, "")
    for var in ("JIXIAO_LLM_STRUCTURED_METHOD", "JIXIAO_RETRIEVAL_MODE", "JIXIAO_MAX_FILE_MB"):
        monkeypatch.delenv(var, raising=False)
    # limits and LLM bounds at their defaults, whatever the developer's shell says
    for var in [v for v in os.environ if v.startswith(("JIXIAO_MAX_", "JIXIAO_LLM_DEADLINE", "JIXIAO_LLM_RETRY",
                                                         "JIXIAO_LLM_BREAKER", "JIXIAO_CHROMA_TIMEOUT"))]:
        monkeypatch.delenv(var, raising=False)
    # saved LLM answers would let one test's scripted reply answer another's: tests that test the
    # cache switch it on themselves
    monkeypatch.setenv("JIXIAO_LLM_CACHE", "off")
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def _seed_doc_cached():
    from assistant.readers import read_document

    return read_document(SEED)


@pytest.fixture
def seed_doc(_seed_doc_cached):
    """A fresh copy of the parsed seed, so a test may modify it."""
    return _seed_doc_cached.model_copy(deep=True)


@pytest.fixture
def no_network(monkeypatch):
    """Refuse every socket connection except to 127.0.0.1 / localhost / ::1."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
            raise OSError(f"network blocked in tests: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


@pytest.fixture
def fake_openai(monkeypatch):
    """A scripted OpenAI-compatible server on 127.0.0.1 (tests/fake_openai.py), with the settings
    pointed at it: model fake-model, no retries, 5 s timeout, answer cache off, and the circuit breaker
    off (a scripted error would otherwise mark the server down for the next call; tests of the breaker
    switch it on)."""
    from fake_openai import FakeOpenAI

    from assistant.settings import get_settings

    server = FakeOpenAI().start()
    env = {
        "JIXIAO_LLM_BASE_URL": server.url,
        "JIXIAO_LLM_MODEL": "fake-model",
        "JIXIAO_LLM_API_KEY": "sk-test",
        "JIXIAO_LLM_MAX_RETRIES": "0",
        "JIXIAO_LLM_TIMEOUT": "5",
        "JIXIAO_LLM_CACHE": "off",
        "JIXIAO_LLM_BREAKER_SECONDS": "0",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield server
    server.stop()
    get_settings.cache_clear()


@pytest.fixture
def no_tiktoken(monkeypatch):
    """tiktoken downloads BPE files on first use: no LLM path may touch it."""
    import tiktoken

    def refuse(*args, **kwargs):
        raise AssertionError("tiktoken used (it would download BPE files)")

    monkeypatch.setattr(tiktoken, "get_encoding", refuse)
    monkeypatch.setattr(tiktoken, "encoding_for_model", refuse)
