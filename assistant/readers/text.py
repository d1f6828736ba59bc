"""Text files: the Word text export (cell per line behind a tab, rows split by blank lines) and text
pasted from web pages in every shape seen: pipe rows (with runs of empty trailing cells), one cell per
line (with or without `|` marks), tab rows, rows split by runs of spaces, and cells run together with
no separator. Encoding is detected (GBK/GB18030 files are common); Traditional characters and pinyin
annotations are normalised first (normalize.py)."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from ..errors import InputError
from ..models import SourceLocation
from .layout import Block
from .normalize import normalize_page
from .runtogether import looks_run_together, split_line
from .sections import looks_sectioned, section_blocks
from .table import HARD, LINE, WEAK, is_category, is_header_cell

_META = re.compile(r"^(source|title)\s*:\s*", re.I)  # the store's header lines of a saved web page
_MD_SEPARATOR = re.compile(r"^[|\s:\-—]+$")
_SPACES = re.compile(r"\s{2,}|\u3000+")


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, then charset-normalizer's best guess."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"文件「{name}」无法识别文字编码，请另存为 UTF-8 或 GBK 编码的文本后重试。")
    return str(best)


def export_blocks(text: str) -> list[Block]:
    """The Word text export: a line starting with a tab is a cell; a blank line ends a row; a line
    without a tab right after a cell continues that cell."""
    blocks: list[Block] = []
    row: Block | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if line.startswith("\t"):
            if row is None:
                row = Block(cells=[], is_row=True, loc=SourceLocation(line=n))
                blocks.append(row)
            row.cells.append(line[1:])
        elif line == "":
            row = None
        elif row is not None:
            row.cells[-1] += "\n" + line
        else:
            blocks.append(Block(cells=[line], is_row=False, loc=SourceLocation(line=n)))
    return _join_split_rows(blocks)


def _join_split_rows(blocks: list[Block]) -> list[Block]:
    """A page break inside a table splits one indicator row into several short rows: after an
    indicator header, join short rows until they fill the header's width."""
    out: list[Block] = []
    width = 0
    for b in blocks:
        if not b.is_row:
            out.append(b)
            continue
        if any("一级指标" in c for c in b.cells):
            width = len(b.cells)
        elif any(re.match(r"^\d{6}[\u4e00-\u9fff]", c.strip()) for c in b.cells):
            width = 0
        prev = out[-1] if out else None
        if width and prev is not None and prev.is_row and len(prev.cells) < width and len(prev.cells) + len(b.cells) <= width:
            prev.cells.extend(b.cells)
            continue
        out.append(b)
    return out


def _pipe_cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.strip().split("|")]
    if cells and cells[0] == "" and line.strip().startswith("|"):
        cells = cells[1:]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def line_blocks(text: str) -> list[Block]:
    """Every other shape, line by line. Pipe rows dominate a page pasted from an HTML table; there a
    line without pipes is a paragraph (a heading, 第一部分 text). Elsewhere each line is a cell, or
    several when tabs, runs of spaces or the vocabulary split it."""
    lines = text.splitlines()
    multi = sum(1 for line in lines if len([c for c in _pipe_cells(line) if c]) >= 2)
    pipe_rows = multi >= 5
    tab_rows = sum(1 for line in lines if "\t" in line.strip("\t ")) >= 5
    # rows split by runs of spaces: only where that is the page's habit, not a cell with a wide gap inside
    spaced = sum(1 for line in lines if len([c for c in _SPACES.split(line.strip()) if c]) >= 2)
    spaced_rows = spaced >= 5 and spaced >= 0.25 * sum(1 for line in lines if line.strip())
    # "cell\n|\ncell\n|\n|\ncell": a lone bar after a cell only closes it; a second one is an empty cell
    lone = sum(1 for line in lines if line.strip() == "|")
    content = [line.strip() for line in lines if line.strip() and line.strip() != "|"]
    bar_closes = lone >= 5 and sum(1 for c in content if c.endswith("|")) < 0.2 * max(len(content), 1)
    prev_content = False
    run_together = False
    out: list[Block] = []
    for n, raw in enumerate(lines, start=1):
        if bar_closes and raw.strip() == "|" and prev_content:
            prev_content = False
            continue
        prev_content = bool(raw.strip()) and raw.strip() != "|"
        loc = SourceLocation(line=n)
        line = raw.rstrip()
        meta = _META.match(line)
        if meta:
            if line[: meta.end()].lower().startswith("title"):
                out.append(Block(cells=[line[meta.end() :].strip()], is_row=False, loc=loc))
            continue
        s = line.strip()
        if not s:
            continue
        if "|" in s:
            if _MD_SEPARATOR.match(s) and "-" in s:
                continue
            cells = _pipe_cells(s)
            if not any(cells):
                out.append(Block(cells=[""], is_row=True, loc=loc, brk=WEAK))
                continue
            if len(cells) == 1 and looks_run_together(cells[0]):
                out.append(Block(cells=split_line(cells[0]), is_row=True, loc=loc, brk=LINE))
                run_together = True
                continue
            out.append(Block(cells=cells, is_row=True, loc=loc, brk=LINE))
            if len(cells) == 1 and s.count("|") >= 2 and not s.startswith("|"):  # "3500 | |": empty cells follow
                out.append(Block(cells=[""], is_row=True, loc=loc, brk=WEAK))
            continue
        if tab_rows and "\t" in line.strip("\t "):
            out.append(Block(cells=[c.strip() for c in line.split("\t")], is_row=True, loc=loc, brk=HARD))
            continue
        if looks_run_together(s):
            out.append(Block(cells=split_line(s), is_row=True, loc=loc, brk=LINE))
            run_together = True
            continue
        words = s.split()
        if len(words) >= 3 and all(is_header_cell(w) for w in words):  # "一级指标 二级指标 三级指标 …"
            out.append(Block(cells=words, is_row=True, loc=loc, brk=LINE))
            continue
        chunks = [c for c in _SPACES.split(s) if c.strip()]
        if len(chunks) >= 2 and spaced_rows and not pipe_rows and _is_spaced_row(raw, chunks):
            out.append(Block(cells=chunks, is_row=True, loc=loc, brk=LINE))
            continue
        if pipe_rows:
            out.append(Block(cells=[s], is_row=False, loc=loc))
        else:
            out.append(Block(cells=[s], is_row=True, loc=loc, brk=LINE))
    _mark_open_end(lines, out)
    if run_together:  # a page that lost its separators somewhere: any of its cells may be glued
        for b in out:
            b.glued = b.is_row
    return _join_wrapped_names(out)


def _join_wrapped_names(blocks: list[Block]) -> list[Block]:
    """A category name wrapped over two lines (经济效益 / 指标, 服务对象 / 满意度指标) is one cell."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if prev is not None and prev.is_row and b.is_row and b.cells and prev.cells and prev.brk >= LINE:
            a, c = prev.cells[-1].strip(), b.cells[0].strip()
            joined = a + c
            wrapped = (is_category(joined) and (not is_category(a) or c == "指标")) or (
                is_header_cell(joined) and not is_header_cell(a) and not is_header_cell(c)
            )
            if a and c and len(a) <= 12 and wrapped:
                prev.cells[-1] = a + c
                prev.cells += b.cells[1:]
                prev.brk, prev.open_end = b.brk, b.open_end
                continue
        out.append(b)
    return out


def _mark_open_end(lines: list[str], out: list[Block]) -> None:
    """A page that stops inside a table: its last line has no closing separator."""
    last = next((line for line in reversed(lines) if line.strip()), "")
    if out and out[-1].is_row and not last.rstrip().endswith(("|", "\t")):
        out[-1].open_end = True


def _is_spaced_row(raw: str, chunks: list[str]) -> bool:
    """Cells split by runs of spaces: short chunks (a sentence with a wide gap is not a row)."""
    return all(len(c) <= 40 for c in chunks) and (len(chunks) >= 3 or raw.startswith(" ") or len(chunks[0]) <= 12)


def text_blocks(text: str) -> list[Block]:
    """Normalise, then pick the shape by what the lines look like."""
    text, notes = normalize_page(text)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    tab_start = sum(1 for line in lines if line.startswith("\t") and "\t" not in line[1:].strip())
    if tab_start >= 0.2 * len(lines):
        blocks = export_blocks(text)
    elif looks_sectioned(lines):
        blocks = section_blocks(text.splitlines())
    else:
        blocks = line_blocks(text)
    return [Block(cells=[], is_row=False, warning=n) for n in notes] + blocks
