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


def _server_kb(port, monkeypatch, timeout="2"):
    from assistant.settings import get_settings

    monkeypatch.setenv("JIXIAO_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("JIXIAO_CHROMA_PORT", str(port))
    monkeypatch.setenv("JIXIAO_CHROMA_TIMEOUT", timeout)
    get_settings.cache_clear()
    settings = get_settings()
    shared = settings.cache_dir / "embeddings.sqlite"
    return KnowledgeBase(settings, embedder=Embedder(settings, cache=EmbeddingCache(shared)))


def _chroma_pid(port: int) -> int:
    """The process serving `port` (the `chroma` launcher may run the server in a child process)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    import re

    return int(re.search(r"pid=(\d+)", out).group(1))


def test_a_frozen_server_times_out_with_a_chinese_message(chroma_server, monkeypatch, no_network):
    import signal

    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.errors import StoreError

    kb = _server_kb(chroma_server, monkeypatch)
    kb.ingest([SEED])
    pid = _chroma_pid(chroma_server)
    os.kill(pid, signal.SIGSTOP)  # the process is alive, its socket open, but nothing answers
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreError, match="无响应或连接中断"):
            kb.search("造林补贴", k=3)
        assert time.monotonic() - t0 < 15
        r = CliRunner().invoke(app, ["search", "造林补贴"])
        assert r.exit_code == 2 and "Traceback" not in r.output
        assert "Chroma 服务" in r.stderr and "无响应" in r.stderr
        # drafting goes on without the knowledge base, from the indicator library and templates
        r = CliRunner().invoke(app, ["draft", "--name", "人工造林", "--budget", "80", "--purpose", "人工造林1000亩"])
        assert r.exit_code == 0, r.output
        assert "知识库" in r.stderr and "| 产出指标 |" in r.stdout
    finally:
        os.kill(pid, signal.SIGCONT)


def test_a_server_dying_mid_ingest_stops_with_a_message_and_resumes(chroma_server, monkeypatch, no_network):
    from assistant.errors import StoreError

    kb = _server_kb(chroma_server, monkeypatch)
    pid = _chroma_pid(chroma_server)

    def kill_after_first_batch(done, total, name):
        if 0 < done < 1:
            os.kill(pid, 9)

    with pytest.raises(StoreError, match="已入库的内容不会丢失"):
        kb.ingest([SEED], progress=kill_after_first_batch)
