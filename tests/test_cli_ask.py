"""`assistant ask FILE 问题`: text and JSON output, engine choice, errors without tracebacks."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.models import Answer

runner = CliRunner()
Q8 = "项目8的预算是多少？"


def ask(*args: str):
    return runner.invoke(app, ["ask", *map(str, args)])


def test_text_offline(seed_path):
    result = ask(seed_path, Q8, "--no-llm")
    assert result.exit_code == 0, result.output
    answer, _, cites = result.stdout.partition("\n\n引用：\n")
    assert "31.98" in answer and "表8" in answer
    assert cites.startswith("[1] 表8「冀财资环【2022】91号") and "预算数：31.98" in cites
    assert "提示：" not in result.stdout


def test_text_row_citation(seed_path):
    result = ask(seed_path, "美国白蛾防治面积是多少？")
    assert result.exit_code == 0, result.output
    assert "8万亩" in result.stdout and "[1] 表9 第1行「美国白蛾防治费用」 指标值：8万亩" in result.stdout


def test_json_offline(seed_path):
    result = ask(seed_path, Q8, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = Answer.model_validate_json(result.stdout)
    assert answer.engine == "offline" and "31.98" in answer.text and answer.question == Q8
    (c,) = answer.citations
    assert (c.location.table, c.field, c.quote) == (8, "预算数", "31.98")
    assert json.loads(result.stdout)["not_found"] is False


def test_not_found_text(seed_path):
    result = ask(seed_path, "项目负责人是谁？", "-f", "text")
    assert result.exit_code == 0 and "资料中未找到" in result.stdout


@pytest.mark.parametrize("kind", ["missing", "folder", "empty"])
def test_bad_file_is_a_chinese_error(tmp_path, kind):
    path = {"missing": tmp_path / "无此文件.txt", "folder": tmp_path, "empty": tmp_path / "空.txt"}[kind]
    if kind == "empty":
        path.write_bytes(b"")
    result = ask(path, Q8)
    assert result.exit_code != 0
    assert result.stderr.startswith("错误：") and "Traceback" not in result.output
    assert result.stdout == ""


def test_llm_flag_without_endpoint_answers_offline_with_notice(seed_path):
    result = ask(seed_path, Q8, "--llm")
    assert result.exit_code == 0, result.output
    assert "31.98" in result.stdout and "提示：未配置大模型服务" in result.stdout


@pytest.mark.usefixtures("no_network")
def test_llm_answer_and_fallback(seed_path, fake_openai):
    fake_openai.reply("项目8的预算数为31.98万元[P8-预算数|31.98]。")
    result = ask(seed_path, Q8)  # the endpoint is configured: the LLM engine by default
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("项目8的预算数为31.98万元[1]。") and "[1] 表8「" in result.stdout

    fake_openai.reply("项目8的预算数为31.98万元[P8-预算数|31.98]，另有[R99|≥1亩]。")
    result = ask(seed_path, Q8)  # a row that does not exist: the offline answer, with the reason
    assert result.exit_code == 0, result.output
    assert "（表8）的预算数为 31.98 万元" in result.stdout and "R99" not in result.stdout
    assert "提示：大模型的回答未通过核对（有 1 处引用在原文中不存在或与原文不符）" in result.stdout

    fake_openai.error(500)
    result = ask(seed_path, Q8, "--format", "json")
    answer = Answer.model_validate_json(result.stdout)
    assert answer.engine == "offline" and answer.notice.startswith("大模型调用失败（大模型服务返回 HTTP 500")
    assert answer.citations[0].quote == "31.98"

    result = ask(seed_path, Q8, "--no-llm")
    assert result.exit_code == 0 and len(fake_openai.requests) == 3
