"""The app's pure helpers (assistant/ui): findings tables and exports, the draft grid, eval runs,
citations, upload errors. No Streamlit runtime needed."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest

from assistant.errors import InputError
from assistant.models import Citation, Draft, DraftRequest, DraftRow, Precedent, Project, SourceLocation
from assistant.ui import conversation, documents, draft_grid, evals
from assistant.ui import findings as fx


@pytest.fixture(scope="module")
def seed_review(_seed_doc_cached, tmp_path_factory):
    """The seed's review, once. Module fixtures run before the autouse data-dir one, so the env is set
    here too (the review's tokenizer picks its cache dir on first use)."""
    from assistant.review.reviewer import review_document
    from assistant.settings import get_settings

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIXIAO_DATA_DIR", str(tmp_path_factory.mktemp("review-data")))
        get_settings.cache_clear()
        result = review_document(_seed_doc_cached)
    get_settings.cache_clear()
    return result


# -- findings ------------------------------------------------------------------------------------------
def test_counts_filters_and_flagged_cells(_seed_doc_cached, seed_review):
    doc, found = _seed_doc_cached, seed_review.findings
    counts = fx.count_frame(found)
    assert list(counts.columns) == ["错误", "警告", "提示"]
    assert int(counts.values.sum()) == len(found)
    totals = counts.sum(axis=1).tolist()
    assert totals == sorted(totals, reverse=True)
    from assistant.models import CATEGORY_LABELS

    assert set(counts.index) <= set(CATEGORY_LABELS.values())  # the one mapping, full names
    spec = fx.count_chart(counts).to_dict()
    assert spec["encoding"]["y"]["axis"]["labelOverlap"] is False  # every category named on the axis

    errors = fx.filter_findings(found, severities=["error"])
    assert errors and all(f.severity == "error" for f in errors)
    t4 = fx.filter_findings(found, projects=["表4 冀财建【2023】182号资金"])
    assert [f.category for f in t4] == ["placeholder"]
    dept = fx.filter_findings(found, projects=["部门整体"], categories=["dept_misalignment"])
    assert dept and all(f.project is None for f in dept)

    frame, colours = fx.indicator_frame(doc, found, tables=[8])
    assert set(frame["表"]) == {8} and frame.shape == colours.shape
    row5 = frame.index[frame["行"] == 5][0]
    assert frame.at[row5, "指标值"] == "101.73万元" and "成本指标与预算不符" in frame.at[row5, "标记"]
    assert fx.SEVERITY_COLORS["error"] in colours.at[row5, "指标值"]
    assert colours.at[row5, "三级指标"] == ""
    fx.styled_indicator_table(doc, found, [8]).to_html()  # the Styler renders


def test_exports_open(seed_review):
    from openpyxl import load_workbook

    shown = fx.filter_findings(seed_review.findings, severities=["error"])
    wb = load_workbook(io.BytesIO(fx.export_xlsx(seed_review, shown)))
    assert wb.sheetnames[0] == "审核结果" and wb.active.max_row == len(shown) + 1
    md = fx.export_markdown(seed_review, shown)
    assert md.startswith("# 审核报告") and "101\\.73万元" in md  # document text escaped in the Markdown


def test_goal_map_frames(seed_review):
    areas = fx.goal_area_frame(seed_review.goal_map)
    mining = areas[areas["分项绩效目标"].str.contains("矿山")].iloc[0]
    assert mining["状态"] == "⚠ 无项目安排资金" and "26处历史遗留矿山" in mining["数量目标"]
    projects = fx.project_goal_frame(seed_review.goal_map)
    assert projects.loc[projects["表"] == 4, "状态"].iloc[0] == "内容涉密，无法对应"
    assert projects.loc[projects["表"] == 10, "状态"].iloc[0] == "⚠ 未对应任何分项目标"


# -- draft grid ----------------------------------------------------------------------------------------
def _draft() -> Draft:
    from assistant.draft.rows import make_indicator

    rows = [
        ("满意度指标", "服务对象满意度指标", "群众满意度", "问卷调查群众满意度", "≥90%", "问卷调查"),
        ("产出指标", "数量指标", "监测面积", "年度监测面积", "≥5万亩", "实施方案"),
        ("产出指标", "时效指标", "完成时间", "按期完成", "2025年10月底前完成", "工作计划"),
        ("产出指标", "数量指标", "除治株数", "年度除治株数", "≥200株", "实施方案"),
    ]
    prec = Precedent(
        document="往年",
        project="林业有害生物防治",
        level3="防治面积",
        value_raw="11.94万亩",
        location=SourceLocation(file="往年.txt", table=7, row=1),
    )
    req = DraftRequest(name="松材线虫病防治经费", budget=12, year=2025)
    return Draft(
        request=req,
        project=Project(name=req.name, budget=12),
        rows=[
            DraftRow(indicator=make_indicator(*r), precedents=[prec] if n == 1 else [], confidence=0.8)
            for n, r in enumerate(rows)
        ],
    )


def test_grid_groups_rows_and_round_trips():
    d = draft_grid.recheck(_draft())
    assert [r.indicator.level3 for r in d.rows] == ["群众满意度", "监测面积", "除治株数", "完成时间"]
    rows = draft_grid.grid_rows(d)
    assert rows[1]["参考往年"] == "林业有害生物防治·防治面积（11.94万亩）" and rows[0]["参考往年"] == "—"
    back = draft_grid.frame_rows(draft_grid.grid_frame(rows))
    assert back == rows
    same = draft_grid.apply_grid(d, back)
    assert same.rows == d.rows  # nothing edited: rows (and their precedents) unchanged


def test_apply_grid_edits_adds_and_drops_rows():
    d = draft_grid.recheck(_draft())
    rows = draft_grid.grid_rows(d)
    rows[1]["指标值"] = "较上年提高"
    rows.append(
        {
            draft_grid.ID: None,
            "一级指标": "效益指标",
            "二级指标": "社会效益指标",
            "三级指标": "宣传人次",
            "指标值": "≥200人次",
            "置信度": float("nan"),
        }
    )
    rows.append({draft_grid.ID: None, **{c: None for c in draft_grid.EDITABLE}})  # a blank added row
    del rows[2]
    edited = draft_grid.recheck(draft_grid.apply_grid(d, rows))
    names = [r.indicator.level3 for r in edited.rows]
    assert names == ["群众满意度", "监测面积", "完成时间", "宣传人次"]
    area = edited.rows[1]
    assert area.indicator.value_raw == "较上年提高" and area.indicator.value.kind == "qualitative"
    assert area.precedents and area.note.endswith("已人工修改")
    assert edited.rows[3].note == "人工添加" and edited.rows[3].indicator.value.kind == "quantity"
    assert any(f.category == "vague_value" and f.location.row == 2 for f in edited.findings)
    assert "指标值模糊" in draft_grid.grid_rows(edited)[1]["自查"]


def test_auto_fix_is_a_proposal_and_files_open():
    import docx
    from openpyxl import load_workbook

    from assistant.readers import read_bytes

    d = _draft()
    d.rows[2].indicator = d.rows[2].indicator.model_copy(update={"value_raw": "2022年春季完成"})
    from assistant.values import parse_value

    d.rows[2].indicator.value = parse_value("2022年春季完成", "完成时间", "时效指标产出指标")
    checked = draft_grid.recheck(d)
    assert any(f.category == "stale_date" for f in checked.findings)
    fixed, changes = draft_grid.auto_fixed(checked)
    when = next(r for r in checked.rows if r.indicator.level3 == "完成时间")
    assert when.indicator.value_raw == "2022年春季完成"  # untouched until accepted
    assert any("完成时间" in c for c in changes)
    files = draft_grid.draft_files(fixed)
    text = "\n".join(
        c.text for t in docx.Document(io.BytesIO(files["docx"])).tables for r in t.rows for c in r.cells
    )
    assert "监测面积" in text
    wb = load_workbook(io.BytesIO(files["xlsx"]))
    assert any(ws.max_row > 5 for ws in wb.worksheets)
    again = read_bytes(files["json"], "稿.json")  # the JSON opens again on 审核 / 问答
    assert again.projects[0].name == "松材线虫病防治经费"


# -- evals ---------------------------------------------------------------------------------------------
def test_eval_tables(tmp_path):
    from test_app_pages import write_run

    assert evals.list_runs(tmp_path / "none") == []
    write_run(tmp_path, "b", "2025-01-02", 0.6, passed=True)
    write_run(tmp_path, "a", "2025-01-01", 0.5, passed=False)
    runs = evals.list_runs(tmp_path)
    assert [r["name"] for r in runs] == ["a", "b"]  # by creation time
    assert evals.run_label(runs[0]) == "a（2025-01-01 00:00，离线引擎）"  # local time, no ISO "T"
    cmp = evals.comparison(runs[1], runs[0], tmp_path)
    summary = evals.summary_frame(cmp).iloc[0]
    assert summary["评测集"] == "问答" and math.isclose(summary["变化"], 0.1)
    metrics = evals.metrics_frame(cmp, "qa")
    assert list(metrics["指标"]) == ["总分", "答案正确率"]  # Chinese names, the headline first
    assert all(metrics["说明"].str.len() > 5)
    flip = evals.flips_frame(cmp, "qa").iloc[0]
    assert flip["说明"] == "这条用例从未通过变为通过（上次未通过的原因：缺少：31.98）"
    first = evals.summary_frame(evals.comparison(runs[0], None, tmp_path)).iloc[0]
    assert first["本次得分"] == 0.5 and first["上次得分"] is pd.NA
    write_run(tmp_path, "0-later-but-first-alphabetically", "2025-01-03", 0.7, passed=True)
    trend = evals.trend_frame(evals.list_runs(tmp_path))
    assert list(trend["得分"]) == [0.5, 0.6, 0.7]  # time order, not the names' order
    assert list(trend["运行"])[-1] == "0-later-but-first-alphabetically"


def test_every_recorded_metric_has_a_chinese_name():
    """The committed baseline's metrics all read as Chinese with an explanation (no metric keys)."""
    from assistant.evals.compare import flat_metrics
    from assistant.evals.labels import metric_label

    scores = __import__("json").loads((evals.RUNS_DIR / "baseline" / "scores.json").read_text("utf-8"))
    for suite in scores["suites"].values():
        for name in flat_metrics(suite):
            label, explain = metric_label(name)
            words = __import__("re").sub(r"「[\w.]+\.(?:yaml|txt)」", "", label)  # a case file's or page's name may stay
            assert explain and not __import__("re").search(r"[A-Za-z]", words), (name, label)


# -- citations and uploads -----------------------------------------------------------------------------
def test_citation_label_and_quoted_rows(_seed_doc_cached):
    doc = _seed_doc_cached
    row = Citation(
        document=doc.source_file,
        project=doc.projects[7].name,
        row=3,
        field="指标值",
        quote="≥85%",
        location=SourceLocation(file=doc.source_file, table=8, row=3),
    )
    assert conversation.citation_label(1, row, doc) == "\\[1\\] 表8 第3行 · 指标值：≥85\\%"  # literal Markdown
    quoted = conversation.cited_rows(doc, row)
    assert quoted.iloc[0]["指标值"] == "≥85%" and quoted.iloc[0]["表"] == 8
    field = Citation(
        document=doc.source_file,
        project=doc.projects[7].name,
        field="预算数",
        quote="31.98",
        location=SourceLocation(file=doc.source_file, table=8),
    )
    assert "31.98" in set(conversation.cited_rows(doc, field)["内容"])
    other = Citation(document="别的文件.txt", field="知识库", quote="x", location=SourceLocation(table=99))
    assert conversation.citation_label(2, other, doc).startswith("\\[2\\] 《别的文件\\.txt》表99")
    finding = other.model_copy(update={"field": "cost_mismatch"})
    assert "成本指标与预算不符" in conversation.citation_label(3, finding, doc)  # never the category key
    assert conversation.cited_rows(doc, other) is None


def test_reader_crash_becomes_a_chinese_input_error(monkeypatch):
    def crash(data, name):
        raise KeyError("word/document.xml")

    monkeypatch.setattr(documents, "read_bytes", crash)
    with pytest.raises(InputError, match="无法读取文件「坏.docx」（KeyError）"):
        documents.parse_upload(b"x", "坏.docx")
