"""Binary reader fixtures (.xlsx, .docx, .pdf) built from the small tables defined in this module.

Each builder takes a target directory, writes one file there and returns its path. What a reader
should recover from each file is in expected.yaml under the ids xlsx_export, docx_four_level1 and
pdf_four_level1. The PDF follows tests/builders.py: reportlab, the built-in CID font STSong-Light,
a ruled table (GRID) with SPAN for merged cells, so pdfplumber finds the grid.

Usage:
    from tests.shapes.build_files import build_all
    paths = build_all(tmp_path)   # {"xlsx_export": Path, "docx_four_level1": Path, "pdf_four_level1": Path}
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

# ---------------------------------------------------------------------------------------------
# (a) budget-system Excel export, list form: one indicator per row
# ---------------------------------------------------------------------------------------------

XLSX_NAME = "绩效目标导出.xlsx"
XLSX_TITLE = "2025年度项目支出绩效目标（预算管理一体化系统导出）"
XLSX_HEADER = [
    "项目名称",
    "项目编码",
    "年度资金(元)",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标方向",
    "指标值",
    "计量单位",
]

# (项目名称, 项目编码, 年度资金(元), [(一级, 二级, 三级, 指标方向, 指标值, 计量单位), ...])
XLSX_SHEET1_TITLE = "项目绩效目标"
XLSX_SHEET1 = [
    (
        "乡镇卫生院远程心电诊断系统运维",
        "330521251100000001234",
        680000,
        [
            ("产出指标", "数量指标", "接入远程心电诊断的乡镇卫生院", "=", 16, "家"),
            ("产出指标", "数量指标", "年远程心电诊断例数", "≥", 24000, "例"),
            ("产出指标", "质量指标", "诊断报告复核符合率", "≥", 98, "%"),
            ("产出指标", "时效指标", "急诊心电报告出具时间", "≤", 15, "分钟"),
            ("产出指标", "成本指标", "单家卫生院年运维费用", "≤", 4.25, "万元"),
            ("效益指标", "社会效益指标", "基层心电检查患者外转率下降幅度", "≥", 10, "%"),
            ("满意度指标", "服务对象满意度指标", "就诊患者满意度", "≥", 90, "%"),
        ],
    ),
    (
        "城乡公交新能源车辆运营补贴",
        "330521251100000001291",
        1536000,
        [
            ("产出指标", "数量指标", "补贴新能源公交车辆数", "=", 64, "辆"),
            ("产出指标", "数量指标", "年运营里程", "≥", 380, "万公里"),
            ("产出指标", "质量指标", "车辆准点率", "≥", 95, "%"),
            ("产出指标", "时效指标", "补贴资金拨付时限", "≤", 30, "日"),
            ("产出指标", "成本指标", "单车年度运营补贴", "≤", 2.4, "万元"),
            ("效益指标", "生态效益指标", "年减少二氧化碳排放", "≥", 3200, "吨"),
            ("满意度指标", "服务对象满意度指标", "乘客满意度", "≥", 90, "%"),
        ],
    ),
]

XLSX_SHEET2_TITLE = "专项资金项目"
XLSX_SHEET2_CAPTION = "2025年度专项资金项目绩效目标"
XLSX_SHEET2 = [
    (
        "非物质文化遗产代表性传承人补助",
        "330521251100000001307",
        245000,
        [
            ("产出指标", "数量指标", "补助县级代表性传承人人数", "=", 49, "人"),
            ("产出指标", "质量指标", "传承人年度考核合格率", "≥", 95, "%"),
            ("产出指标", "时效指标", "补助资金发放月份", "≤", 6, "月"),
            ("产出指标", "成本指标", "人均补助标准", "=", 5000, "元"),
            ("效益指标", "社会效益指标", "开展传承展演活动场次", "≥", 120, "场"),
            ("满意度指标", "服务对象满意度指标", "传承人满意度", "≥", 95, "%"),
        ],
    ),
]


def _write_list_sheet(ws, caption: str, header_row: int, projects) -> None:
    from openpyxl.styles import Alignment, Font

    ws.cell(row=1, column=1, value=caption).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(XLSX_HEADER))
    for c, name in enumerate(XLSX_HEADER, start=1):
        ws.cell(row=header_row, column=c, value=name).font = Font(bold=True)
    r = header_row + 1
    for name, code, yuan, rows in projects:
        first = r
        ws.cell(row=r, column=1, value=name)
        ws.cell(row=r, column=2, value=code)
        money = ws.cell(row=r, column=3, value=yuan)
        money.number_format = "#,##0.00"
        for l1, l2, l3, op, value, unit in rows:
            for c, v in enumerate((l1, l2, l3, op, value, unit), start=4):
                ws.cell(row=r, column=c, value=v)
            r += 1
        last = r - 1
        for c in (1, 2, 3):
            ws.merge_cells(start_row=first, start_column=c, end_row=last, end_column=c)
            ws.cell(row=first, column=c).alignment = Alignment(vertical="center", wrap_text=True)
    for col, width in zip("ABCDEFGHI", (30, 24, 14, 12, 18, 32, 10, 10, 10)):
        ws.column_dimensions[col].width = width


def build_xlsx_export(target_dir) -> Path:
    """Two sheets. Sheet 1: title row, blank row, header on row 3, two projects whose 项目名称 /
    项目编码 / 年度资金(元) cells are merged down over their indicator rows. Sheet 2: title row,
    header on row 2, one more project."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = XLSX_SHEET1_TITLE
    _write_list_sheet(ws, XLSX_TITLE, 3, XLSX_SHEET1)
    _write_list_sheet(wb.create_sheet(XLSX_SHEET2_TITLE), XLSX_SHEET2_CAPTION, 2, XLSX_SHEET2)
    path = Path(target_dir) / XLSX_NAME
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# (b), (c) one four-一级 table (成本指标 first) with merged 一级/二级 cells, as .docx and as .pdf
# ---------------------------------------------------------------------------------------------

FOUR_TITLE = "江屿市教育局2025年度项目支出绩效目标表"
FOUR_UNIT = "单位：万元"
FOUR_COLS = 5
# header rows: (cells, spans) where spans are (first_col, last_col) merges in that row
FOUR_HEAD = [
    (["项目名称", "公办幼儿园保教设施更新"], [(1, 4)]),
    (["主管部门", "江屿市教育局", "实施单位", "江屿市学前教育指导中心"], [(3, 4)]),
    (["预算数", "78.5", "其中：财政资金", "78.5"], [(3, 4)]),
    (
        [
            "年度绩效目标",
            "为全市15所公办幼儿园更新户外游乐设施，购置儿童安全床1200张，设施安全检测合格率100%，"
            "暑期内完成安装，不影响正常保教。",
        ],
        [(1, 4)],
    ),
]
FOUR_COLUMNS = ["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"]
# (一级, 二级, 三级, 指标值, 依据); a run of equal 一级 (and of equal 二级 within it) is one merged cell
FOUR_ROWS = [
    ("成本指标", "经济成本指标", "设施设备购置总成本", "≤78.5万元", "年初预算"),
    ("成本指标", "社会成本指标", "改造期间停课天数", "0天", "计划标准"),
    ("产出指标", "数量指标", "更新户外游乐设施园所数", "15所", "计划标准"),
    ("产出指标", "数量指标", "购置儿童安全床", "1200张", "计划标准"),
    ("产出指标", "质量指标", "设施设备安全检测合格率", "100%", "行业标准"),
    ("产出指标", "时效指标", "设施安装完成时间", "2025年8月20日前", "计划标准"),
    ("效益指标", "社会效益指标", "园所办园条件达标率", "≥95%", "历史标准"),
    ("满意度指标", "服务对象满意度指标", "幼儿家长满意度", "≥92%", "问卷调查"),
]


def _runs(values: list[str]) -> list[tuple[int, int]]:
    """(first, last) index pairs of runs of equal adjacent values."""
    out, start = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            out.append((start, i - 1))
            start = i
    return out


def _four_vertical_merges() -> list[tuple[int, int, int]]:
    """(col, first_row, last_row) over the indicator rows (0-based within FOUR_ROWS)."""
    merges = []
    l1 = [r[0] for r in FOUR_ROWS]
    for a, b in _runs(l1):
        if b > a:
            merges.append((0, a, b))
        l2 = [FOUR_ROWS[i][1] for i in range(a, b + 1)]
        for c, d in _runs(l2):
            if d > c:
                merges.append((1, a + c, a + d))
    return merges


def _head_cells(cells: list[str], spans: list[tuple[int, int]]) -> list[str]:
    """Header row laid out on FOUR_COLS grid columns: each given cell at its column, span tails ''."""
    grid, col = [""] * FOUR_COLS, 0
    for text in cells:
        grid[col] = text
        span = next((s for s in spans if s[0] == col), None)
        col = (span[1] if span else col) + 1
    return grid


def build_docx_four_level1(target_dir) -> Path:
    """A .docx: title and unit paragraphs, then one table whose 一级 (and repeated 二级) cells are
    merged vertically and whose header value cells are merged horizontally; text is set after merging."""
    from docx import Document as WordDocument

    doc = WordDocument()
    doc.add_paragraph(FOUR_TITLE)
    doc.add_paragraph(FOUR_UNIT)
    nhead = len(FOUR_HEAD) + 1
    table = doc.add_table(rows=nhead + len(FOUR_ROWS), cols=FOUR_COLS)
    table.style = "Table Grid"
    for r, (cells, spans) in enumerate(FOUR_HEAD):
        grid = _head_cells(cells, spans)
        for a, b in spans:
            table.cell(r, a).merge(table.cell(r, b))
        for c, text in enumerate(grid):
            if text:
                table.cell(r, c).text = text
    for c, text in enumerate(FOUR_COLUMNS):
        table.cell(len(FOUR_HEAD), c).text = text
    merged = set()
    for col, a, b in _four_vertical_merges():
        cell = table.cell(nhead + a, col).merge(table.cell(nhead + b, col))
        cell.text = FOUR_ROWS[a][col]  # set once, after merging (merge concatenates paragraphs)
        merged.update((nhead + i, col) for i in range(a, b + 1))
    for i, row in enumerate(FOUR_ROWS):
        for c, text in enumerate(row):
            if (nhead + i, c) not in merged:
                table.cell(nhead + i, c).text = text
    path = Path(target_dir) / "四级指标绩效目标表.docx"
    doc.save(path)
    return path


FONT = "STSong-Light"


def build_pdf_four_level1(target_dir) -> Path:
    """The same table as a PDF with a text layer: a ruled reportlab Table (GRID) with SPAN for the
    merged cells, cell text in STSong-Light wrapped CJK-style."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    head = ParagraphStyle("head", fontName=FONT, fontSize=14, leading=20, spaceAfter=4)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, spaceAfter=4)

    def para(text: str, style):
        return Paragraph(escape(text), style)

    data: list[list] = []
    style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for r, (cells, spans) in enumerate(FOUR_HEAD):
        data.append([para(t, cell) if t else "" for t in _head_cells(cells, spans)])
        style += [("SPAN", (a, r), (b, r)) for a, b in spans]
    data.append([para(t, cell) for t in FOUR_COLUMNS])
    nhead = len(data)
    covered = set()
    for col, a, b in _four_vertical_merges():
        style.append(("SPAN", (col, nhead + a), (col, nhead + b)))
        covered.update((nhead + i, col) for i in range(a + 1, b + 1))
    for i, row in enumerate(FOUR_ROWS):
        data.append(["" if (nhead + i, c) in covered else para(t, cell) for c, t in enumerate(row)])
    usable = A4[0] - 2 * 56
    widths = [usable * w for w in (0.14, 0.22, 0.27, 0.19, 0.18)]
    story = [
        para(FOUR_TITLE, head),
        para(FOUR_UNIT, body),
        Table(data, colWidths=widths, style=TableStyle(style)),
    ]
    path = Path(target_dir) / "四级指标绩效目标表.pdf"
    SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=56, rightMargin=56, topMargin=56, bottomMargin=56
    ).build(story)
    return path


def build_all(target_dir) -> dict[str, Path]:
    """All three files, keyed by their expected.yaml ids."""
    return {
        "xlsx_export": build_xlsx_export(target_dir),
        "docx_four_level1": build_docx_four_level1(target_dir),
        "pdf_four_level1": build_pdf_four_level1(target_dir),
    }


__all__ = ["build_all", "build_docx_four_level1", "build_pdf_four_level1", "build_xlsx_export"]
