"""Structure checks on small tables: required categories in both layouts, misfiled rows, spending plans."""

from __future__ import annotations

from rule_tables import BEN, OUT, SAT, doc, ids, project, replace, row

from assistant.review.reviewer import review_document


def _review(rows=None, **kw):
    return review_document(doc(project(rows, **kw))).findings


def test_missing_categories():
    rows = [i for i in project().indicators if i.level2 not in ("时效指标", "生态效益指标")]
    f = _review(rows)
    assert ids(f) == ["CAT-BENEFIT", "CAT-OUTPUT"]
    assert "时效指标" in next(x for x in f if x.rule_id == "CAT-OUTPUT").message
    f = _review([i for i in project().indicators if i.level2 != "成本指标"])
    assert ids(f) == ["CAT-COST"]
    f = _review([i for i in project().indicators if i.level1 != SAT])
    assert ids(f) == ["CAT-SATISFACTION"] and f[0].severity == "info"
    assert ids(_review([])) == ["CAT-NONE"]


def test_four_level1_layout_is_complete():
    rows = [
        row("成本指标", "经济成本指标", "预算控制数", "≤10万元"),
        row(OUT, "数量指标", "人工造林面积", "≥1000亩"),
        row(OUT, "质量指标", "造林成活率", "≥85%"),
        row(OUT, "时效指标", "完成时间", "2024年10月底前完成"),
        row(BEN, "生态效益指标", "新增森林面积", "≥1000亩"),
        row("社会公众或服务对象满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]
    assert _review(rows) == []


def test_wrong_level2():
    rows = [*project().indicators, row(BEN, "社会效益指标", "税收增长率", "≥5%")]
    [f] = _review(rows)
    assert (f.rule_id, f.indicator) == ("WRONG-LEVEL2", "税收增长率") and "经济效益指标" in f.message
    rows = [
        *project().indicators,
        row(BEN, "生态效益指标", "维持不动产登记服务能力", "群众办证等待时间≤30分钟"),
    ]
    assert ids(_review(rows)) == ["WRONG-LEVEL2"]
    rows = [*project().indicators, row(BEN, "可持续影响指标", "维护社会稳定", "达成年度指标")]
    assert _review(rows) == []  # long-term effects may touch any theme


def test_level_hierarchy_and_input_as_output():
    rows = replace(project().indicators, "新增森林面积", row(BEN, "数量指标", "新增森林面积", "≥1000亩"))
    assert "WRONG-LEVEL1" in ids(_review(rows))
    rows = [*project().indicators, row(OUT, "数量指标", "资金安排金额", "28.8万元")]
    assert ids(_review(rows)) == ["WRONG-INPUT"]


def test_spending_plans():
    assert _review(plan=(0.0, 100.0, 100.0, 100.0)) == []
    assert ids(_review(plan=(25.0, 25.0, 25.0, 25.0))) == ["PLAN-TOTAL"]
    assert ids(_review(plan=(40.0, 30.0, 20.0, 10.0))) == ["PLAN-CUMULATIVE"]
    assert ids(_review(plan=(25.0, 50.0, 75.0, 90.0))) == ["PLAN-TOTAL"]
    assert ids(_review(plan=(None, None, None, None))) == ["PLAN-MISSING"]


def test_plan_against_deadline():
    due_june = replace(project().indicators, "完成时间", row(OUT, "时效指标", "完成时间", "2024年6月完成"))
    assert _review(due_june, plan=(0.0, 100.0, 100.0, 100.0)) == []  # 国土空间规划: consistent
    [f] = _review(due_june, plan=(0.0, 0.0, 100.0, 100.0))
    assert (f.rule_id, f.evidence) == ("PLAN-DEADLINE", "2024年6月完成") and "6月底" in f.message
