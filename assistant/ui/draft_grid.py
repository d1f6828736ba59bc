"""The 起草 page's table: a Draft as editable grid rows and back, re-checking an edited draft, and the
files a draft downloads as. Pure functions; the page keeps the grid in session state."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from ..models import CATEGORY_LABELS, SEVERITY_LABELS, Draft, DraftRow, Finding, Indicator
from ..values import parse_value
from .findings import SEVERITY_COLORS, flag_column, most_severe_first

EDITABLE = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
READONLY = ["置信度", "参考往年", "自查"]
ID = "_id"  # hidden column: the DraftRow a grid row came from (None for a row the user added)
FIELDS = ["level1", "level2", "level3", "description", "value_raw", "basis"]
DRAFT_FILE = "起草稿"


LEVEL1 = ["产出指标", "效益指标", "满意度指标", "成本指标"]
LEVEL2 = [
    "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
    "可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
]  # fmt: skip


def category_options(rows: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """一级 and 二级 choices for the editor: the standard names plus any other name the rows use."""
    extra1 = sorted({r["一级指标"] for r in rows if r["一级指标"]} - set(LEVEL1))
    extra2 = sorted({r["二级指标"] for r in rows if r["二级指标"]} - set(LEVEL2))
    return LEVEL1 + extra1, LEVEL2 + extra2


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def grouped(draft: Draft) -> Draft:
    """A copy whose rows are grouped by 一级, then 二级, each group where it first appears."""
    d = draft.model_copy(deep=True)
    first1: dict[str, int] = {}
    first2: dict[tuple[str, str], int] = {}
    for n, r in enumerate(d.rows):
        i = r.indicator
        first1.setdefault(i.level1, n)
        first2.setdefault((i.level1, i.level2), n)
    d.rows.sort(key=lambda r: (first1[r.indicator.level1], first2[(r.indicator.level1, r.indicator.level2)]))
    d.project.indicators = [r.indicator for r in d.rows]
    return d


def precedent_summary(row: DraftRow) -> str:
    return "；".join(f"{p.project}·{p.level3}（{p.value_raw}）" for p in row.precedents) or "—"


def row_findings(findings: list[Finding]) -> dict[int, list[Finding]]:
    """Findings by 1-based row of the draft table; project-level ones under 0."""
    out: dict[int, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.location.row or 0, []).append(f)
    return out


def marker(findings: list[Finding], row: dict[str, Any] | None = None) -> str:
    """The 自查 cell beside a row: which cell each finding points at, worst first:
    ⚠ 指标值：警告·指标值模糊、不可衡量."""
    parts = []
    for f in most_severe_first(findings):
        where = flag_column(f, row) if row is not None else ""
        label = f"{SEVERITY_LABELS[f.severity]}·{CATEGORY_LABELS.get(f.category, f.category)}"
        parts.append(f"{where}：{label}" if where else label)
    return ("⚠ " + "；".join(parts)) if parts else ""


def marker_colours(rows: list[dict[str, Any]], findings: list[Finding]) -> list[str]:
    """Per grid row, the 自查 cell's background (worst severity), '' for a row without findings."""
    by_row = row_findings(findings)
    out = []
    for r in rows:
        rid = r.get(ID)
        found = most_severe_first(by_row.get(rid + 1, [])) if rid is not None else []
        out.append(f"background-color: {SEVERITY_COLORS[found[0].severity]}" if found else "")
    return out


def grid_rows(draft: Draft) -> list[dict[str, Any]]:
    """The draft's rows as editor rows, with confidence, precedent and finding markers."""
    by_row = row_findings(draft.findings)
    rows = []
    for n, r in enumerate(draft.rows):
        i = r.indicator
        cells = dict(zip(EDITABLE, (i.level1, i.level2, i.level3, i.description, i.value_raw, i.basis)))
        rows.append(
            {
                ID: n,
                **cells,
                "置信度": round(r.confidence, 2),
                "参考往年": precedent_summary(r),
                "自查": marker(by_row.get(n + 1, []), cells),
            }
        )
    return rows


def grid_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=[ID, *EDITABLE, *READONLY])
    return df.astype({ID: "Int64", "置信度": "Float64"})


def frame_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """An editor's output back to plain rows (ids as int or None, text never NaN)."""
    rows = []
    for rec in df.to_dict("records"):
        rid = rec.get(ID)
        conf = rec.get("置信度")
        rows.append(
            {
                ID: None if rid is None or pd.isna(rid) else int(rid),
                **{c: _text(rec.get(c)) for c in EDITABLE},
                "置信度": None if conf is None or pd.isna(conf) else float(conf),
                "参考往年": _text(rec.get("参考往年")),
                "自查": _text(rec.get("自查")),
            }
        )
    return rows


def indicator_from(row: dict[str, Any]) -> Indicator:
    l1, l2, l3, desc, value, basis = (_text(row.get(c)) for c in EDITABLE)
    return Indicator(
        level1=l1,
        level2=l2,
        level3=l3,
        description=desc,
        value_raw=value,
        value=parse_value(value, l3, l2 + l1),
        basis=basis,
    )


def apply_grid(draft: Draft, rows: list[dict[str, Any]]) -> Draft:
    """A copy of the draft whose rows are the grid's: edited rows keep their precedents (their note
    says they were edited), added rows start without any, blank rows are dropped."""
    d = draft.model_copy(deep=True)
    out: list[DraftRow] = []
    for row in rows:
        if not any(_text(row.get(c)) for c in EDITABLE):
            continue
        ind = indicator_from(row)
        rid = row.get(ID)
        if rid is not None and 0 <= rid < len(draft.rows):
            old = draft.rows[rid]
            same = [getattr(old.indicator, f) for f in FIELDS] == [getattr(ind, f) for f in FIELDS]
            if same:
                out.append(old.model_copy(deep=True))
                continue
            ind.source = old.indicator.source.model_copy()
            note = (
                old.note if "人工修改" in old.note else (old.note + "；" if old.note else "") + "已人工修改"
            )
            out.append(old.model_copy(update={"indicator": ind, "note": note}, deep=True))
        else:
            out.append(DraftRow(indicator=ind, precedents=[], confidence=0.0, note="人工添加"))
    d.rows = out
    d.project.indicators = [r.indicator for r in out]
    return d


def review_rows(draft: Draft) -> list[Finding]:
    """Review the draft's table as it stands, without changing any row (draft.self_review would
    repair rows; an edit the user made must stay until they accept a fix)."""
    from ..review.reviewer import review_project

    for n, r in enumerate(draft.rows, 1):
        r.indicator.source = r.indicator.source.model_copy(update={"file": DRAFT_FILE, "table": 1, "row": n})
    draft.project.indicators = [r.indicator for r in draft.rows]
    result = review_project(draft.project, draft.request.year)
    return list(getattr(result, "findings", result))


def recheck(draft: Draft) -> Draft:
    """The draft grouped, with findings for its rows as they are."""
    d = grouped(draft)
    d.findings = review_rows(d)
    return d


def auto_fixed(draft: Draft) -> tuple[Draft, list[str]]:
    """What self-review would change: the repaired draft and one Chinese line per change."""
    from ..draft.offline import self_review

    fixed = recheck(self_review(draft.model_copy(deep=True)))
    before = {r.indicator.level3: r.indicator for r in draft.rows}
    after = {r.indicator.level3: r.indicator for r in fixed.rows}
    changes = []
    for name, old in before.items():
        new = after.get(name)
        if new is None:
            changes.append(f"删除“{name}”")
        elif new.value_raw != old.value_raw:
            changes.append(f"“{name}”的指标值：{old.value_raw or '（空）'} → {new.value_raw}")
        elif new.description != old.description:
            changes.append(f"“{name}”的绩效指标描述：{old.description or '（空）'} → {new.description}")
    changes += [f"新增“{name}”（{after[name].value_raw}）" for name in after if name not in before]
    if fixed.project.spending_plan != draft.project.spending_plan:
        changes.append("资金支出计划：" + " / ".join(fixed.project.spending_plan.raw))
    return fixed, changes


def draft_files(draft: Draft) -> dict[str, bytes]:
    """The draft as .docx, .xlsx and JSON (a Document the 审核 and 问答 pages can open again)."""
    from ..writers import render_document
    from ..writers.draft import draft_document

    doc = draft_document(draft)
    doc.source_file = f"{draft.project.name}绩效目标表.json"
    return {
        "docx": render_document(doc, "docx"),
        "xlsx": render_document(doc, "xlsx"),
        "json": render_document(doc, "json").encode("utf-8"),
    }


_BRACKETED = re.compile(r"[\[【〔(（][^\]】〕)）]*[\]】〕)）]")  # 文号 such as 冀财资环[2023]107号
_NAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年)")
_YEAR_SPAN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*[—–\-~～至到]+\s*((?:19|20)\d{2})(?=\s*年)")


def name_year_warning(name: str, year: int) -> str | None:
    """A warning when the project name carries a year (2025年…) and none of its years, nor a period it
    names (2024年—2026年), is the budget year; a fund document number's year in brackets is not the
    project's year."""
    text = _BRACKETED.sub("", name or "")
    if any(int(a) <= year <= int(b) for a, b in _YEAR_SPAN.findall(text)):
        return None  # a period such as 2024年—2026年 that holds the budget year
    years = {int(y) for y in _NAME_YEAR.findall(text)}
    if not years or year in years:
        return None
    shown = "、".join(f"{y}年" for y in sorted(years))
    return (
        f"项目名称中的年份（{shown}）与预算年度（{year}年）不一致：请确认是否沿用了往年的项目名称，"
        "或把预算年度改为实际年度。"
    )
