"""Text files: the Word text export (cell per line behind a tab, rows split by blank lines) and text
pasted from web pages (pipe rows, tab rows, or one cell per line). Encoding is detected (GBK/GB18030
files are common)."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from ..errors import InputError
from ..models import SourceLocation
from .layout import Block
from .paste import cell_per_line_blocks


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


def delimited_blocks(text: str, sep: str) -> list[Block]:
    """Rows of cells split by `sep` ('|' or a tab); other lines are paragraphs."""
    blocks: list[Block] = []
    for n, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if sep == "|" and s.startswith("|"):
            if re.fullmatch(r"[|\s:\-—]+", s):
                continue  # markdown separator row
            cells = s.strip("|").split("|")
            blocks.append(Block(cells=[c.strip() for c in cells], is_row=True, loc=SourceLocation(line=n)))
        elif sep == "\t" and "\t" in line.strip("\t "):
            blocks.append(Block(cells=[c.strip() for c in line.split("\t")], is_row=True, loc=SourceLocation(line=n)))
        elif s:
            blocks.append(Block(cells=[s], is_row=False, loc=SourceLocation(line=n)))
    return blocks


def text_blocks(text: str) -> list[Block]:
    """Pick the shape by what the lines look like."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    # the export puts one cell behind one leading tab; a pasted tab row has tabs between its cells
    tab_start = sum(1 for line in lines if line.startswith("\t") and "\t" not in line[1:].strip())
    pipes = sum(1 for line in lines if line.strip().startswith("|") and line.count("|") >= 3)
    inner_tabs = sum(1 for line in lines if "\t" in line.strip("\t "))
    if tab_start >= 0.2 * len(lines):
        return export_blocks(text)
    if pipes >= 5:
        return delimited_blocks(text, "|")
    if inner_tabs >= 5:
        return delimited_blocks(text, "\t")
    return cell_per_line_blocks(text)
