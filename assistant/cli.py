"""Command line: thin wrappers that parse arguments, call the library and print.

Errors from bad input print one Chinese line and exit non-zero; never a traceback.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .errors import AssistantError

app = typer.Typer(
    help="绩效目标助手：解析、入库、起草、审核、问答与评测部门预算绩效文本。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(err: AssistantError) -> None:
    """Print a user-facing error in Chinese and exit with its code."""
    typer.echo(f"错误：{err}", err=True)
    raise typer.Exit(err.exit_code)


def emit(text: str | bytes, out: Optional[Path]) -> None:
    """Write to `out` when given, else to stdout."""
    if out is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            typer.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    typer.echo(f"已写入 {out}", err=True)


class DocFormat(str, Enum):
    json = "json"
    md = "md"
    docx = "docx"
    xlsx = "xlsx"


@app.command()
def parse(
    file: Path = typer.Argument(..., help="绩效文本文件：.txt/.docx/.xlsx/.pdf"),
    format: DocFormat = typer.Option(DocFormat.json, "--format", "-f", help="输出格式"),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="输出文件；缺省输出到屏幕（docx/xlsx 必须指定）"),
) -> None:
    """解析绩效文本，输出结构化文档（JSON 即 Document 模型）。"""
    from .readers import read_document
    from .writers import render_document

    try:
        doc = read_document(file)
        if format in (DocFormat.docx, DocFormat.xlsx) and out is None:
            raise AssistantError(f"输出 {format.value} 需要用 -o 指定输出文件。")
        emit(render_document(doc, format.value), out)
    except AssistantError as e:
        fail(e)
    for w in doc.warnings:
        typer.echo(f"提示：{w}", err=True)


# --- further commands are registered below, one function each ---


def main() -> None:  # pragma: no cover - console entry
    app()
