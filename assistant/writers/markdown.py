"""A Document as Markdown: the 第一部分 as headings and paragraphs, each 绩效目标表 as a pipe table
in the standard layout (a merged cell shows its text once, the way a text export shows it)."""

from __future__ import annotations

from ..models import Document
from .table import part1_paragraphs, project_table_rows, project_title


def md_cell(text: str) -> str:
    """A table cell: pipes escaped, line breaks as <br>."""
    return (text or "").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def md_table(rows: list[list[str]]) -> str:
    """A GitHub pipe table; the first row is the table's head row."""
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    lines = []
    for i, row in enumerate(rows):
        cells = [md_cell(c) for c in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if i == 0:
            lines.append("|" + "---|" * width)
    return "\n".join(lines)


def document_markdown(doc: Document) -> str:
    """Render the whole 绩效文本 as Markdown."""
    out: list[str] = []
    for text, level in part1_paragraphs(doc):
        if level == 0:
            out.append(f"# {text}")
        elif level < 9:
            out.append(f"{'#' * (level + 1)} {text}")
        else:
            out.append(text.replace("\n", "  \n"))
    for n, project in enumerate(doc.projects, start=1):
        out.append(f"### {project_title(n, project)}")
        out.append(md_table(project_table_rows(project)))
    if doc.warnings:
        out.append("## 读取提示")
        out += [f"- {w}" for w in doc.warnings]
    return "\n\n".join(out) + "\n"
