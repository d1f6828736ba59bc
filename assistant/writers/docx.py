"""A Document as .docx: the 第一部分 as paragraphs, then one 绩效目标表 per project with merged
cells, laid out by `table.project_grid` so `readers.docx` reads it back into the same Document."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from ..models import Document, Project
from .table import part1_paragraphs, project_grid, project_title

_FONT = "宋体"


def _set_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = _FONT
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)


def _add_table(document, project: Project) -> None:
    width, cells = project_grid(project)
    nrows = max(c.row + c.rowspan for c in cells)
    table = document.add_table(rows=nrows, cols=width)
    table.style = "Table Grid"
    grid = [list(r.cells) for r in table.rows]  # cell lookups once: table.cell() is O(n) each
    for c in cells:
        cell = grid[c.row][c.col]
        if c.rowspan > 1 or c.colspan > 1:
            cell = cell.merge(grid[c.row + c.rowspan - 1][c.col + c.colspan - 1])
        cell.text = c.text  # after merge(): merging concatenates the cells' text


def document_docx(doc: Document) -> bytes:
    """Render the whole 绩效文本 as a Word file."""
    document = WordDocument()
    _set_font(document)
    for text, level in part1_paragraphs(doc):
        if level == 9:
            document.add_paragraph(text)
        else:
            p = document.add_heading(text, level=level)
            if level == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for n, project in enumerate(doc.projects, start=1):
        document.add_heading(project_title(n, project), level=3)
        _add_table(document, project)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
