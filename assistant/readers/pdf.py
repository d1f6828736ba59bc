"""PDF with a text layer (pdfplumber): ruled tables as rows, the text around them as paragraphs,
in page order.

pdfplumber returns None for a grid position covered by a merged cell. A position covered from the
left (a horizontal span) is dropped; one covered from above becomes an empty cell, as in the Word
text export. Lines wrapped inside a cell or a paragraph are joined again; a line that ends short of
the right edge, or a next line that starts a numbered item, keeps its line break.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import statistics

import pdfplumber
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ..errors import InputError, LimitError
from ..models import SourceLocation
from ..settings import get_settings
from .layout import Block

# pdfminer logs English warnings about damaged fonts and streams; the user gets our message instead
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_NO_TEXT = "该PDF没有文字层（可能是扫描件），无法读取文字。请使用原始的 Word/Excel 文件，或先用 OCR 软件转换为可复制文字的 PDF。"
_ITEM_START = re.compile(
    r"^\s*(\d{1,2}\s*[.、．)）]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、|第[一二三四五六七八九十]+部分)"
)
_PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,4}[-—–\s]*$|^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$")


def _open(data: bytes, name: str):
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"文件「{name}」不是有效的 PDF 文件，可能已损坏或只是改了扩展名。")
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfminer raises PDFSyntaxError, PSEOF, struct errors and more
        raise InputError(
            f"文件「{name}」不是有效的 PDF 文件或已损坏。请用 PDF 阅读器确认能打开，或改用 Word/Excel 原件。"
        ) from e


def _join_lines(lines: list[dict], right: float) -> str:
    """Join text lines (pdfplumber line dicts with x1) that wrapped at `right`."""
    out = ""
    for i, line in enumerate(lines):
        text = line["text"].strip()
        if i > 0:
            prev = lines[i - 1]
            widths = [c["x1"] - c["x0"] for c in prev.get("chars", []) if c.get("text", "").strip()]
            char_w = statistics.median(widths) if widths else 9.0
            wrapped = right - prev["x1"] < 2.2 * max(char_w, 4.0)
            out += "" if wrapped and not _ITEM_START.match(text) else "\n"
        out += text
    return out


def _cell_text(page, bbox, text: str) -> str:
    if "\n" not in text:
        return text.strip()
    lines = page.within_bbox(bbox).extract_text_lines(strip=True)
    if not lines:
        return text.strip()
    pad = min(line["x0"] for line in lines) - bbox[0]  # the cell's padding, assumed equal on both sides
    return _join_lines(lines, bbox[2] - max(pad, 0.0))


def _table_rows(page, table, page_no: int, index: int) -> list[Block]:
    rows = table.rows
    texts = table.extract()
    col_x0: dict[int, float] = {}
    for row in rows:
        for j, cell in enumerate(row.cells):
            if cell is not None:
                col_x0.setdefault(j, cell[0])
    blocks = []
    for r, (row, values) in enumerate(zip(rows, texts), start=1):
        cells: list[str] = []
        covered_to = -1.0  # right edge of the last real cell in this row
        for j, (bbox, value) in enumerate(zip(row.cells, values)):
            if bbox is None:
                if col_x0.get(j, covered_to) < covered_to - 0.5:
                    continue  # spanned from the left
                cells.append("")  # spanned from above
                continue
            covered_to = bbox[2]
            cells.append(_cell_text(page, bbox, value or ""))
        loc = SourceLocation(page=page_no, table=index, row=r)
        blocks.append(Block(cells=cells, is_row=True, loc=loc))
    return blocks


def _outside_lines(page, tables) -> list[dict]:
    outside = page
    for t in tables:
        outside = outside.outside_bbox(t.bbox)
    lines = outside.extract_text_lines(strip=True)
    return [ln for ln in lines if ln["text"].strip() and not _PAGE_NUMBER.match(ln["text"].strip())]


def _paragraph_blocks(items: list[tuple[str, object, int]]) -> list[Block]:
    """Turn the page-ordered items into blocks, joining text lines that wrapped at the text area's
    right edge (across a page break too) unless the next line is indented or starts an item."""
    lines = [it for kind, it, _ in items if kind == "line"]
    right = max((ln["x1"] for ln in lines), default=0.0)
    left = min((ln["x0"] for ln in lines), default=0.0)
    blocks: list[Block] = []
    prev: dict | None = None
    for kind, it, page_no in items:
        if kind == "row":
            blocks.append(it)
            prev = None
            continue
        text = it["text"].strip()
        if prev is not None:
            widths = [c["x1"] - c["x0"] for c in prev.get("chars", []) if c.get("text", "").strip()] or [9.0]
            char_w = max(statistics.median(widths), 4.0)
            wrapped = right - prev["x1"] < 2.2 * char_w
            indented = it["x0"] - left > 1.5 * char_w
            if wrapped and not indented and not _ITEM_START.match(text):
                blocks[-1].cells[0] += text
                prev = it
                continue
        blocks.append(Block(cells=[text], is_row=False, loc=SourceLocation(page=page_no)))
        prev = it
    return blocks


def pdf_blocks(data: bytes, name: str) -> list[Block]:
    """Tables and paragraphs of every page, top to bottom. SourceLocation: page (1-based), table =
    the table's number in the file, row = row index in that table."""
    pdf = _open(data, name)
    limit = get_settings().max_pdf_pages
    if len(pdf.pages) > limit:
        pdf.close()
        raise LimitError(
            f"文件「{name}」有 {len(pdf.pages)} 页，超过 {limit} 页上限。请拆分后再上传，或请管理员调整 JIXIAO_MAX_PDF_PAGES。"
        )
    items: list[tuple[str, object, int]] = []
    has_text = False
    tables_seen = 0
    try:
        for page_no, page in enumerate(pdf.pages, start=1):
            if not page.chars:
                continue
            has_text = True
            tables = page.find_tables()
            placed: list[tuple[float, int, str, object]] = []
            for t in tables:
                tables_seen += 1
                for k, row in enumerate(_table_rows(page, t, page_no, tables_seen)):
                    placed.append((t.bbox[1], k, "row", row))
            placed += [(ln["top"], 0, "line", ln) for ln in _outside_lines(page, tables)]
            items += [(kind, it, page_no) for _, _, kind, it in sorted(placed, key=lambda p: (p[0], p[1]))]
            page.flush_cache()
    except InputError:
        raise
    except Exception as e:  # pdfminer errors on damaged content streams
        raise InputError(f"文件「{name}」的内容无法解析，PDF 可能已损坏。请改用 Word/Excel 原件。") from e
    finally:
        # closing iterates the pages again and may meet the same damage
        with contextlib.suppress(PdfminerException, MalformedPDFException):
            pdf.close()
    if not has_text:
        raise InputError(f"文件「{name}」：{_NO_TEXT}")
    return _paragraph_blocks(items)
