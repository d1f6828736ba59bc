"""Review rules that hold in any province: what a value must look like for what its name measures, where a
row belongs by its unit, vague values by what they lack (not by a word list), and rules that respect what the
reader knows (cut-off tables, fields a template does not have, self-evaluations, look-alikes)."""

from __future__ import annotations

from rule_tables import BEN, OUT, SAT, clean_rows, doc, ids, project, replace, row

from assistant.review.reviewer import review_document
from assistant.rules import run_rules


def rules_on(rows=None, **kw):
    d = doc(project(rows), **kw)
    return run_rules(d)


def with_row(l3_old, *cells):
    return replace(clean_rows(), l3_old, row(*cells))


def test_a_rate_measured_in_days_or_a_time_in_percent_does_not_fit_its_name():
    assert "UNIT-KIND" in ids(rules_on(with_row("完成时间", OUT, "时效指标", "检测及时率", "≤7工作日")))
    assert "UNIT-KIND" in ids(rules_on(with_row("完成时间", OUT, "时效指标", "项目完成时间", "100%")))
    assert "UNIT-KIND" not in ids(rules_on(with_row("完成时间", OUT, "时效指标", "检测及时率", "≥95%")))


def test_rows_belong_where_their_unit_says():
    misfiled = rules_on(with_row("造林成活率", OUT, "质量指标", "实验室仪器维修维护", "≥4次"))
    assert "WRONG-KIND" in ids(misfiled)
    quality_rate = rules_on(with_row("人工造林面积", OUT, "数量指标", "苗木成活率", "≥85%"))
    assert "WRONG-KIND" in ids(quality_rate)
    assert "CAT-OUTPUT" not in ids(rules_on(with_row("造林成活率", OUT, "数量指标", "苗木成活率", "≥85%")))
    coverage = rules_on(with_row("人工造林面积", OUT, "数量指标", "适龄儿童疫苗接种率", "≥90%"))
    assert "WRONG-KIND" not in ids(coverage)


def test_any_value_no_one_could_score_is_vague_and_pass_fail_or_a_named_standard_is_not():
    for vague in ("正面支撑", "有力保障", "持续影响", "长期", "良好", "减少", "覆盖全区所有人员"):
        assert "VAGUE-PHRASE" in ids(rules_on(with_row("新增森林面积", BEN, "社会效益指标", "服务保障民生", vague))), vague
    for fine in ("验收合格", "是", "达到《地表水环境质量标准》Ⅲ类"):
        assert "VAGUE-PHRASE" not in ids(rules_on(with_row("新增森林面积", BEN, "生态效益指标", "出水水质", fine))), fine


def test_a_share_written_as_a_fraction_gets_a_percent_fix():
    (f,) = [f for f in rules_on(with_row("造林成活率", OUT, "质量指标", "造林成活率", "1")) if f.rule_id == "UNIT-MISSING"]
    assert "100%" in f.suggestion


def test_a_table_year_older_than_its_own_dates_is_stale():
    rows = replace(clean_rows(), "完成时间", row(OUT, "时效指标", "完成时间", "2025年10月底前完成"))
    d = doc(project(rows), year=2023)
    d.projects[0].period = "2025年1月1日-2025年12月31日"
    (f,) = [f for f in run_rules(d) if f.rule_id == "STALE-YEAR"]
    assert "2023年度" in f.message and "2025年" in f.message


def test_a_cut_off_table_is_not_missing_categories():
    rows = [i for i in clean_rows() if i.level1 == OUT]
    assert {"CAT-BENEFIT", "CAT-SATISFACTION"} <= set(ids(rules_on(rows)))
    d = doc(project(rows))
    d.projects[0].truncated = True
    assert not {"CAT-BENEFIT", "CAT-SATISFACTION"} & set(ids(run_rules(d)))


def test_fields_a_template_does_not_have_are_not_missing():
    rows = [row(*c[:4], basis="") for c in [(i.level1, i.level2, i.level3, i.value_raw) for i in clean_rows()]]
    d = doc(project(rows, purpose=""))
    assert {"MISSING-BASIS", "MISSING-PURPOSE"} <= set(ids(run_rules(d)))
    d.projects[0].layout = ["name", "budget", "goal", "level1", "level2", "level3", "value"]
    assert not {"MISSING-BASIS", "MISSING-PURPOSE"} & set(ids(run_rules(d)))


def test_a_self_evaluation_is_judged_on_its_actuals_not_on_how_targets_are_set():
    rows = clean_rows()
    rows[0].actual_raw, rows[0].weight, rows[0].score = "900亩", "10", "10"
    d = doc(project(rows, purpose=""), kind="self_eval")
    found = ids(run_rules(d))
    assert "SELF-FULL-MARKS" in found and "MISSING-PURPOSE" not in found and "PLAN-MISSING" not in found
    rows[0].score = "8"
    assert "SELF-FULL-MARKS" not in ids(run_rules(d))


def test_a_look_alike_gets_no_findings_and_a_notice():
    d = doc(project([row(SAT, "服务对象满意度指标", "群众满意度", "较上年提高")]), kind="other")
    result = review_document(d)
    assert result.findings == [] and any("不是预算绩效目标表" in n for n in result.notices)


def test_suggestions_speak_of_the_documents_year_and_the_projects_sector():
    from rule_tables import project as make

    rows = replace(clean_rows(), "完成时间", row(OUT, "时效指标", "完成时间", "按时完成"))
    health = make(rows, name="基本医疗保险参保补助", purpose="城乡居民基本医疗保险参保缴费补助")
    (timely,) = [f for f in run_rules(doc(health, year=2027)) if f.rule_id == "VAGUE-TIMELINESS"]
    assert "2027年" in timely.suggestion and "2024" not in timely.suggestion
    copied = replace(clean_rows(), "人工造林面积", row(OUT, "数量指标", "参保人数", "≥5000人", desc="参保人数"))
    med = make(copied, name="基本医疗保险参保补助", purpose="城乡居民基本医疗保险参保缴费补助")
    (f,) = [f for f in run_rules(doc(med, year=2027)) if f.rule_id == "COPY-DESC"]
    assert "造林" not in f.suggestion and "森林" not in f.suggestion
