"""`assistant ingest` and `assistant search`: offline, Chinese summaries, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "卢龙县自然资源和规划局2024年部门预算绩效文本（草案）.txt"
runner = CliRunner()


def test_cli_ingest_and_search_with_network_blocked(no_network):
    # conftest shares one embedding cache per session, so the seed is usually embedded already
    result = runner.invoke(app, ["ingest", str(SEED)])
    assert result.exit_code == 0, result.output
    assert "文档 1 份，项目 18 个，指标行 124 行" in result.stdout
    again = runner.invoke(app, ["ingest", str(SEED.parent)])
    assert "新写入 0 条" in again.stdout and "未变化文档 1 份" in again.stdout

    result = runner.invoke(app, ["search", "造林补贴 提高森林覆盖率", "--format", "json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert hits[0]["project"] == "造林补贴、苗木费" and hits[0]["grain"] == "project"
    assert hits[0]["location"]["table"] == 13 and len(hits) == 5

    result = runner.invoke(app, ["search", "不动产登记 发证数量", "--grain", "indicator", "--k", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1. [") and lines[0].endswith("不动产业务经费 / 登记发证数量")
    assert "出处：" in lines[1] and "表15 第1行" in lines[1]
    for mode in ("dense", "bm25"):
        result = runner.invoke(app, ["search", "美国白蛾防治面积", "--grain", "indicator", "--mode", mode])
        assert result.exit_code == 0 and "美国白蛾防治费用 / 防治面积" in result.stdout.splitlines()[0]


def test_cli_ingest_skips_unreadable_files_with_reasons(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "空.txt").write_bytes(b"")
    (folder / "二进制.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "旧格式.doc").write_bytes(b"whatever")
    (folder / ".hidden.txt").write_text("ignored", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(folder), str(tmp_path / "不存在.txt")])
    assert result.exit_code == 1
    out = result.output
    assert "跳过 4 个文件" in out and "是空文件" in out and "二进制文件" in out
    assert "不支持的文件格式" in out and "找不到文件" in out and "hidden" not in out
    assert "Traceback" not in out


def test_cli_search_on_empty_store_and_bad_server(monkeypatch):
    result = runner.invoke(app, ["search", "造林"])
    assert result.exit_code == 0 and "知识库为空" in result.output and "未找到相关结果" in result.stdout
    monkeypatch.setenv("JIXIAO_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("JIXIAO_CHROMA_PORT", "9")  # discard port: nothing listens
    from assistant.settings import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["search", "造林"])
    assert result.exit_code == 2 and "无法连接 Chroma 服务 127.0.0.1:9" in result.output
    assert "Traceback" not in result.output
