"""One entry point, `read_document`, for every format staff hold; each returns the same Document.

Limits (limits.py, settings.max_*) are checked before the work each guards: the file's size first,
a zip's inflated size before it is opened, a workbook's rows and columns before it is loaded, the rows
read before they are interpreted, the tables found last.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..models import Document
from ..settings import get_settings
from . import limits
from .layout import Block, build_document

SUPPORTED = (".txt", ".docx", ".xlsx", ".pdf", ".md", ".json")


def _blocks(data: bytes, suffix: str, name: str) -> list[Block]:
    if suffix in (".txt", ".md", ".text", ".csv", ""):
        from .text import decode_text, text_blocks

        text = None
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            from .sniff import utf16_text

            text = utf16_text(data)  # UTF-16 saved without a byte-order mark is text, not binary
            if text is None:
                raise InputError(f"文件「{name}」是二进制文件，不是文本。请上传 .txt/.docx/.xlsx/.pdf 格式的绩效文本。")
        text = text if text is not None else decode_text(data, name)
        limits.check_text(text, name)
        return text_blocks(text)
    if suffix == ".docx":
        from .docx import docx_blocks

        limits.check_zip(data, name)
        limits.check_docx(data, name)
        return docx_blocks(data, name)
    if suffix == ".xlsx":
        from .xlsx import xlsx_blocks

        limits.check_zip(data, name)
        limits.check_sheets(data, name)
        return xlsx_blocks(data, name)
    if suffix == ".pdf":
        from .pdf import pdf_blocks

        return pdf_blocks(data, name)
    raise InputError(f"不支持的文件格式「{suffix or '无扩展名'}」（文件「{name}」）。支持：.txt、.docx、.xlsx、.pdf。")


def read_bytes(data: bytes, name: str) -> Document:
    """Parse file content; `name` gives the format by its suffix and is kept as the source file."""
    suffix = Path(name).suffix.lower()
    settings = get_settings()
    limits.check_size(data, name, settings)
    if not data.strip():
        raise InputError(f"文件「{name}」是空文件。")
    if suffix == ".json":
        doc = _read_json(data, name)
        limits.check_tables(len(doc.projects), name, settings)
        return doc
    blocks = _blocks(data, suffix, name)
    limits.check_blocks(blocks, name, settings)
    doc = build_document(blocks, name)
    limits.check_tables(len(doc.projects), name, settings)
    return doc


def _read_json(data: bytes, name: str) -> Document:
    from pydantic import ValidationError

    try:
        return Document.model_validate_json(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        if first["type"] == "json_invalid":
            what = "不是合法的 JSON"
        else:
            what = f"字段「{where}」不符合 Document 格式" if where else "顶层不是 Document 对象"
        raise InputError(
            f"文件「{name}」不是本工具导出的 JSON 文档（{what}）。请使用 assistant parse --format json 导出的文件。"
        ) from None


def read_document(path: str | Path) -> Document:
    """Read a file from disk into a Document, or raise InputError with a Chinese message."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"找不到文件「{p}」。")
    if p.is_dir():
        raise InputError(f"「{p}」是文件夹，请指定一个文件。")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"无法读取文件「{p}」：{e.strerror}") from None
    return read_bytes(data, p.name)
