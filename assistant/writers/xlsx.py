"""A Document as .xlsx: a first sheet with the 第一部分 text (one paragraph per row), then one sheet
per project in the standard 绩效目标表 layout with merged cells (`table.project_grid`)."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from ..models import Document, Project
from .cells import harden
from .table import part1_paragraphs, project_grid, project_title

PART1_SHEET = "部门整体绩效目标"
_BAD_CHARS = re.compile(r"[\[\]:*?/\\]")
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_COL_WIDTHS = (14, 16, 22, 30, 14, 22, 14)


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters, not blank."""
    base = _BAD_CHARS.sub("_", title).strip("' ") or "Sheet"
    name = base[:31]
    n = 2
    while name.lower() in taken:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _project_sheet(ws, index: int, project: Project) -> None:
    width, cells = project_grid(project)
    ws.cell(row=1, column=1, value=project_title(index, project)).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    top = 2  # grid row 0 goes to sheet row 2
    nrows = max(c.row + c.rowspan for c in cells)
    for r in range(nrows):
        for col in range(width):
            cell = ws.cell(row=top + r, column=col + 1)
            cell.border, cell.alignment = _BORDER, _WRAP
    for c in cells:
        cell = ws.cell(row=top + c.row, column=c.col + 1, value=c.text or None)
        cell.number_format = "@"  # keep '6.00', '25%' and codes as written
        if c.rowspan > 1 or c.colspan > 1:
            ws.merge_cells(
                start_row=top + c.row,
                start_column=c.col + 1,
                end_row=top + c.row + c.rowspan - 1,
                end_column=c.col + c.colspan,
            )
    for col in range(width):
        ws.column_dimensions[chr(ord("A") + col)].width = _COL_WIDTHS[col]


def document_xlsx(doc: Document) -> bytes:
    """Render the whole 绩效文本 as an Excel workbook."""
    wb = Workbook()
    ws = wb.active
    taken: set[str] = set()
    ws.title = sheet_name(PART1_SHEET, taken)
    ws.column_dimensions["A"].width = 100
    for r, (text, level) in enumerate(part1_paragraphs(doc), start=1):
        cell = ws.cell(row=r, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if level < 9:
            cell.font = Font(bold=True, size=16 - 2 * level)
    for n, project in enumerate(doc.projects, start=1):
        _project_sheet(wb.create_sheet(sheet_name(f"{n}.{project.name or '未命名项目'}", taken)), n, project)
    if doc.projects and not (doc.overall_goal or doc.goal_areas or doc.safeguards or doc.cover):
        wb.remove(ws)  # a single drafted table has no 第一部分: open straight on the table
    harden(wb)  # document text is data: never a live formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
