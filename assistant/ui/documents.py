"""Opening documents in the app: uploaded bytes and knowledge-base documents become Documents, and
every failure becomes one Chinese message (never a traceback)."""

from __future__ import annotations

import logging

from ..errors import AssistantError, InputError
from ..kb.records import doc_key
from ..models import Document
from ..readers import read_bytes

UPLOAD_TYPES = ["docx", "xlsx", "pdf", "txt", "md", "json"]
log = logging.getLogger(__name__)


def parse_upload(data: bytes, name: str) -> Document:
    """Read uploaded bytes into a Document, or raise InputError with a message saying what to do."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in UPLOAD_TYPES:
        raise InputError(
            f"文件「{name}」的类型不受支持：请上传 .docx、.xlsx、.pdf 或 .txt 文件（也可以是本工具导出的 .json）。"
        )
    try:
        doc = read_bytes(data, name)
    except AssistantError:
        raise
    except Exception as e:
        log.exception("reader failed on %s", name)
        raise InputError(
            f"无法读取文件「{name}」（{e.__class__.__name__}）：文件可能已损坏，或不是部门预算绩效文本。"
            "请用 Word/Excel 打开确认后另存为 .docx/.xlsx，或复制为 .txt 后重试。"
        ) from None
    if not doc.source_file:
        doc.source_file = name
    if not doc.projects:
        raise InputError(f"文件「{name}」中没有识别到绩效目标表。请确认这是部门预算绩效文本。")
    return doc


def doc_label(doc: Document, prefix: str = "") -> str:
    name = doc.title or doc.source_file or "未命名文档"
    return f"{prefix}{name}（{len(doc.projects)} 个项目）"


def kb_key(doc: Document) -> str:
    return "kb:" + doc_key(doc)  # by origin: two stored files with the same name are two documents


def project_label(index: int, name: str) -> str:
    """How a project is named in selectors and tables: 表N 项目名称."""
    return f"表{index} {name}"
