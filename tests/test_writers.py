"""Writers: the standard 绩效目标表 layout in .docx / .xlsx / Markdown, and `assistant parse` with
each output format."""

from __future__ import annotations

import io
import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.models import Document, Indicator, Project
from assistant.readers import read_bytes, read_document
from assistant.values import format_wan
from assistant.writers import project_table_rows, render_document
from assistant.writers.table import project_grid
from assistant.writers.xlsx import sheet_name


def test_project_table_rows_standard_layout(seed_doc):
    rows = project_table_rows(seed_doc.projects[0])
    assert all(len(r) == 6 for r in rows)
    assert rows[0] == ["预算单位", "324001卢龙县自然资源和规划局本级", "", "", "单位：万元", ""]
    assert rows[1][:4] == ["项目编码", "13032424P00442810307P", "", "项目名称"] and rows[1][4] == "局属场医保"
    assert rows[2] == ["预算数", "6.00", "其中：财政资金", "6.00", "其他资金", ""]
    assert rows[4][2:] == ["3月底", "6月底", "10月底", "12月底"] and rows[5][2:] == [
        "25%",
        "50%",
        "75%",
        "100%",
    ]
    assert rows[6][0] == "绩效目标" and rows[7] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "绩效指标描述",
        "指标值",
        "指标值确定依据",
    ]
    assert rows[8][:3] == ["产出指标", "数量指标", "保障人数"]
    assert rows[9][:2] == ["", "质量指标"]  # 一级 merged down: text once, '' below


def test_grid_merges_level1_and_level2():
    inds = [
        Indicator(level1="产出指标", level2="数量指标", level3=f"指标{i}", value_raw="1个") for i in range(3)
    ]
    inds.append(Indicator(level1="效益指标", level2="数量指标", level3="x", value_raw="1个"))
    _, cells = project_grid(Project(name="p", indicators=inds))
    spans = {(c.row, c.col): c.rowspan for c in cells if c.row >= 8 and c.col < 2}
    assert spans == {(8, 0): 3, (8, 1): 3, (11, 0): 1, (11, 1): 1}  # 二级 never merges across 一级


def test_unit_column_only_when_the_source_had_one():
    p = Project(
        name="p",
        indicators=[
            Indicator(level1="产出指标", level2="数量指标", level3="面积", value_raw="720", unit_column="亩")
        ],
    )
    rows = project_table_rows(p)
    assert rows[7][4] == "计量单位" and rows[8][4:6] == ["亩", "720"] and len(rows[0]) == 7
    doc = Document(projects=[p.model_copy(update={"budget": 1.0})])
    back = read_bytes(render_document(doc, "docx"), "u.docx").projects[0].indicators[0]
    # read back, the 指标值 is recombined with its unit column as a reviewer reads it; written again, the
    # unit stays in its own column only
    assert (back.unit_column, back.value_raw, back.value.unit, back.value.number) == ("亩", "720亩", "亩", 720)
    again = project_table_rows(p.model_copy(update={"indicators": [back]}))
    assert again[8][4:6] == ["亩", "720"]


def test_amounts_keep_their_precision():
    assert [format_wan(x) for x in (6, 0.72, 1623.79, None, 0.7234)] == [
        "6.00",
        "0.72",
        "1623.79",
        "",
        "0.7234",
    ]


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    names = [
        sheet_name("1.冀财资环[2023]107号—提前下达2024年省级林业改革发展补助资金", taken) for _ in range(3)
    ]
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len({n.lower() for n in names}) == 3
    assert sheet_name("a/b:c*d?", taken) == "a_b_c_d_"


def test_xlsx_layout_and_merges(seed_doc):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render_document(seed_doc, "xlsx")))
    assert wb.sheetnames[0] == "部门整体绩效目标" and len(wb.sheetnames) == 19
    ws = wb.worksheets[1]
    assert ws["A2"].value == "预算单位" and ws["E2"].value == "单位：万元"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:F1", "B2:D2", "A6:B7", "A10:A13"} <= merged
    assert ws["A10"].value == "产出指标" and ws["A11"].value is None


def test_docx_layout_and_merges(seed_doc):
    from docx import Document as WordDocument

    d = WordDocument(io.BytesIO(render_document(seed_doc, "docx")))
    assert len(d.tables) == 18
    t = d.tables[0]
    assert t.cell(8, 0).text == "产出指标" and t.cell(9, 0)._tc is t.cell(8, 0)._tc  # one merged cell
    assert t.cell(0, 1).text == "324001卢龙县自然资源和规划局本级"  # set after merge, not concatenated
    texts = [p.text for p in d.paragraphs]
    assert "二、分项绩效目标" in texts and "1、全面做好耕地保护" in texts
    assert any(t.startswith("绩效指标：加强永久基本农田保护") for t in texts)


def test_markdown(seed_doc):
    md = render_document(seed_doc, "md")
    assert md.startswith("# 卢龙县自然资源和规划局\n")
    assert "### 1.局属场医保绩效目标表" in md
    assert (
        "| 产出指标 | 数量指标 | 保障人数 | 下属四个局属场需缴纳医疗保险人数 | 57人 | 下属场在职及退休编制 |"
        in md
    )
    assert "缴纳;<br>2.下属局属场员工" in md
    assert md.count("| 一级指标 | 二级指标 |") == 18


def test_markdown_escapes_pipes():
    doc = Document(
        projects=[Project(name="a|b", indicators=[Indicator(level1="产出指标", level3="x|y", value_raw="1")])]
    )
    assert "a\\|b" in render_document(doc, "md") and "x\\|y" in render_document(doc, "md")


# --- CLI ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_cli_parse_to_office_formats(tmp_path, seed_path, fmt):
    out = tmp_path / f"seed.{fmt}"
    result = CliRunner().invoke(app, ["parse", str(seed_path), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = read_document(out)
    assert len(doc.projects) == 18 and doc.total_budget() == 1623.79


def test_cli_parse_json_and_md(tmp_path, seed_path):
    result = CliRunner().invoke(app, ["parse", str(seed_path)])
    assert result.exit_code == 0
    doc = Document.model_validate(json.loads(result.stdout))
    assert len(doc.projects) == 18
    out = tmp_path / "seed.json"
    out.write_text(result.stdout, encoding="utf-8")
    assert read_document(out).total_budget() == 1623.79  # our JSON reads back
    md = CliRunner().invoke(app, ["parse", str(seed_path), "-f", "md"])
    assert md.exit_code == 0 and "### 18.不动产信息化建设绩效目标表" in md.stdout


def test_cli_office_format_needs_an_output_file(seed_path):
    result = CliRunner().invoke(app, ["parse", str(seed_path), "--format", "docx"])
    assert result.exit_code != 0 and "需要用 -o 指定输出文件" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_single_drafted_table_has_no_empty_part_one_heading():
    p = Project(name="乡村夜校培训", budget=12.5, indicators=[Indicator(level1="产出指标", level2="数量指标", level3="培训人次", value_raw="≥600人次")])
    doc = Document(title="某县农业农村局2027年项目绩效目标表", projects=[p])
    text = render_document(doc, "md")
    assert "第一部分" not in text
    back = read_bytes(render_document(doc, "docx"), "d.docx")
    assert back.projects[0].name == "乡村夜校培训" and "第一部分" not in " ".join(back.cover)
