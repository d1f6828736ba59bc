""".docx: paragraphs and table rows in body order.

A horizontally merged cell is kept once and a vertical continuation is an empty cell: exactly how the
Word text export shows them, so `layout` carries 一级/二级 names down the rows the same way for both
formats. Control characters (a Word field's leftovers, text pasted from other systems) are removed.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import InputError
from ..models import SourceLocation
from .layout import Block
from .limits import main_part
from .normalize import clean_control

_NOT_DOCX = "文件「{name}」不是有效的 Word 文档（.docx），可能已损坏或只是改了扩展名。请用 Word 打开后另存为 .docx 再试。"


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _main_part(data: bytes, name: str) -> tuple[zipfile.ZipFile, str]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise InputError(f"文件「{name}」是旧版 Word 格式（.doc）。请在 Word 中另存为 .docx 后再上传。")
        raise InputError(_NOT_DOCX.format(name=name))
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        part = main_part(z)
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise InputError(_NOT_DOCX.format(name=name)) from e
    if part is None:
        z.close()
        raise InputError(_NOT_DOCX.format(name=name))
    return z, part


_T, _BR, _R, _LINK = f"{_W}t", f"{_W}br", f"{_W}r", f"{_W}hyperlink"
_SIGNS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def _run_text(r) -> str:
    """A run's text as python-docx reads it: w:t, tabs, line breaks (not page or column breaks), hyphens."""
    out = []
    for e in r:
        if e.tag == _T:
            out.append(e.text or "")
        elif e.tag == _BR:
            out.append("\n" if e.get(f"{_W}type", "textWrapping") == "textWrapping" else "")
        elif e.tag in _SIGNS:
            out.append(_SIGNS[e.tag])
    return "".join(out)


def paragraph_text(p) -> str:
    """A paragraph's runs, hyperlinks' runs included, in order."""
    out = []
    for child in p:
        if child.tag == _R:
            out.append(_run_text(child))
        elif child.tag == _LINK:
            out += [_run_text(r) for r in child if r.tag == _R]
    return "".join(out)


def _cell_text(tc) -> str:
    """A cell's own paragraphs, one per line; "" for a vertical-merge continuation."""
    props = tc.find(f"{_W}tcPr")
    merge = props.find(f"{_W}vMerge") if props is not None else None
    if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
        return ""
    return clean_control("\n".join(paragraph_text(p) for p in tc.iterchildren(f"{_W}p")))


def docx_blocks(data: bytes, name: str) -> list[Block]:
    """Body paragraphs and table rows in document order, read by streaming the document part: memory
    stays small however many tables, and the text is what python-docx's API gives, without its cost.
    SourceLocation: table = index of the table in the file (1-based), row = row index in that table
    (1-based). A horizontally merged cell is kept once, a vertical continuation is an empty cell."""
    from lxml import etree

    z, part = _main_part(data, name)
    blocks: list[Block] = []
    tables = 0
    try:
        with z, z.open(part) as stream:
            events = etree.iterparse(
                stream,
                events=("end",),
                tag=(f"{_W}p", f"{_W}tbl"),
                resolve_entities=False,
                remove_blank_text=True,
            )
            for _, el in events:
                body = el.getparent()
                if body is None or body.tag != f"{_W}body":
                    continue  # a paragraph inside a table cell: read with its table
                if el.tag == f"{_W}tbl":
                    tables += 1
                    for r, tr in enumerate(el.iterchildren(f"{_W}tr"), start=1):
                        cells = [_cell_text(tc) for tc in tr.iterchildren(f"{_W}tc")]
                        blocks.append(
                            Block(
                                cells=cells, is_row=True, loc=SourceLocation(file=name, table=tables, row=r)
                            )
                        )
                elif (text := clean_control(paragraph_text(el))).strip():
                    blocks.append(
                        Block(cells=[text], is_row=False, loc=SourceLocation(file=name, table=None))
                    )
                el.clear()  # done with it: the tree never holds more than one table
                while el.getprevious() is not None:
                    del body[0]
    except etree.XMLSyntaxError as e:
        raise InputError(f"文件「{name}」内容已损坏，无法读取。请用 Word 打开修复后另存再试。") from e
    except (KeyError, ValueError, IndexError, AttributeError, zipfile.BadZipFile, OSError) as e:
        raise InputError(f"文件「{name}」的表格结构无法读取。请用 Word 打开后另存为 .docx 再试。") from e
    return blocks
