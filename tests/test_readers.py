"""Each reader on files the tests build: GBK text, a Word file with merged cells in the four-一级
layout of 财预〔2021〕101号, and a workbook with every table on one sheet (pasted text: test_paste.py)."""

from __future__ import annotations

import io

from assistant.categories import canonical_level1, canonical_level2
from assistant.readers import read_bytes


def fields(ind):
    return (ind.level1, ind.level2, ind.level3, ind.description, ind.value_raw, ind.basis)


# --- text -----------------------------------------------------------------------------------


def test_gbk_encoded_seed_reads_like_utf8(seed_path, seed_doc):
    text = seed_path.read_text(encoding="utf-8")
    doc = read_bytes(text.encode("gb18030"), "gbk.txt")
    assert len(doc.projects) == 18 and doc.total_budget() == 1623.79
    assert [fields(i) for p in doc.projects for i in p.indicators] == [
        fields(i) for p in seed_doc.projects for i in p.indicators
    ]
    assert doc.overall_goal == seed_doc.overall_goal


# --- docx: merged cells, four 一级 ------------------------------------------------------------

# The budget system's 7-column head (as in the seed's Word original) and a 101号 indicator block.
# Each entry: (row, col, text, rowspan, colspan).
HEAD = [
    (0, 0, "324001某县林业局本级", 1, 5),
    (0, 5, "单位：万元", 1, 2),
    (1, 0, "项目编码", 1, 1),
    (1, 1, "13032424P001", 1, 2),
    (1, 3, "项目名称", 1, 1),
    (1, 4, "森林防火物资购置", 1, 3),
    (2, 0, "预算规模及资金用途", 2, 1),
    (2, 1, "预算数", 1, 1),
    (2, 2, "15.00", 1, 1),
    (2, 3, "其中：财政    资金", 1, 1),
    (2, 4, "12.00", 1, 1),
    (2, 5, "其他资金", 1, 1),
    (2, 6, "3.00", 1, 1),
    (3, 1, "购置防火物资，保障森林安全", 1, 6),
    (4, 0, "资金支出计划（%）", 2, 3),
    (4, 3, "3月底", 1, 1),
    (4, 4, "6月底", 1, 1),
    (4, 5, "10月底", 1, 1),
    (4, 6, "12月底", 1, 1),
    (5, 3, "0", 1, 1),
    (5, 4, "50%", 1, 1),
    (5, 5, "100%", 1, 1),
    (5, 6, "100%", 1, 1),
    (6, 0, "绩效目标", 1, 1),
    (6, 1, "1.购置风力灭火机20台\n2.森林火灾受害率控制在0.9‰以内", 1, 6),
]
INDICATORS = [
    ("成本指标", "经济成本指标", "灭火机购置单价", "每台购置成本", "≤7500元/台", "市场询价"),
    ("成本指标", "经济成本指标", "物资购置总成本", "购置总成本", "≤15万元", "年初预算"),
    ("产出指标", "数量指标", "购置风力灭火机数量", "购置数量", "20台", "计划标准"),
    ("产出指标", "质量指标", "验收合格率", "物资验收合格率", "100%", "行业标准"),
    ("产出指标", "时效指标", "购置完成时间", "完成购置时间", "2024年6月底前完成", "计划标准"),
    ("效益指标", "社会效益指标", "森林火灾受害率", "森林火灾受害率", "≤0.9‰", "历史标准"),
    ("满意度指标", "服务对象满意度指标", "护林员满意度", "护林员满意度", "≥90%", "调查问卷"),
]


def _indicator_cells(start: int):
    cells = [
        (start, c, t, 1, 1 if c < 5 else 2)
        for c, t in enumerate(
            ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
        )
    ]
    r = start + 1
    for i, row in enumerate(INDICATORS):
        for c in range(6):
            prev = INDICATORS[i - 1] if i else None
            if c < 2 and prev and prev[c] == row[c] and (c == 0 or prev[0] == row[0]):
                continue  # merged with the row above
            span = 1
            while (
                c < 2
                and i + span < len(INDICATORS)
                and INDICATORS[i + span][c] == row[c]
                and INDICATORS[i + span][0] == row[0]
            ):
                span += 1
            cells.append((r + i, c, row[c], span, 1 if c < 5 else 2))
    return cells


def make_docx(cells, ncols: int = 7, before: tuple[str, ...] = ()) -> bytes:
    """A Word file built cell by cell with python-docx (not our writer), merged as given."""
    from docx import Document as WordDocument

    d = WordDocument()
    for text in before:
        d.add_paragraph(text)
    nrows = max(r + rs for r, _, _, rs, _ in cells)
    table = d.add_table(rows=nrows, cols=ncols)
    for r, c, text, rs, cs in cells:
        cell = table.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
        cell.text = text
    d.add_paragraph("注：本表由项目单位填报。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_merged_cells_four_level1_layout():
    part1 = (
        "某县林业局",
        "2024年部门预算绩效文本",
        "第一部分 部门整体绩效目标",
        "一、总体绩效目标",
        "负责全县森林防火。",
        "第二部分 预算项目绩效目标",
        "1.森林防火物资购置绩效目标表",
    )
    doc = read_bytes(make_docx(HEAD + _indicator_cells(7), before=part1), "merged.docx")
    assert doc.warnings == []
    assert (
        doc.department == "某县林业局"
        and doc.budget_year == 2024
        and doc.overall_goal == "负责全县森林防火。"
    )
    (p,) = doc.projects
    assert (p.unit_code, p.unit_name, p.code, p.name) == (
        "324001",
        "某县林业局本级",
        "13032424P001",
        "森林防火物资购置",
    )
    assert (p.budget, p.fiscal_funds, p.other_funds) == (15.0, 12.0, 3.0)
    assert p.purpose == "购置防火物资，保障森林安全"
    assert p.spending_plan.as_list() == [0.0, 50.0, 100.0, 100.0]
    assert p.goal.splitlines() == ["1.购置风力灭火机20台", "2.森林火灾受害率控制在0.9‰以内"]
    assert [fields(i) for i in p.indicators] == INDICATORS
    assert [canonical_level1(i.level1) for i in p.indicators][:2] == ["成本指标", "成本指标"]
    assert canonical_level2(p.indicators[1].level2) == "经济成本指标"
    cost = p.indicators[1].value
    assert (cost.kind, cost.operator, cost.normalized) == ("money", "<=", 15.0)
    assert p.indicators[0].value.kind == "unit_price" and p.indicators[0].value.per == "台"
    assert p.indicators[0].source.table == 1 and p.indicators[0].source.row == 1


def test_docx_reader_emits_merged_continuation_as_empty_cell():
    from assistant.readers.docx import docx_blocks

    blocks = docx_blocks(make_docx(HEAD + _indicator_cells(7)), "m.docx")
    rows = [b.cells for b in blocks if b.is_row]
    assert rows[0] == ["324001某县林业局本级", "单位：万元"]  # horizontal spans read once
    assert rows[3] == ["", "购置防火物资，保障森林安全"]  # the vertical merge continues as ''
    assert rows[8][:3] == ["成本指标", "经济成本指标", "灭火机购置单价"]
    assert rows[9][:3] == ["", "", "物资购置总成本"]  # 一级 and 二级 both continue
    assert rows[10][:2] == ["产出指标", "数量指标"] and rows[11][:2] == ["", "质量指标"]
    assert blocks[0].loc.table == 1 and blocks[0].loc.row == 1


# --- xlsx: all tables on one sheet, numbers and percentages as numbers ---------------------


def test_xlsx_all_tables_on_one_sheet():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    r = 1
    for n, (name, budget) in enumerate((("项目甲", 6.0), ("项目乙", 0.72)), start=1):
        ws.cell(r, 1, f"{n}.{name}绩效目标表")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        rows = [
            ["324001某县林业局本级", None, None, None, "单位：万元", None],
            ["项目编码", f"P00{n}", None, "项目名称", name, None],
            ["预算数", budget, "其中：财政资金", budget, "其他资金", None],
            ["资金用途", "用途说明", None, None, None, None],
            ["资金支出计划（%）", None, "3月底", "6月底", "10月底", "12月底"],
            [None, None, 0.25, 0.5, 0.75, 1],
            ["绩效目标", "目标说明", None, None, None, None],
            ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
            ["产出指标", "数量指标", "保障人数", "保障人数", "57人", "编制"],
            [None, "质量指标", "覆盖率", "覆盖率", "100%", "要求"],
            ["满意度指标", "服务对象满意度指标", "满意度", "满意度", "≥95%", "问卷"],
        ]
        for i, row in enumerate(rows, start=r + 1):
            for j, v in enumerate(row, start=1):
                if v is not None:
                    cell = ws.cell(i, j, v)
                    if i == r + 6 and j >= 3:
                        cell.number_format = "0%"
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=4)
        ws.merge_cells(start_row=r + 5, start_column=1, end_row=r + 6, end_column=2)
        ws.merge_cells(start_row=r + 9, start_column=1, end_row=r + 10, end_column=1)
        r += len(rows) + 2
    buf = io.BytesIO()
    wb.save(buf)
    doc = read_bytes(buf.getvalue(), "one-sheet.xlsx")
    assert doc.warnings == []
    assert [p.name for p in doc.projects] == ["项目甲", "项目乙"]
    assert [p.budget for p in doc.projects] == [6.0, 0.72]
    assert doc.projects[1].spending_plan.as_list() == [25.0, 50.0, 75.0, 100.0]
    ind = doc.projects[0].indicators
    assert [(i.level1, i.level2) for i in ind] == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]
    assert ind[0].source.sheet == "绩效目标表"
