"""Value checks on small tables: units, cost against 预算数, implausible targets, stale dates."""

from __future__ import annotations

import pytest
from rule_tables import BEN, OUT, SAT, doc, ids, project, replace, row

from assistant.review.reviewer import review_document


def _review(rows, **kw):
    return review_document(doc(project(rows, **kw))).findings


def _with(l3, new):
    return replace(project().indicators, l3, new)


@pytest.mark.parametrize(
    "value, budget", [("15000元", 1.5), ("1.50万元", 1.5), ("≤10万元", 10.0), ("30000元", 3.0)]
)
def test_cost_equal_to_budget_after_unit_normalisation(value, budget):
    rows = _with("预算控制数", row(OUT, "成本指标", "预算控制数", value))
    assert _review(rows, budget=budget) == []


def test_cost_over_budget_is_error():
    rows = _with("预算控制数", row(OUT, "成本指标", "预算控制数", "101.73万元"))
    [f] = _review(rows, budget=31.98)
    assert (f.rule_id, f.severity, f.evidence) == ("COST-OVER-BUDGET", "error", "101.73万元")
    assert "31.98" in f.message


def test_unit_price_without_per_unit():
    rows = [
        row(OUT, "数量指标", "国有国家级公益林面积", "720亩"),
        *project().indicators[1:3],
        row(OUT, "成本指标", "国有林管护补助成本", "10元"),
        *project().indicators[4:],
    ]
    f = _review(rows, budget=0.72, goal="1.国家级国有公益林补助720亩。")
    assert ids(f) == ["UNIT-PER"]  # not a cost mismatch: 720亩 × 10元 = 0.72万元
    assert "10元/亩" in f[0].suggestion and f[0].evidence == "10元"


def test_unit_price_times_quantity():
    base = [
        row(OUT, "数量指标", "湿地公园监控数量", "11个"),
        *project().indicators[1:3],
        row(OUT, "成本指标", "每个监控设备服务单价", "2809.09元/个"),
        row(OUT, "成本指标", "预算控制数", "3.09万元"),
        *project().indicators[4:],
    ]
    assert _review(base, budget=3.09, goal="1.保障监控设备正常运行。") == []
    wrong = [
        r if r.level3 != "湿地公园监控数量" else row(OUT, "数量指标", "湿地公园监控数量", "20个")
        for r in base
    ]
    f = _review(wrong, budget=3.09, goal="1.保障监控设备正常运行。")
    assert ids(f) == ["COST-UNIT-PRICE"] and "5.62" in f[0].message


def test_unit_price_picks_the_matching_quantity():
    # 89元/人 applies to the 40045 residents, not to the 8600 elderly also counted in 人
    base = [
        row("成本指标", "经济成本指标", "人均补助标准", "89元/人"),
        row(OUT, "数量指标", "服务常住人口数", "40045人"),
        row(OUT, "数量指标", "老年人健康管理人数", "≥8600人"),
        *project().indicators[1:3],
        *project().indicators[4:],
    ]
    goal = "1.为40045名常住居民提供服务，老年人健康管理8600人。"
    assert _review(base, budget=356.4, goal=goal) == []
    wrong = [r for r in base if r.level3 != "服务常住人口数"] + [
        row(OUT, "数量指标", "服务常住人口数", "30000人")
    ]
    f = _review(wrong, budget=356.4, goal="1.老年人健康管理8600人，服务常住人口30000人。")
    # one finding per price, quoting the closer pair (30000人 × 89元 = 267万元)
    assert ids(f) == ["COST-UNIT-PRICE"] and "30000人" in f[0].message and "267" in f[0].message


def test_cost_below_budget_unexplained():
    rows = _with("预算控制数", row(OUT, "成本指标", "设备购置费", "4万元"))
    assert ids(_review(rows)) == ["COST-BELOW-BUDGET"]
    parts = [
        *project().indicators[:3],
        row(OUT, "成本指标", "设备购置费", "4万元"),
        row(OUT, "成本指标", "服务费", "6万元"),
        *project().indicators[4:],
    ]
    assert _review(parts) == []


def test_funds_must_add_up():
    p = project()
    p.fiscal_funds, p.other_funds = 6.0, 2.0
    assert ids(review_document(doc(p)).findings) == ["COST-FUNDS-SUM"]


def test_units():
    assert ids(_review(_with("造林成活率", row(OUT, "质量指标", "造林成活率", "85")))) == ["UNIT-MISSING"]
    [f] = _review(_with("造林成活率", row(OUT, "质量指标", "造林成活率", "85")))
    assert "85%" in f.suggestion
    assert _review(_with("造林成活率", row(OUT, "质量指标", "造林成活率（%）", "85"))) == []


@pytest.mark.parametrize(
    "l2, l3, value, rule",
    [
        ("质量指标", "验收合格率", "120%", "IMPL-PCT-OVER"),
        ("时效指标", "发证及时率", "≥100%", "IMPL-RATE-GE100"),
        ("经济效益指标", "税收增长率", "≥99%", "IMPL-GROWTH"),
        ("成本指标", "预算控制数", "≥10万元", "IMPL-COST-GE"),
        ("数量指标", "上一轮退耕还生态林补助面积", "≤1.55万亩", "IMPL-QTY-LE"),
    ],
)
def test_implausible_values(l2, l3, value, rule):
    l1 = BEN if "效益" in l2 else OUT
    rows = [*project().indicators, row(l1, l2, l3, value)]
    assert rule in ids(_review(rows))


@pytest.mark.parametrize(
    "l2, l3, value",
    [
        ("时效指标", "发证及时率", "100%"),
        ("质量指标", "成灾率", "≤1%"),
        ("数量指标", "森林火灾发生次数", "≤2次"),
        ("经济效益指标", "税收增长率", "≥5%"),
    ],
)
def test_plausible_values(l2, l3, value):
    rows = [*project().indicators, row(BEN if "效益" in l2 else OUT, l2, l3, value)]
    assert not [f for f in _review(rows) if f.category == "implausible_value"]


def test_stale_dates_ignore_document_numbers():
    [f] = _review(_with("完成时间", row(OUT, "时效指标", "义务植树规定时限", "2022年春季完成")))
    assert (f.rule_id, f.severity, f.evidence) == ("STALE-DATE", "error", "2022年春季完成")
    [f] = _review(_with("完成时间", row(OUT, "时效指标", "数据库建设任务完成率", "2017年12月已完成")))
    assert f.rule_id == "STALE-DATE"  # one finding, not also STALE-PAST
    for basis in ("冀财资环【2022】91号文", "冀财资环[2023]107号", "《2022年造林实施方案》"):
        assert (
            _review(_with("人工造林面积", row(OUT, "数量指标", "人工造林面积", "≥1000亩", basis=basis))) == []
        )
    rows = [*project().indicators, row(OUT, "质量指标", "执行标准", "符合冀财资环【2022】91号要求")]
    assert "STALE-DATE" not in ids(_review(rows))


def test_past_tense_values_and_goal_text():
    for value in ("已支付", "已完成", "已完成系统建设一套"):
        assert ids(_review(_with("完成时间", row(OUT, "时效指标", "完成时间", value)))) == ["STALE-PAST"]
    [f] = _review(project().indicators, goal="1.完成平台建设及数据入库。此项工作已完成。")
    assert (f.rule_id, f.evidence) == ("STALE-TEXT", "此项工作已完成")


def test_satisfaction_rows_are_fine():
    assert _review(_with("群众满意度", row(SAT, "服务对象满意度指标", "服务群体满意度（%）", "≥99%"))) == []
