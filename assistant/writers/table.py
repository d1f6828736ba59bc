"""The standard 绩效目标表 layout as a grid, shared by the .docx, .xlsx and Markdown writers.

One place decides where every label and value sits and which cells merge, so the three writers
(and the drafting/review features that print a table) agree, and every reader can read the result
back: a horizontally merged cell is read once, a vertically merged continuation as an empty cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Document, Indicator, Project
from ..values import format_wan

PLAN_LABELS = ("3月底", "6月底", "10月底", "12月底")
BASE_HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
UNIT_HEADER = "计量单位"
HEADER_ROW = 7  # grid row of the indicator header


@dataclass
class GridCell:
    """A cell that holds text, placed at its top-left grid position, spanning rows and columns."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def fmt_percent(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"


def unit_label(project: Project) -> str:
    """预算单位 as written in the table: code and name run together, as in the budget system."""
    return f"{project.unit_code}{project.unit_name}"


def header(project: Project) -> list[str]:
    """The indicator header; a 计量单位 column only when the source had one."""
    cols = list(BASE_HEADER)
    if any(i.unit_column for i in project.indicators):
        cols.insert(4, UNIT_HEADER)
    return cols


def plan_cells(project: Project) -> list[str]:
    plan = project.spending_plan
    if len(plan.raw) == 4 and all(plan.raw):
        return list(plan.raw)
    return [fmt_percent(v) for v in plan.as_list()]


def _indicator_cells(ind: Indicator, with_unit: bool) -> list[str]:
    value = ind.value_raw
    if with_unit and ind.unit_column and value.rstrip().endswith(ind.unit_column):
        value = value.rstrip()[: -len(ind.unit_column)]  # the unit has its own column: not twice
    cells = [ind.level1, ind.level2, ind.level3, ind.description, value, ind.basis]
    if with_unit:
        cells.insert(4, ind.unit_column)
    return cells


def project_grid(project: Project) -> tuple[int, list[GridCell]]:
    """(width, cells) of one 绩效目标表; cells hold only the top-left of each merged area."""
    head = header(project)
    w = len(head)
    cells: list[GridCell] = []

    def put(row: int, col: int, text: str, colspan: int = 1, rowspan: int = 1) -> None:
        cells.append(GridCell(row, col, text, rowspan, colspan))

    put(0, 0, "预算单位")
    put(0, 1, unit_label(project), colspan=w - 3)
    put(0, w - 2, "单位：万元", colspan=2)
    code_span = (w - 2) // 2
    put(1, 0, "项目编码")
    put(1, 1, project.code, colspan=code_span)
    put(1, 1 + code_span, "项目名称")
    put(1, 2 + code_span, project.name, colspan=w - 2 - code_span)
    funds = [
        "预算数",
        format_wan(project.budget),
        "其中：财政资金",
        format_wan(project.fiscal_funds),
        "其他资金",
    ]
    for i, text in enumerate(funds):
        put(2, i, text)
    put(2, 5, format_wan(project.other_funds), colspan=w - 5)
    put(3, 0, "资金用途")
    put(3, 1, project.purpose, colspan=w - 1)
    put(4, 0, "资金支出计划（%）", colspan=w - 4, rowspan=2)
    for i, (label, value) in enumerate(zip(PLAN_LABELS, plan_cells(project))):
        put(4, w - 4 + i, label)
        put(5, w - 4 + i, value)
    put(6, 0, "绩效目标")
    put(6, 1, project.goal, colspan=w - 1)
    for i, text in enumerate(head):
        put(HEADER_ROW, i, text)

    rows = [_indicator_cells(ind, UNIT_HEADER in head) for ind in project.indicators]
    first = HEADER_ROW + 1
    for col in range(w):
        r = 0
        while r < len(rows):
            span = 1
            if col < 2 and rows[r][col]:
                # 一级 merges down while it repeats; 二级 merges only inside its 一级 group
                while (
                    r + span < len(rows)
                    and rows[r + span][col] == rows[r][col]
                    and (col == 0 or rows[r + span][0] == rows[r][0])
                ):
                    span += 1
            put(first + r, col, rows[r][col], rowspan=span)
            r += span
    return w, cells


def project_table_rows(project: Project) -> list[list[str]]:
    """The grid as plain rows of strings, every row `width` long; merged areas hold their text in
    the top-left cell and '' elsewhere (the way a text export shows a merged cell)."""
    w, cells = project_grid(project)
    n = max(c.row + c.rowspan for c in cells)
    grid = [[""] * w for _ in range(n)]
    for c in cells:
        grid[c.row][c.col] = c.text
    return grid


def project_title(index: int, project: Project) -> str:
    """The heading printed above a table: '1.局属场医保绩效目标表'."""
    return f"{index}.{project.name or '未命名项目'}绩效目标表"


PART1_HEADING = "第一部分 部门整体绩效目标"
PART2_HEADING = "第二部分 预算项目绩效目标"


def part1_paragraphs(doc: Document) -> list[tuple[str, int]]:
    """The 第一部分 as (text, level) paragraphs; level 0 title, 1 part, 2 section, 9 body text.

    The cover lines are written as read (else the title, split into department and the rest), so
    a reader finds title and department again; both part headings are written whenever there is 第一部分
    text, so the title is never mistaken for body text."""
    out: list[tuple[str, int]] = []
    title = doc.title or doc.department
    if doc.cover and (not doc.title or "".join(doc.cover[:3]) == doc.title):
        out += [(line, 0 if i < 3 else 9) for i, line in enumerate(doc.cover)]  # 编制/审核 lines too
    elif doc.department and title.startswith(doc.department) and title != doc.department:
        out += [(doc.department, 0), (title[len(doc.department) :], 0)]
    elif title:
        out.append((title, 0))
    if not (doc.overall_goal or doc.goal_areas or doc.safeguards):
        return out  # a single drafted table: no empty 第一部分 heading (the title lines are its cover)
    out.append((PART1_HEADING, 1))
    if doc.overall_goal:
        out.append(("一、总体绩效目标", 2))
        out += [(line, 9) for line in doc.overall_goal.splitlines() if line.strip()]
    if doc.goal_areas:
        out.append(("二、分项绩效目标", 2))
        for area in doc.goal_areas:
            out.append((f"{area.number}、{area.title}", 9))
            out.append((f"绩效目标：{area.goal}", 9))
            if area.indicators_text:
                out.append((f"绩效指标：{area.indicators_text}", 9))
    if doc.safeguards:
        out.append(("三、工作保障措施", 2))
        out += [(line, 9) for line in doc.safeguards.splitlines() if line.strip()]
    out.append((PART2_HEADING, 1))
    return out
