"""Findings for the 审核 page: counts, filters, tables with flagged cells, and .xlsx/Markdown exports.

Pure functions over Document and Finding; the page only lays them out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pandas as pd

from ..models import CATEGORY_LABELS, SEVERITY_LABELS, Document, Finding

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_COLORS = {"error": "#f8d7da", "warning": "#fff3cd", "info": "#dbeafe"}
SEVERITY_BADGES = {"error": ":red-badge[错误]", "warning": ":orange-badge[警告]", "info": ":blue-badge[提示]"}
ROW_COLUMNS = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
# The 审核 indicator table: what a reader checks first (三级指标, 指标值, the marker) on the left, where it
# stays in view; the page pins 表/行/三级指标/指标值.
TABLE_COLUMNS = ["表", "行", "三级指标", "指标值", "标记", "绩效指标描述", "指标值确定依据", "一级指标", "二级指标", "项目"]
# Where a finding of a category points when its evidence is not found verbatim in a cell.
CATEGORY_COLUMN = {
    "missing_value": "指标值",
    "vague_value": "指标值",
    "unit_missing": "指标值",
    "cost_mismatch": "指标值",
    "stale_date": "指标值",
    "implausible_value": "指标值",
    "placeholder": "指标值",
    "copied_text": "绩效指标描述",
    "wrong_category": "二级指标",
    "missing_category": "二级指标",
    "goal_indicator_gap": "三级指标",
}


def most_severe_first(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (
            SEVERITY_ORDER.get(f.severity, 9),
            f.location.table or 0,
            f.location.row or 0,
            f.category,
        ),
    )


def project_options(doc: Document) -> list[str]:
    """'表N 项目名称' for every project, plus 部门整体 for document-level findings."""
    return ["部门整体"] + [f"表{n} {p.name}" for n, p in enumerate(doc.projects, 1)]


def finding_project(f: Finding) -> str:
    if f.location.table is None and not f.project:
        return "部门整体"
    if f.location.table is None:
        return f.project or "部门整体"
    return f"表{f.location.table} {f.project or ''}".strip()


def marker_text(findings: Iterable[Finding]) -> str:
    """A cell's worth of findings: 错误·成本指标与预算不符；警告·指标值模糊、不可衡量."""
    return "；".join(
        f"{SEVERITY_LABELS[f.severity]}·{CATEGORY_LABELS.get(f.category, f.category)}" for f in findings
    )


def filter_findings(
    findings: Iterable[Finding],
    projects: Iterable[str] = (),
    categories: Iterable[str] = (),
    severities: Iterable[str] = (),
) -> list[Finding]:
    """Keep findings matching every non-empty filter. Filters take the labels the page shows:
    project options, category codes and severity codes."""
    projects, categories, severities = set(projects), set(categories), set(severities)
    return [
        f
        for f in findings
        if (not projects or finding_project(f) in projects)
        and (not categories or f.category in categories)
        and (not severities or f.severity in severities)
    ]


def count_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Counts by category (rows, most findings first, Chinese names) and severity (columns 错误/警告/提示),
    for a stacked bar chart."""
    counts = Counter((f.category, f.severity) for f in findings)
    cats = [c for c in CATEGORY_LABELS if any(k[0] == c for k in counts)]
    cats.sort(key=lambda c: -sum(counts.get((c, s), 0) for s in SEVERITY_LABELS))
    data = {SEVERITY_LABELS[s]: [counts.get((c, s), 0) for c in cats] for s in SEVERITY_LABELS}
    return pd.DataFrame(data, index=pd.Index([CATEGORY_LABELS.get(c, c) for c in cats], name="问题类别"))


def count_chart(counts: pd.DataFrame):
    """A horizontal stacked bar chart of `count_frame`, wide enough for the full category names."""
    import altair as alt

    long = counts.reset_index().melt("问题类别", var_name="严重程度", value_name="条数")
    order = list(counts.index)
    return (
        alt.Chart(long[long["条数"] > 0])
        .mark_bar()
        .encode(
            y=alt.Y("问题类别:N", sort=order, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
            x=alt.X("条数:Q", title="条数", axis=alt.Axis(tickMinStep=1, tickCount=8)),
            color=alt.Color(
                "严重程度:N",
                scale=alt.Scale(domain=list(SEVERITY_LABELS.values()), range=["#d9534f", "#f0ad4e", "#5bc0de"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            order=alt.Order("严重程度:N"),
            tooltip=["问题类别", "严重程度", "条数"],
        )
        .properties(height=30 * len(order) + 50)
    )


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {s: c.get(s, 0) for s in SEVERITY_LABELS}


def location_label(f: Finding) -> str:
    loc = f.location
    parts = []
    if loc.table is not None:
        parts.append(f"表{loc.table}")
    if loc.row is not None:
        parts.append(f"第{loc.row}行")
    if not parts and loc.line is not None:
        parts.append(f"文本第{loc.line}行")
    return " ".join(parts) or "部门整体"


def export_xlsx(result, findings: list[Finding]) -> bytes:
    """The shown findings as the CLI's .xlsx report (assistant.review.report)."""
    from ..review.report import render_xlsx

    return render_xlsx(result.model_copy(update={"findings": findings}))


def export_markdown(result, findings: list[Finding]) -> str:
    """The shown findings as the CLI's Markdown report (assistant.review.report)."""
    from ..review.report import render_markdown

    return render_markdown(result.model_copy(update={"findings": findings}))


def flag_column(f: Finding, row: dict[str, str]) -> str:
    """The column of a row a finding points at: the cell that holds its evidence, else by category."""
    ev = (f.evidence or "").strip()
    if ev:
        for col in ("指标值", "绩效指标描述", "三级指标", "指标值确定依据", "二级指标", "一级指标"):
            if row.get(col) and (ev in row[col] or row[col] in ev):
                return col
    return CATEGORY_COLUMN.get(f.category, "指标值")


def indicator_frame(doc: Document, findings: Iterable[Finding], tables: Iterable[int] | None = None):
    """All indicator rows (optionally only some tables) with a 标记 column, and a same-shaped frame of
    cell colours for the flagged cells (worst severity wins)."""
    wanted = set(tables) if tables is not None else None
    by_row: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        if f.location.table is not None and f.location.row is not None:
            by_row.setdefault((f.location.table, f.location.row), []).append(f)
    rows, colours = [], []
    for t, p in enumerate(doc.projects, 1):
        table = p.source.table or t
        if wanted is not None and table not in wanted:
            continue
        for r, ind in enumerate(p.indicators, 1):
            row_no = ind.source.row or r
            cells = dict(
                zip(
                    ROW_COLUMNS,
                    (ind.level1, ind.level2, ind.level3, ind.description, ind.value_raw, ind.basis),
                )
            )
            flagged = most_severe_first(by_row.get((table, row_no), []))
            marker = marker_text(flagged)
            rows.append({"表": table, "项目": p.name, "行": row_no, "标记": marker, **cells})
            colour = {c: "" for c in rows[-1]}
            for f in reversed(flagged):  # worst last, so it wins
                colour[flag_column(f, cells)] = f"background-color: {SEVERITY_COLORS[f.severity]}"
                colour["标记"] = f"background-color: {SEVERITY_COLORS[f.severity]}"
            colours.append(colour)
    return pd.DataFrame(rows, columns=TABLE_COLUMNS), pd.DataFrame(colours, columns=TABLE_COLUMNS)


def styled_indicator_table(doc: Document, findings: Iterable[Finding], tables: Iterable[int] | None = None):
    """The indicator table as a pandas Styler with flagged cells coloured by severity."""
    frame, colours = indicator_frame(doc, findings, tables)
    return frame.style.apply(lambda _: colours, axis=None)


def goal_area_frame(gm) -> pd.DataFrame:
    """One row per 分项绩效目标: the projects serving it, its counted targets, and whether any project
    funds it (assistant.review.goals.GoalMap)."""
    rows = []
    for a in gm.areas:
        served = gm.projects_for(a.number)
        targets = [t.text for t in gm.targets if t.area == a.number]
        rows.append(
            {
                "分项绩效目标": f"{a.number}、{a.title}",
                "对应项目": "；".join(name for name, _ in served) or "—",
                "项目数": len(served),
                "数量目标": "；".join(targets) or "—",
                "状态": "有项目支撑" if served else "⚠ 无项目安排资金",
            }
        )
    return pd.DataFrame(rows, columns=["分项绩效目标", "对应项目", "项目数", "数量目标", "状态"])


def project_goal_frame(gm) -> pd.DataFrame:
    """One row per project: the 分项绩效目标 it serves and the shared themes that link them."""
    rows = []
    for p in gm.projects:
        links = p.links
        if p.redacted:
            status = "内容涉密，无法对应"
        elif links:
            status = "已对应"
        else:
            status = "⚠ 未对应任何分项目标"
        rows.append(
            {
                "表": p.table,
                "项目": p.project,
                "对应分项目标": "；".join(f"{s.area}、{s.title}" for s in links) or "—",
                "依据": "；".join("、".join(s.shared) for s in links if s.shared) or "—",
                "状态": status,
            }
        )
    return pd.DataFrame(rows, columns=["表", "项目", "对应分项目标", "依据", "状态"]).astype({"表": "Int64"})
