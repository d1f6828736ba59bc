"""Reports of a run and of a comparison, as Markdown and as self-contained HTML (inline CSS bars, no
network assets). Both are rendered from one list of blocks, so they always say the same thing."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from ..models import CATEGORY_LABELS
from .cases import SUITE_LABELS

SUITE_METRICS = {
    "review": [("precision", "精确率"), ("recall", "召回率"), ("f1", "F1"), ("pass_rate", "用例通过率")],
    "qa": [
        ("correct", "答案正确率"),
        ("citations", "引用正确率"),
        ("not_found_accuracy", "未找到判断正确率"),
        ("pass_rate", "用例通过率"),
    ],
    "draft": [
        ("structure", "结构完整"),
        ("categories", "必备二级指标"),
        ("numbers", "描述数字带入指标"),
        ("names", "指标名称规范"),
        ("agreement", "与期望指标对应"),
        ("values", "期望指标值一致"),
        ("quantified", "量化率"),
        ("cost", "成本与预算一致"),
        ("review", "自查无错误"),
        ("coverage", "覆盖参考指标"),
        ("pass_rate", "用例通过率"),
    ],
    "retrieval": [
        ("recall_at_1", "recall@1"),
        ("recall_at_3", "recall@3"),
        ("recall_at_5", "recall@5"),
        ("mrr", "MRR"),
        ("pass_rate", "用例通过率"),
    ],
}


@dataclass
class Table:
    headers: list[str]
    rows: list[list]
    bars: set[int] = field(default_factory=set)  # columns holding 0..1 values, drawn as bars in HTML


Block = tuple[str, int, object]  # ("h", level, text) | ("p", 0, text) | ("t", 0, Table)


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") or "0"
    return str(v)


def run_blocks(meta: dict, scores: dict) -> list[Block]:
    b: list[Block] = [("h", 1, f"评测报告：{meta.get('name', '')}")]
    model = f"，模型 {meta['model']}" if meta.get("model") else ""
    b.append(
        (
            "p",
            0,
            f"引擎：{meta.get('engine')}{model}；时间：{meta.get('created')}；代码版本：{meta.get('git_commit') or '—'}",
        )
    )
    if meta.get("prompts"):
        b.append(("p", 0, "提示词版本：" + "，".join(f"{k}={v}" for k, v in sorted(meta["prompts"].items()))))
    suites = scores.get("suites", {})
    rows = [
        [
            f"{SUITE_LABELS.get(s, s)}（{s}）",
            v.get("score", 0.0),
            f"{v.get('cases_passed', 0)}/{v.get('cases_total', 0)}",
        ]
        for s, v in suites.items()
    ]
    b += [("h", 2, "总览"), ("t", 0, Table(["评测集", "得分", "通过用例"], rows, {1}))]
    for suite, s in suites.items():
        b.append(("h", 2, f"{SUITE_LABELS.get(suite, suite)}（{suite}）"))
        metrics = [[label, s.get(key)] for key, label in SUITE_METRICS.get(suite, []) if key in s]
        b.append(("t", 0, Table(["指标", "值"], metrics, {1})))
        if suite == "review":
            cats = [
                [CATEGORY_LABELS.get(c, c), n["tp"], n["fp"], n["fn"], n["precision"], n["recall"], n["f1"]]
                for c, n in s.get("by_category", {}).items()
            ]
            b += [
                ("h", 3, "按问题类别"),
                ("t", 0, Table(["类别", "命中", "误报", "漏报", "精确率", "召回率", "F1"], cats, {4, 5, 6})),
            ]
            docs = [
                [d, n["tp"], n["fp"], n["fn"], n["precision"], n["recall"], n["f1"]]
                for d, n in s.get("by_document", {}).items()
            ]
            b += [
                ("h", 3, "按文档"),
                (
                    "t",
                    0,
                    Table(["用例文件", "命中", "误报", "漏报", "精确率", "召回率", "F1"], docs, {4, 5, 6}),
                ),
            ]
            b += labelled_blocks(s.get("labelled", {}))
        elif s.get("by_document"):
            docs = [[d, n["cases"], n["pass_rate"]] for d, n in s["by_document"].items()]
            b += [("h", 3, "按用例文件"), ("t", 0, Table(["用例文件", "用例数", "通过率"], docs, {2}))]
        if s.get("by_sector"):
            rows = [
                [name, n["cases"], n["pass_rate"], n["score"], n.get("numbers"), n.get("agreement"), n.get("names")]
                for name, n in s["by_sector"].items()
            ]
            headers = ["领域", "用例数", "通过率", "得分", "描述数字", "期望指标", "名称"]
            b += [("h", 3, "按领域"), ("t", 0, Table(headers, rows, {2, 3, 4, 5, 6}))]
        failed = [
            [c["id"], c.get("file", ""), c["score"], c["reason"] or "—"]
            for c in s.get("cases", [])
            if not c["passed"]
        ]
        b.append(("h", 3, f"未通过的用例（{len(failed)}）"))
        b.append(
            ("t", 0, Table(["用例", "文件", "得分", "原因"], failed, {2}))
            if failed
            else ("p", 0, "全部通过。")
        )
    return b


def labelled_blocks(labelled: dict) -> list[Block]:
    """Hand-labelled pages (the wild set): must/should found, false positives and precision, overall and
    per page."""
    b: list[Block] = []
    for stem, w in labelled.items():
        b.append(("h", 3, f"标注页面（{stem}）"))
        b.append(
            (
                "p",
                0,
                f"必须发现 {w['must_found']}/{w['must']}，应当发现 {w['should_found']}/{w['should']}，"
                f"误报 {w['false_positives']}，精确率 {_fmt(w['precision'])}；页面通过 {w['pages_passed']}/{w['pages']}。",
            )
        )
        rows = [
            [
                page,
                f"{n['must_found']}/{n['must']}",
                f"{n['should_found']}/{n['should']}",
                n["false_positives"],
                n["precision"],
            ]
            for page, n in w["by_document"].items()
        ]
        b.append(("t", 0, Table(["页面", "必须发现", "应当发现", "误报", "精确率"], rows, {4})))
    return b


def compare_blocks(comparison: dict) -> list[Block]:
    b: list[Block] = [("h", 1, f"评测对比：{comparison.get('a')} → {comparison.get('b')}")]
    for key in ("only_a", "only_b"):
        if comparison.get(key):
            who = comparison.get(key[-1])
            b.append(
                (
                    "p",
                    0,
                    f"只有「{who}」运行了：{'、'.join(SUITE_LABELS.get(s, s) for s in comparison[key])}（不比较）。",
                )
            )
    for suite, s in comparison["suites"].items():
        b.append(("h", 2, f"{s['label']}（{suite}）"))
        for kind, title in (("pass_to_fail", "通过→失败"), ("fail_to_pass", "失败→通过")):
            flips = s["flipped"][kind]
            b.append(("h", 3, f"{title}（{len(flips)}）"))
            rows = [[f["id"], f["file"], f["reason_a"] or "—", f["reason_b"] or "—"] for f in flips]
            b.append(("t", 0, Table(["用例", "文件", "之前", "之后"], rows)) if rows else ("p", 0, "无。"))
        if s["added"] or s["removed"]:
            b.append(
                (
                    "p",
                    0,
                    f"新增用例：{'、'.join(s['added']) or '无'}；删除用例：{'、'.join(s['removed']) or '无'}。",
                )
            )
        moved = [[m["name"], m["a"], m["b"], m["delta"]] for m in s["metrics"] if m["delta"] != 0]
        b.append(("h", 3, "指标变化"))
        b.append(
            ("t", 0, Table(["指标", "之前", "之后", "变化"], moved)) if moved else ("p", 0, "指标没有变化。")
        )
    return b


def _md_cell(v) -> str:
    return _fmt(v).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list[Block]) -> str:
    out = []
    for kind, level, body in blocks:
        if kind == "h":
            out += ["#" * level + " " + str(body), ""]
        elif kind == "p":
            out += [str(body), ""]
        else:
            t: Table = body  # type: ignore[assignment]
            out.append("| " + " | ".join(t.headers) + " |")
            out.append("|" + "---|" * len(t.headers))
            out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in t.rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


_CSS = """body{font-family:-apple-system,"Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.bar{display:inline-block;height:10px;background:#4a7fd4;margin-right:6px;vertical-align:middle}
.bar.low{background:#d9534f}.bar.mid{background:#f0ad4e}p{line-height:1.6}"""


def _html_cell(v, bar: bool) -> str:
    text = html.escape(_fmt(v))
    if bar and isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1:
        cls = "bar low" if v < 0.6 else "bar mid" if v < 0.85 else "bar"
        return f'<td><span class="{cls}" style="width:{round(v * 120)}px"></span>{text}</td>'
    return f"<td>{text}</td>"


def to_html(blocks: list[Block], title: str) -> str:
    out = [
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>',
        f"<style>{_CSS}</style></head><body>",
    ]
    for kind, level, body in blocks:
        if kind == "h":
            out.append(f"<h{level}>{html.escape(str(body))}</h{level}>")
        elif kind == "p":
            out.append(f"<p>{html.escape(str(body))}</p>")
        else:
            t: Table = body  # type: ignore[assignment]
            out.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in t.headers) + "</tr>")
            out += [
                "<tr>" + "".join(_html_cell(v, i in t.bars) for i, v in enumerate(row)) + "</tr>"
                for row in t.rows
            ]
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_run_report(run: Path, meta: dict, scores: dict) -> tuple[Path, Path]:
    blocks = run_blocks(meta, scores)
    md, page = run / "report.md", run / "report.html"
    md.write_text(to_markdown(blocks), encoding="utf-8")
    page.write_text(to_html(blocks, f"评测报告：{meta.get('name', '')}"), encoding="utf-8")
    return md, page


def write_compare_report(folder: Path, comparison: dict) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    blocks = compare_blocks(comparison)
    md, page = folder / "compare.md", folder / "compare.html"
    md.write_text(to_markdown(blocks), encoding="utf-8")
    page.write_text(
        to_html(blocks, f"评测对比：{comparison.get('a')} → {comparison.get('b')}"), encoding="utf-8"
    )
    return md, page
