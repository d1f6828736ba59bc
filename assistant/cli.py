"""Command line: thin wrappers that parse arguments, call the library and print.

Errors from bad input print one Chinese line and exit non-zero; never a traceback.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from .errors import AssistantError
from .evals.cli import eval_app
from .review.report import CheckFormat, MinSeverity  # import-light: enums only

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


def emit(text: str | bytes, out: Path | None) -> None:
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
    out: Path | None = typer.Option(None, "-o", "--out", help="输出文件；缺省输出到屏幕（docx/xlsx 必须指定）"),
    explain: bool = typer.Option(False, "--explain", help="逐行说明每个单元格被读成了什么（栏目、表头、第几行），哪些没用上及原因"),
    llm: bool = typer.Option(False, "--llm/--no-llm", help="离线读取找不到的栏目，请大模型在原文中指出（需配置大模型服务）"),
) -> None:
    """解析绩效文本，输出结构化文档（JSON 即 Document 模型）。"""
    from .readers import read_document
    from .writers import render_document

    try:
        if explain:
            trace: list = []
            doc = read_document(file, trace)
            emit(render_explanation(trace), out)
            return
        doc = read_document(file)
        if llm:
            doc = _assist(doc, file)
        if format in (DocFormat.docx, DocFormat.xlsx) and out is None:
            raise AssistantError(f"输出 {format.value} 需要用 -o 指定输出文件。")
        emit(render_document(doc, format.value), out)
    except AssistantError as e:
        fail(e)
    for w in doc.warnings:
        typer.echo(f"提示：{w}", err=True)


def _assist(doc, file: Path):
    from .llm import build_chat_model, not_configured
    from .readers import source_text
    from .readers.assist import assist_reading

    chat = build_chat_model()
    if chat is None:
        typer.echo(f"提示：{not_configured('已按离线读取')}", err=True)
        return doc
    return assist_reading(doc, source_text(file.read_bytes(), file.name), chat)


def render_explanation(trace: list) -> str:
    """One line per cell: where it was (原文第N行), the text, and how it was read."""
    lines = []
    for line, text, what in trace:
        where = f"第{line}行" if line else "    "
        shown = " ".join(str(text).split())
        lines.append(f"{where:>8}  {shown[:40]:<40}  → {what}")
    return "\n".join(lines) + "\n"


# --- further commands are registered below, one function each ---


@app.command()
def check(
    file: Path = typer.Argument(..., help="绩效文本文件：.txt/.docx/.xlsx/.pdf/.json"),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="输出格式：text/json/md/xlsx"),
    min_severity: MinSeverity = typer.Option(MinSeverity.info, "--min-severity", help="只显示该级别及以上：info/warning/error"),
    llm: bool = typer.Option(False, "--llm/--no-llm", help="规则检查后再用大模型审核（需配置大模型服务）"),
    policy: Path | None = typer.Option(None, "--policy", help="策略文件（YAML）：rules: {规则编号: off|error|warning|info}"),
    no_fail: bool = typer.Option(False, "--no-fail", help="有“错误”级问题时也以 0 退出"),
    out: Path | None = typer.Option(None, "-o", "--out", help="输出文件；xlsx 必须指定"),
) -> None:
    """审核绩效文本：按规则检查占位、模糊指标值、成本与预算、过期日期、目标与指标对应等问题。有错误级问题时退出码为 1。"""
    from .engines import reviewer as make_reviewer
    from .review import review_file
    from .review.report import render_findings
    from .rules import load_policy
    from .settings import get_settings

    try:
        if format == CheckFormat.xlsx and out is None:
            raise AssistantError("输出 xlsx 需要用 -o 指定输出文件。")
        reviewer, notices = make_reviewer(get_settings(), use_llm=llm, policy=load_policy(policy) if policy else None)
        result = review_file(file, reviewer).at_least(min_severity.value)
        result.notices = notices + result.notices
        text = render_findings(result, format.value)
    except AssistantError as e:
        fail(e)
    for n in result.notices:
        typer.echo(f"提示：{n}", err=True)
    emit(text, out)
    if result.has_errors and not no_fail:
        raise typer.Exit(1)


class SearchFormat(str, Enum):
    text = "text"
    json = "json"


class SearchGrain(str, Enum):
    project = "project"
    indicator = "indicator"


class SearchMode(str, Enum):
    hybrid = "hybrid"
    dense = "dense"
    bm25 = "bm25"


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="绩效文本文件或文件夹，可多个")) -> None:
    """把往年绩效文本入库，供检索、起草与问答引用；读不了的文件跳过并说明原因。"""
    from rich.console import Console
    from rich.progress import Progress

    from .kb.index import KnowledgeBase

    try:
        kb = KnowledgeBase()
        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("入库", total=None)

            def step(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=f"入库 {name}")

            report = kb.ingest(paths, progress=step)
    except AssistantError as e:
        fail(e)
    typer.echo(report.summary())
    if report.skipped and not report.documents:
        raise typer.Exit(1)


@app.command()
def search(
    query: str = typer.Argument(..., help="查询，例如：造林补贴 提高森林覆盖率"),
    k: int = typer.Option(5, "--k", "-k", help="返回条数"),
    grain: SearchGrain = typer.Option(SearchGrain.project, "--grain", help="project 检索项目，indicator 检索指标行"),
    mode: SearchMode | None = typer.Option(None, "--mode", help="hybrid/dense/bm25；缺省用配置 JIXIAO_RETRIEVAL_MODE"),
    format: SearchFormat = typer.Option(SearchFormat.text, "--format", "-f", help="输出格式"),
) -> None:
    """在知识库中检索往年项目或指标行，显示得分与出处。"""
    from .kb.index import KnowledgeBase, format_hits

    try:
        kb = KnowledgeBase()
        if kb.count() == 0:
            typer.echo("提示：知识库为空，请先运行 assistant ingest 文件或文件夹。", err=True)
        hits = kb.search(query, k=k, grain=grain.value, mode=mode.value if mode else None)
    except AssistantError as e:
        fail(e)
    typer.echo(format_hits(hits, format.value))


@app.command()
def draft(
    name: str = typer.Option(..., "--name", help="项目名称"),
    budget: float = typer.Option(..., "--budget", help="预算数（万元）"),
    purpose: str = typer.Option("", "--purpose", help="资金用途/项目描述"),
    year: int | None = typer.Option(None, "--year", help="预算年度（缺省：明年）"),
    format: DocFormat = typer.Option(DocFormat.md, "--format", "-f", help="输出格式"),
    out: Path | None = typer.Option(None, "-o", "--out", help="输出文件（docx/xlsx 必须指定）"),
    llm: bool | None = typer.Option(None, "--llm/--no-llm", help="是否使用大模型（缺省：配置了就用）"),
) -> None:
    """根据项目名称、预算和用途起草绩效目标表。"""
    from .draft import KnowledgeBasePrecedents, MemoryPrecedents
    from .engines import drafter
    from .errors import ConfigError, StoreError
    from .kb.index import KnowledgeBase, ensure_corpus_indexed
    from .models import DraftRequest
    from .settings import get_settings
    from .writers import render_document
    from .writers.draft import draft_document, draft_markdown

    try:
        if budget <= 0:
            raise AssistantError("预算数必须大于0（单位：万元）。")
        if format in (DocFormat.docx, DocFormat.xlsx) and out is None:
            raise AssistantError(f"输出 {format.value} 需要用 -o 指定输出文件。")
        req = DraftRequest(name=name, budget=budget, purpose=purpose, **({"year": year} if year else {}))
        settings = get_settings()
        try:
            kb = KnowledgeBase(settings)
            ensure_corpus_indexed(kb=kb)
            engine, notices = drafter(settings, KnowledgeBasePrecedents(kb), use_llm=llm)
            d = engine.draft(req)
        except (ConfigError, StoreError) as e:
            # the knowledge base is an aid: without it, draft from the indicator library and templates
            engine, notices = drafter(settings, MemoryPrecedents([]), use_llm=llm)
            d = engine.draft(req)
            notices.insert(0, f"知识库不可用（{str(e).rstrip('。')}），本次未参考往年项目")
        d.notes[:0] = notices
        if format == DocFormat.json:
            emit(d.model_dump_json(indent=2), out)
        elif format == DocFormat.md:
            emit(draft_markdown(d), out)
        else:
            emit(render_document(draft_document(d), format.value), out)
    except AssistantError as e:
        fail(e)
    typer.echo(f"起草引擎：{'大模型' if d.engine == 'llm' else '离线'}；自查剩余意见 {len(d.findings)} 条。", err=True)
    for n in d.notes:
        typer.echo(f"提示：{n}", err=True)


class AskFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def ask(
    file: Path = typer.Argument(..., help="绩效文本文件：.txt/.docx/.xlsx/.pdf"),
    question: str = typer.Argument(..., help="问题，例如：项目8的预算是多少？"),
    format: AskFormat = typer.Option(AskFormat.text, "--format", "-f", help="输出格式"),
    llm: bool | None = typer.Option(None, "--llm/--no-llm", help="是否使用大模型（缺省：配置了就用）"),
) -> None:
    """就一份绩效文本提问，回答附带原文引用（表、行、字段）。"""
    from .engines import answerer, with_notices
    from .readers import read_document
    from .review.reviewer import read_source_text
    from .settings import get_settings
    from .writers.answer import answer_text

    try:
        doc = read_document(file)
        engine, notices = answerer(doc, get_settings(), use_llm=llm, source_text=read_source_text(file))
        answer = with_notices(engine.ask(question), notices)
    except AssistantError as e:
        fail(e)
    typer.echo(answer.model_dump_json(indent=2) if format == AskFormat.json else answer_text(answer))


app.add_typer(eval_app, name="eval")  # the `assistant eval` sub-commands


def main() -> None:  # pragma: no cover - console entry
    app()
