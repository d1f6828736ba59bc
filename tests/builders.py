"""Test inputs built from a Document: a ruled-table PDF (reportlab, built-in CID font) and text
pasted from a web page in its three shapes. Shared by the reader tests and benchmarks/bench_parse.py.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from assistant.models import Document
from assistant.writers.table import part1_paragraphs, project_grid, project_table_rows, project_title

FONT = "STSong-Light"


def _styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK", firstLineIndent=21
    )
    head = ParagraphStyle("head", fontName=FONT, fontSize=13, leading=20, spaceBefore=6, spaceAfter=4)
    return cell, body, head


def _para(text: str, style):
    from reportlab.platypus import Paragraph

    # reportlab collapses runs of spaces to one, as HTML does; the round-trip test allows for it
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def document_pdf(doc: Document) -> bytes:
    """The document as a PDF with a text layer: part 1 as paragraphs, each 绩效目标表 as a ruled
    table with merged cells (reportlab SPAN), so pdfplumber finds the grid."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    cell, body, head = _styles()
    story = []
    for text, level in part1_paragraphs(doc):
        story.append(_para(text, body if level == 9 else head))
    usable = A4[0] - 2 * 56
    for n, project in enumerate(doc.projects, start=1):
        width, cells = project_grid(project)
        nrows = max(c.row + c.rowspan for c in cells)
        data = [[""] * width for _ in range(nrows)]
        style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        for c in cells:
            data[c.row][c.col] = _para(c.text, cell) if c.text else ""
            if c.rowspan > 1 or c.colspan > 1:
                style.append(("SPAN", (c.col, c.row), (c.col + c.colspan - 1, c.row + c.rowspan - 1)))
        ratios = (
            [0.13, 0.15, 0.18, 0.22, 0.14, 0.18] if width == 6 else [0.12, 0.13, 0.16, 0.2, 0.1, 0.12, 0.17]
        )
        story.append(_para(project_title(n, project), head))
        story.append(
            Table(data, colWidths=[usable * r for r in ratios], style=TableStyle(style), repeatRows=0)
        )
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=56, rightMargin=56, topMargin=56, bottomMargin=56).build(
        story
    )
    return buf.getvalue()


def _part1_lines(doc: Document) -> list[str]:
    return [text for text, _ in part1_paragraphs(doc)]


def pasted_pipes(doc: Document, drop_leading_merged: bool = True) -> str:
    """Pipe rows as a web table copies them; merged cells that continue a row above are dropped
    from the front of the row when `drop_leading_merged`."""
    lines = _part1_lines(doc)
    for n, p in enumerate(doc.projects, start=1):
        lines.append(project_title(n, p))
        for row in project_table_rows(p):
            cells = [c.replace("\n", " ") for c in row]
            if drop_leading_merged and row[0] == "" and any(row):
                while cells and cells[0] == "":
                    cells.pop(0)
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def pasted_tabs(doc: Document) -> str:
    """Tab-separated rows, as a spreadsheet or a web table copies them (empty cells kept)."""
    lines = _part1_lines(doc)
    for n, p in enumerate(doc.projects, start=1):
        lines.append(project_title(n, p))
        lines += ["\t".join(c.replace("\n", " ") for c in row) for row in project_table_rows(p)]
    return "\n".join(lines) + "\n"


def pasted_cell_per_line(doc: Document) -> str:
    """One cell per line, empty cells gone: what a browser gives for a table without its layout."""
    lines = _part1_lines(doc)
    for n, p in enumerate(doc.projects, start=1):
        lines.append(project_title(n, p))
        for row in project_table_rows(p):
            lines += [c for c in row if c.strip()]
    return "\n".join(lines) + "\n"
