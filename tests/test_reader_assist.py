"""LLM-assisted reading through the real client against the local fake server: the model is asked only
for the fields the offline reader missed; a value is kept only when it is verbatim in the source; each
kept value is named in the warnings; a fault leaves the offline result with a notice."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.readers import read_bytes
from assistant.readers.assist import assist_reading, gaps

pytestmark = pytest.mark.usefixtures("no_network", "no_tiktoken")

# a budget written where no label says so: the offline reader cannot place it
PAGE = """项目名称 | 乡村夜校培训
本项目今年安排资金 | 12.50万元（县级）
绩效目标 | 全年培训村民600人次。
一级指标 | 二级指标 | 三级指标 | 指标值
产出指标 | 数量指标 | 培训村民人次 | ≥600人次
满意度指标 | 服务对象满意度指标 | 参训村民满意度 | ≥90%
"""


def _chat():
    from assistant.llm import build_chat_model

    return build_chat_model()


def test_the_model_fills_only_what_is_in_the_source(fake_openai):
    doc = read_bytes(PAGE.encode(), "page.txt")
    assert (1, "预算数") in gaps(doc)
    fake_openai.queue(json.dumps({"fixes": [
        {"table": 1, "field": "预算数", "text": "12.50万元"},
        {"table": 1, "field": "资金用途", "text": "用于购买夜校教材和设备"},  # not in the page
    ]}, ensure_ascii=False))
    fake_openai.queue(json.dumps({"fixes": [{"table": 1, "field": "预算数", "text": "12.50万元"}]}, ensure_ascii=False))
    doc = assist_reading(doc, PAGE, _chat())
    assert doc.projects[0].budget == 12.5 and doc.projects[0].purpose == ""
    assert any("预算数" in w and "大模型" in w and "12.50万元" in w for w in doc.warnings)
    assert not any("未找到预算数" in w for w in doc.warnings)
    # the first answer quoted text that is not in the page: it was sent back once with the reason
    assert len(fake_openai.requests) == 2
    assert "在原文中找不到" in json.dumps(fake_openai.requests[1], ensure_ascii=False)


def test_a_model_that_keeps_inventing_leaves_the_offline_result(fake_openai):
    doc = read_bytes(PAGE.encode(), "page.txt")
    for _ in range(2):
        fake_openai.queue(json.dumps({"fixes": [{"table": 1, "field": "预算数", "text": "99万元"}]}))
    doc = assist_reading(doc, PAGE, _chat())
    assert doc.projects[0].budget is None
    assert any("大模型辅助读取未成功" in w for w in doc.warnings)


def test_cli_parse_llm_without_endpoint_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("JIXIAO_LLM_BASE_URL", raising=False)
    f = tmp_path / "page.txt"
    f.write_text(PAGE, encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", str(f), "--llm"])
    assert result.exit_code == 0 and "离线" in result.output
