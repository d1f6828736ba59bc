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
        from .text import text_blocks

        text = _decoded(data, name)
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


def _decoded(data: bytes, name: str) -> str:
    from .text import decode_text

    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        from .sniff import utf16_text

        text = utf16_text(data)  # UTF-16 saved without a byte-order mark is text, not binary
        if text is None:
            raise InputError(f"文件「{name}」是二进制文件，不是文本。请上传 .txt/.docx/.xlsx/.pdf 格式的绩效文本。")
        return text
    return decode_text(data, name)


def _build(blocks: list[Block], name: str, trace: list | None = None) -> Document:
    """Blocks to a Document; list-form exports (one indicator per row) become tables first."""
    from .listform import expand_list_form

    return build_document(expand_list_form(blocks), name, trace)


def read_bytes(data: bytes, name: str, trace: list | None = None) -> Document:
    """Parse file content; `name` gives the format by its suffix and is kept as the source file.
    `trace`, when given, receives (line, cell, how it was read) for every cell (parse --explain)."""
    suffix = Path(name).suffix.lower()
    settings = get_settings()
    limits.check_size(data, name, settings)
    if not data.strip():
        raise InputError(f"文件「{name}」是空文件。")
    if suffix == ".json":
        doc = _read_json(data, name)
        limits.check_tables(len(doc.projects), name, settings)
        return doc
    if suffix in (".txt", ".md", ".text", ".csv", ""):
        doc = _read_text(data, name, trace)
    else:
        blocks = _blocks(data, suffix, name)
        limits.check_blocks(blocks, name, settings)
        doc = _build(blocks, name, trace)
    limits.check_tables(len(doc.projects), name, settings)
    return doc


def _read_text(data: bytes, name: str, trace: list | None = None) -> Document:
    """Text in any paste shape; a notice that states its indicators in running text is read as prose
    when no table rows are found."""
    from .prose import prose_blocks
    from .text import normalize_page

    blocks = _blocks(data, ".txt", name)  # a binary or undecodable file stops here with its own message
    limits.check_blocks(blocks, name, get_settings())
    first: list = []
    try:
        doc = _build(blocks, name, first)
    except InputError:
        doc = None
    if doc is None or not any(p.indicators for p in doc.projects):
        text, _ = normalize_page(_decoded(data, name))
        blocks = prose_blocks(text)
        second: list = []
        prose = build_document(blocks, name, second) if blocks else None
        if prose is not None and any(p.indicators for p in prose.projects):
            prose.warnings.insert(0, "原文没有指标表格，指标是从正文的文字中读出的，请核对。")
            if trace is not None:
                trace += second
            return prose
    if trace is not None:
        trace += first
    if doc is None:
        return _build(_blocks(data, ".txt", name), name)  # raises the reader's own message (no table found)
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


def source_text(data: bytes, name: str) -> str:
    """The file as plain text (cells of a row joined by ' | '), for the model when it helps the reader."""
    suffix = Path(name).suffix.lower()
    if suffix in (".txt", ".md", ".text", ".csv", ""):
        from .text import normalize_page

        return normalize_page(_decoded(data, name))[0]
    return "\n".join(" | ".join(c for c in b.cells if c.strip()) for b in _blocks(data, suffix, name) if b.cells)


def read_document(path: str | Path, trace: list | None = None) -> Document:
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
    return read_bytes(data, p.name, trace)
