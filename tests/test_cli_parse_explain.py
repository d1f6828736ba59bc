"""`assistant parse FILE --explain`: one line per cell saying how it was read, so a user with a new
layout sees which labels, header words and rows were recognised and what was left unused."""

from __future__ import annotations

from typer.testing import CliRunner

from assistant.cli import app

runner = CliRunner()

PAGE = """索引号：11330000/2026-001
浏览量：35
项目名称 | 村级公路养护
年度资金总额 | 40.00
一级指标 | 二级指标 | 三级指标 | 指标值
产出指标 | 数量指标 | 养护公路里程 | ≥120公里
效益指标 | 社会效益指标 | 公路优良路率 | ≥85%
扫一扫在手机打开当前页
"""


def test_explain_names_fields_header_rows_and_skipped_text(tmp_path):
    f = tmp_path / "page.txt"
    f.write_text(PAGE, encoding="utf-8")
    result = runner.invoke(app, ["parse", str(f), "--explain"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "项目名称" in out and "栏目：项目名称" in out
    assert "40.00" in out and "金额：预算数" in out
    assert "指标表头：三级指标" in out and "指标表头：指标值" in out
    assert "表1第2行：效益指标/社会效益指标" in out and "指标值「≥85%」" in out
    assert "网页上的杂项" in out  # 索引号 and 扫一扫 are page furniture
    lines = [line for line in out.splitlines() if "养护公路里程" in line]
    assert lines and lines[0].lstrip().startswith("第6行")


def test_explain_on_a_broken_file_is_a_chinese_message(tmp_path):
    f = tmp_path / "x.docx"
    f.write_bytes(b"not a zip")
    result = runner.invoke(app, ["parse", str(f), "--explain"])
    assert result.exit_code == 2 and "Traceback" not in result.output
