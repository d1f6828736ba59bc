""".docx: paragraphs and table rows in body order.

python-docx's `row.cells` repeats a merged cell once per grid column it spans and, for a vertical
merge, returns the cell above. We keep a horizontally merged cell once and emit a vertical
continuation as an empty cell: exactly how the Word text export shows them, so `layout` carries
一级/二级 names down the rows the same way for both formats.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import InputError
from ..models import SourceLocation
from .layout import Block

_NOT_DOCX = "文件「{name}」不是有效的 Word 文档（.docx），可能已损坏或只是改了扩展名。请用 Word 打开后另存为 .docx 再试。"


def _open(data: bytes, name: str):
    from docx import Document as WordDocument
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise InputError(f"文件「{name}」是旧版 Word 格式（.doc）。请在 Word 中另存为 .docx 后再上传。")
        raise InputError(_NOT_DOCX.format(name=name))
    try:
        return WordDocument(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError, OSError) as e:
        raise InputError(_NOT_DOCX.format(name=name)) from e
    except Exception as e:  # lxml XMLSyntaxError and other damage inside the package
        raise InputError(f"文件「{name}」内容已损坏，无法读取。请用 Word 打开修复后另存再试。") from e


def _row_cells(row) -> list[str]:
    own = list(row._tr.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tc"))
    out: list[str] = []
    prev = None
    for cell in row.cells:
        tc = cell._tc
        if tc is prev:
            continue  # the same cell again: a horizontal span
        prev = tc
        if not any(tc is x for x in own):
            out.append("")  # a vertical merge continues from the row above
        else:
            out.append(cell.text)
    return out


def docx_blocks(data: bytes, name: str) -> list[Block]:
    """Body paragraphs and table rows in document order. SourceLocation: table = index of the
    table in the file (1-based), row = row index in that table (1-based)."""
    from docx.table import Table

    document = _open(data, name)
    blocks: list[Block] = []
    tables = 0
    try:
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                tables += 1
                for r, row in enumerate(item.rows, start=1):
                    loc = SourceLocation(file=name, table=tables, row=r)
                    blocks.append(Block(cells=_row_cells(row), is_row=True, loc=loc))
            elif item.text.strip():
                blocks.append(
                    Block(cells=[item.text], is_row=False, loc=SourceLocation(file=name, table=None))
                )
    except (KeyError, ValueError, IndexError, AttributeError) as e:
        raise InputError(f"文件「{name}」的表格结构无法读取。请用 Word 打开后另存为 .docx 再试。") from e
    return blocks
