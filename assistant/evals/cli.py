"""`assistant eval …`: record a run, re-score it offline, compare two runs. Thin: the work is in
runner.py, scoring.py, compare.py and report.py. Import-light (heavy imports inside the commands)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from ..errors import AssistantError

eval_app = typer.Typer(
    help="评测：按 evals/cases/ 中的用例运行审核、起草、问答、检索，保存答案与分数，离线重新评分、对比两次运行。",
    no_args_is_help=True,
    add_completion=False,
)


class SuiteName(str, Enum):
    review = "review"
    draft = "draft"
    qa = "qa"
    retrieval = "retrieval"
    all = "all"


class Engine(str, Enum):
    offline = "offline"
    llm = "llm"


class OutFormat(str, Enum):
    text = "text"
    json = "json"


def _fail(err: AssistantError) -> None:
    typer.echo(f"错误：{err}", err=True)
    raise typer.Exit(err.exit_code)


RUNS_HELP = "运行结果所在文件夹（缺省 evals/runs）"


@eval_app.command("run")
def run_cmd(
    suite: list[SuiteName] = typer.Option(
        [SuiteName.all], "--suite", "-s", help="评测集，可重复：review/draft/qa/retrieval/all"
    ),
    engine: Engine = typer.Option(
        Engine.offline, "--engine", "-e", help="offline 离线引擎；llm 使用已配置的大模型服务"
    ),
    name: str | None = typer.Option(None, "--name", "-n", help="运行名称（缺省：日期-时间-引擎）"),
    case: list[str] = typer.Option([], "--case", help="只运行这些用例 id，可重复"),
    policy: Path | None = typer.Option(None, "--policy", help="审核策略文件（YAML），评测规则调整的效果"),
    overwrite: bool = typer.Option(False, "--overwrite", help="同名运行已存在时覆盖"),
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help=RUNS_HELP),
    cases_dir: Path | None = typer.Option(None, "--cases-dir", help="用例文件夹（缺省 evals/cases）"),
) -> None:
    """运行评测：生成每条用例的答案，写入 evals/runs/<名称>/（meta.json、answers/、scores.json、report.md/html）。"""
    from rich.console import Console
    from rich.progress import Progress

    from .cases import SUITES
    from .runner import run_eval
    from .scoring import summary_lines
    from .store import read_json

    suites = (
        list(SUITES)
        if any(s == SuiteName.all for s in suite)
        else list(dict.fromkeys(s.value for s in suite))
    )
    try:
        with Progress(console=Console(stderr=True), transient=True) as bar:
            tasks: dict[str, int] = {}

            def step(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(name, total=total)
                bar.update(tasks[name], completed=done, description=f"评测 {name}")

            run = run_eval(
                suites,
                engine.value,
                name,
                runs_dir=runs_dir,
                cases_dir=cases_dir,
                only=case or None,
                policy=policy,
                overwrite=overwrite,
                progress=step,
            )
        scores = read_json(run / "scores.json")
    except AssistantError as e:
        _fail(e)
    typer.echo("\n".join(summary_lines(scores)))
    typer.echo(f"已保存：{run}（报告 {run / 'report.md'}）")


@eval_app.command("score")
def score_cmd(
    run: str = typer.Argument(..., help="运行名称，如 baseline"),
    check: bool = typer.Option(
        False, "--check", help="只核对：重新评分的结果与保存的 scores.json 不一致时退出码为 1，不写文件"
    ),
    judge: list[str] = typer.Option(
        [], "--judge", help="另外运行的大模型评审评分器（需配置大模型服务），如 draft_readability"
    ),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式"),
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help=RUNS_HELP),
    cases_dir: Path | None = typer.Option(None, "--cases-dir", help="用例文件夹（缺省 evals/cases）"),
) -> None:
    """按当前用例重新为保存的答案评分（不调用模型），写 scores.json 与报告并打印摘要。"""
    from .scoring import score_run, summary_lines

    try:
        outcome = score_run(run, runs_dir=runs_dir, cases_dir=cases_dir, write=not check)
        judged = None
        if judge:
            from .judge import run_judges

            judged = run_judges(run, judge, runs_dir)
    except AssistantError as e:
        _fail(e)
    for n in outcome.notices:
        typer.echo(f"提示：{n}", err=True)
    if format == OutFormat.json:
        typer.echo(
            json.dumps(
                {"scores": outcome.scores, "judges": judged, "differences": outcome.differences},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        typer.echo("\n".join(summary_lines(outcome.scores)))
        for name, j in (judged or {}).items():
            typer.echo(f"大模型评审 {name}（{j['model']}）：平均 {j['score']:.3f}，{len(j['cases'])}条")
    if check:
        if outcome.differences:
            typer.echo(
                "与保存的 scores.json 不一致：\n" + "\n".join("  " + d for d in outcome.differences[:50]),
                err=True,
            )
            raise typer.Exit(1)
        typer.echo("与保存的 scores.json 一致。", err=True)


@eval_app.command("compare")
def compare_cmd(
    a: str = typer.Argument(..., help="之前的运行"),
    b: str = typer.Argument(..., help="之后的运行"),
    all_metrics: bool = typer.Option(False, "--all", help="也列出没有变化的指标"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式"),
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help=RUNS_HELP),
) -> None:
    """对比两次运行：列出翻转的用例（通过→失败、失败→通过）与指标变化，并写出对比报告。"""
    from .compare import compare_runs, compare_text
    from .report import write_compare_report
    from .store import runs_root

    try:
        result = compare_runs(a, b, runs_dir)
        md, _ = write_compare_report(runs_root(runs_dir) / "_compare" / f"{a}__{b}", result)
    except AssistantError as e:
        _fail(e)
    if format == OutFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        typer.echo(compare_text(result, changed_only=not all_metrics))
        typer.echo(f"\n对比报告：{md}（另有 compare.html）", err=True)


@eval_app.command("list")
def list_cmd(runs_dir: Path | None = typer.Option(None, "--runs-dir", help=RUNS_HELP)) -> None:
    """列出已有的评测运行及各评测集得分。"""
    from .cases import SUITE_LABELS
    from .store import list_runs

    runs = list_runs(runs_dir)
    if not runs:
        typer.echo("还没有评测运行。用 assistant eval run 运行一次。")
    for r in runs:
        heads = "，".join(f"{SUITE_LABELS.get(s, s)} {v:.3f}" for s, v in (r.get("headline") or {}).items())
        model = f"（{r['model']}）" if r.get("model") else ""
        typer.echo(f"{r['name']}  {r.get('engine')}{model}  {r.get('created')}  {r.get('problem') or heads}")
