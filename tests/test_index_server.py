"""Shared deployment: the same ingest and search against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.kb.embeddings import Embedder, EmbeddingCache
from assistant.kb.index import KnowledgeBase
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"
CHROMA = Path(sys.executable).parent / "chroma"
if not CHROMA.exists():
    CHROMA = Path(shutil.which("chroma") or CHROMA)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.exists():
        pytest.skip("chroma 命令不存在（chromadb 未安装在此环境）")
    port = free_port()
    env = os.environ | {"ANONYMIZED_TELEMETRY": "False"}
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("chroma server did not start:\n" + (tmp_path / "chroma.log").read_text())
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_same_ingest_and_search_through_a_chroma_server(
    chroma_server, monkeypatch, isolated_settings, tmp_path, no_network
):
    from assistant.settings import get_settings

    monkeypatch.setenv("JIXIAO_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("JIXIAO_CHROMA_PORT", str(chroma_server))
    get_settings.cache_clear()
    settings = get_settings()
    shared = settings.cache_dir / "embeddings.sqlite"  # the session's shared cache (conftest)
    kb = KnowledgeBase(settings, embedder=Embedder(settings, cache=EmbeddingCache(shared)))
    assert "fastapi" in kb.client.get_settings().chroma_api_impl.lower()  # an HTTP client
    assert not settings.chroma_dir.exists()  # nothing stored locally: the server holds the vectors

    report = kb.ingest([SEED])
    assert (report.documents, report.projects, report.rows) == (1, 18, 124)
    assert kb.count() == 142
    again = kb.ingest([SEED])
    assert again.added == 0 and kb.count() == 142

    # A second client (another staff machine, its own data dir) sees the same store and documents.
    other_settings = Settings(data_dir=tmp_path / "machine2", cache_dir_override=settings.cache_dir)
    assert other_settings.chroma_host == "127.0.0.1"
    other = KnowledgeBase(other_settings, embedder=Embedder(other_settings, cache=EmbeddingCache(shared)))
    hit = other.search("造林补贴 提高森林覆盖率", k=3)[0]
    assert hit.project == "造林补贴、苗木费"
    assert other.project_for(hit).budget == 700.0  # the parsed document comes from the server
    assert [d.source_file for d in other.documents()] == [SEED.name]
    rows = other.search("不动产登记 发证数量", k=3, grain="indicator")
    assert rows[0].metadata["level3"] == "登记发证数量"
    conf = other.collection.configuration_json["embedding_function"]
    assert conf["name"] == "jixiao_embedder"
