"""Offline drafting: complete, measurable tables grounded in precedents, passing our own review."""

from pathlib import Path

import pytest
from docx import Document as DocxDocument
from typer.testing import CliRunner

from assistant.cli import app
from assistant.draft import MemoryPrecedents, OfflineDrafter
from assistant.draft.quantities import read_description
from assistant.evals.drafts import (
    cost_matches_budget,
    load_draft_suite,
    missing_categories,
    quantified_rate,
    score_draft,
)
from assistant.models import DraftRequest
from assistant.writers.draft import draft_markdown

ROOT = Path(__file__).resolve().parent.parent
SUITE = load_draft_suite(ROOT / "evals" / "cases" / "drafts_seed.yaml")


def _draft(doc, req, leave_out=None):
    src = MemoryPrecedents([doc], exclude=(lambda p: p.name == leave_out) if leave_out else None)
    return OfflineDrafter(src).draft(req)


@pytest.fixture(scope="module")
def loo(_seed_doc_cached):
    out = {}
    for case in SUITE.cases:
        if case.reference is None:
            continue
        ref = _seed_doc_cached.projects[case.reference.table - 1]
        d = _draft(_seed_doc_cached, case.request(), leave_out=case.name)
        out[case.id] = (d, ref)
    return out


def test_leave_one_out_on_the_seed(loo):
    assert len(loo) == 17
    for case_id, (d, ref) in loo.items():
        assert all(r.indicator.level3 != ref.name for r in d.rows)
        assert not [f for f in d.findings if f.severity == "error"], (case_id, d.findings)
        assert cost_matches_budget(d.project), case_id
        assert missing_categories(d.project) == [], case_id
        assert quantified_rate(d.project) >= 0.8, (case_id, [r.indicator.value_raw for r in d.rows])


def test_precedents_never_come_from_the_left_out_project(loo):
    for d, ref in loo.values():
        assert all(p.project != ref.name for r in d.rows for p in r.precedents)
        assert all(0.0 <= r.confidence <= 1.0 for r in d.rows)


def test_coverage_is_reported_per_project(loo):
    scores = [score_draft(d, ref).coverage.score for d, ref in loo.values()]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert sum(scores) / len(scores) > 0.3


@pytest.mark.parametrize("case_id", ["draft-new-school", "draft-new-road", "draft-new-health"])
def test_descriptions_outside_the_corpus(seed_doc, case_id):
    case = next(c for c in SUITE.cases if c.id == case_id)
    d = _draft(seed_doc, case.request())
    assert missing_categories(d.project) == []
    assert quantified_rate(d.project) >= 0.8
    assert not [f for f in d.findings if f.severity == "error"]
    assert any("没有足够相似" in n for n in d.notes)  # says where precedents were weak


def test_description_numbers_become_indicators(seed_doc):
    req = DraftRequest(name="人工造林项目", budget=80, purpose="人工造林1000亩，保障57人务工，6月底前完成", year=2025)
    d = _draft(seed_doc, req)
    rows = {r.indicator.level3: r.indicator.value_raw for r in d.rows}
    assert rows["人工造林面积"] == "1000亩"  # as the description says: no operator it did not write
    assert "57人" in rows.values()
    assert "2025年6月底前完成" in rows.values()
    assert d.project.spending_plan.jun == 100.0  # money is spent by the deadline
    assert "人工造林面积1000亩" in d.project.goal


def test_dates_move_into_the_budget_year(seed_doc):
    d = _draft(seed_doc, DraftRequest(name="义务植树", budget=3, purpose="完成义务植树任务，提升全民绿化意识", year=2026))
    dates = [r.indicator.value for r in d.rows if r.indicator.value.kind == "date"]
    assert all(v.year in (None, 2026) for v in dates)
    assert "2022年春季完成" not in [r.indicator.value_raw for r in d.rows]


def test_vague_precedent_values_are_made_measurable(seed_doc):
    d = _draft(seed_doc, DraftRequest(name="综合业务经费", budget=90, purpose="保障全局人员日常工作运行", year=2025))
    assert not any(r.indicator.value_raw in ("较上年提高", "保障运转", "持续发挥") for r in d.rows)


def test_read_description():
    r = read_description("新建乡村公路5.2公里，惠及群众3000人，2025年10月底前完成，合格率达到95%", 2025)
    got = [(q.name, q.value) for q in r.quantities]
    assert got == [("新建乡村公路长度", "5.2公里"), ("受益群众人数", "3000人"), ("项目完成时间", "2025年10月底前完成"), ("合格率", "≥95%")]
    assert r.deadline_month == 10


def test_markdown_shows_precedents_and_engine(seed_doc):
    d = _draft(seed_doc, DraftRequest(name="美国白蛾防治", budget=12, purpose="预防林业病虫害", year=2025))
    md = draft_markdown(d)
    assert "离线起草" in md and "参考往年" in md and "≤12万元" in md


def test_cli_draft_writes_docx(tmp_path):
    out = tmp_path / "draft.docx"
    r = CliRunner().invoke(app, ["draft", "--name", "美国白蛾防治", "--budget", "12", "--purpose", "防治面积8万亩", "--format", "docx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = "\n".join(c.text for t in DocxDocument(str(out)).tables for row in t.rows for c in row.cells)
    assert "8万亩" in text and "≤12万元" in text


def test_cli_draft_rejects_bad_budget():
    r = CliRunner().invoke(app, ["draft", "--name", "x", "--budget", "-1"])
    assert r.exit_code != 0 and "预算数必须大于0" in r.output


def test_cli_draft_xlsx_opens_on_the_table(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "draft.xlsx"
    r = CliRunner().invoke(app, ["draft", "--name", "义务植树", "--budget", "3", "--purpose", "义务植树4000株", "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert len(wb.sheetnames) == 1 and "义务植树" in wb.sheetnames[0]
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row if c]
    assert "4000株" in cells and "义务植树株数" in cells


def test_budget_year_defaults_to_next_year():
    import datetime

    assert DraftRequest(name="x", budget=1).year == datetime.date.today().year + 1
