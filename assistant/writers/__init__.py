"""Writers: the same Document (or Draft/findings) as JSON, Markdown, .docx and .xlsx."""

from __future__ import annotations

from ..models import Document
from .table import project_table_rows  # the one place for the 绩效目标表 layout

__all__ = ["project_table_rows", "render_document"]


def render_document(doc: Document, fmt: str) -> str | bytes:
    """Render a Document as 'json' | 'md' (text) or 'docx' | 'xlsx' (bytes)."""
    if fmt == "json":
        return doc.model_dump_json(indent=2)
    if fmt == "md":
        from .markdown import document_markdown

        return document_markdown(doc)
    if fmt == "docx":
        from .cells import xml_safe
        from .docx import document_docx

        return document_docx(xml_safe(doc))
    if fmt == "xlsx":
        from .cells import xml_safe
        from .xlsx import document_xlsx

        return document_xlsx(xml_safe(doc))
    raise ValueError(fmt)
