"""Offline drafts a clerk would submit, in sectors the corpus does not cover: description numbers in
well-named rows, 效益 rows from what the money is for, nothing borrowed from an unrelated precedent,
values that pass our reviewer."""

import re

import pytest

from assistant.categories import canonical_level1, canonical_level2
from assistant.draft import MemoryPrecedents, OfflineDrafter
from assistant.draft.quality import cost_matches_budget, garbage_name, missing_categories
from assistant.evals.cases import CASES_DIR
from assistant.evals.drafts import load_draft_suite, score_draft
from assistant.models import DraftRequest

SECTOR_CASES = {c.id: c for c in load_draft_suite(CASES_DIR / "drafts_sectors.yaml").cases}


@pytest.fixture(scope="module")
def drafter(_seed_doc_cached):
    return OfflineDrafter(MemoryPrecedents([_seed_doc_cached]))


def _rows(d):
    return {r.indicator.level3: r.indicator.value_raw for r in d.rows}


def _clean(d, year):
    assert not [f for f in d.findings if f.severity == "error"], d.findings
    assert cost_matches_budget(d.project) and missing_categories(d.project) == []
    assert not [r.indicator.level3 for r in d.rows if garbage_name(r.indicator.level3)]
    for r in d.rows:
        v = r.indicator.value
        if v.kind == "date":
            assert v.year in (None, year), r.indicator.value_raw
        if canonical_level1(r.indicator.level1) == "满意度指标":
            assert re.search("问卷|调查|回访|座谈", r.indicator.basis), r.indicator.basis


def test_forest_project_of_issue_13(drafter):
    d = drafter.draft(DraftRequest(name="南部水源涵养林建设项目", budget=6070, year=2026,
                                   purpose="在7个林场和11个乡镇实施营造林8万亩，其中新造林3万亩，未成林抚育提升及退化林改造5万亩；修建作业道30公里。"))
    rows = _rows(d)
    for name, value in [("林场数量", "7个"), ("乡镇数量", "11个"), ("营造林面积", "8万亩"), ("新造林面积", "3万亩"),
                        ("未成林抚育提升及退化林改造面积", "5万亩"), ("作业道修建长度", "30公里"), ("项目总成本", "≤6070万元")]:
        assert rows.get(name) == value, (name, rows)
    assert any(canonical_level2(r.indicator.level2) == "生态效益指标" for r in d.rows)  # 水源涵养林: ecology
    assert "作业道修建长度30公里" in d.project.goal and "在数量" not in d.project.goal
    assert any("合计与营造林面积8万亩一致" in n for n in d.notes)
    _clean(d, 2026)


def test_dust_project_of_issue_13(drafter):
    d = drafter.draft(DraftRequest(name="雾炮车抑尘降尘服务", budget=250, year=2026,
                                   purpose="对城区主次干道开展每日不少于2次的雾炮降尘作业，覆盖道路面积120万平方米，改善城区空气质量。"))
    rows = _rows(d)
    assert rows.get("雾炮降尘作业频次") == "≥2次/日" and rows.get("覆盖道路面积") == "120万平方米"
    eco = [r.indicator.level3 for r in d.rows if canonical_level2(r.indicator.level2) == "生态效益指标"]
    assert eco and any(w in n for n in eco for w in ("空气", "扬尘", "降尘")), eco
    # the seed corpus is a 自然资源局 document: nothing of it belongs in a sanitation table
    assert not [r for r in d.rows if r.precedents] and "运转保障率" not in rows
    _clean(d, 2026)


@pytest.mark.parametrize(
    "name,purpose,budget,level2",
    [
        ("残疾儿童康复救助", "为一百二十名残疾儿童提供康复训练救助，每人每年补助1.8万元。", 216, "社会效益指标"),
        ("高标准农田建设项目", "新建高标准农田2.5万亩，配套建设灌溉渠道46公里。", 7500, "经济效益指标"),
        ("城区公园绿地养护", "对城区公园及道路绿地156万平方米开展日常养护。", 624, "生态效益指标"),
        ("文旅宣传推介", "参加省内外旅游推介会不少于4场，拍摄文旅宣传短视频10部。", 80, "经济效益指标"),
    ],
)
def test_benefit_rows_follow_what_the_money_is_for(drafter, name, purpose, budget, level2):
    d = drafter.draft(DraftRequest(name=name, budget=budget, purpose=purpose, year=2027))
    assert any(canonical_level2(r.indicator.level2) == level2 for r in d.rows), _rows(d)
    _clean(d, 2027)


def test_every_description_number_is_a_row_or_a_note(drafter):
    d = drafter.draft(DraftRequest(name="黄山市雪亮工程市本级机房租赁服务采购项目", budget=168.168, year=2026,
                                   purpose="该项目为市本级雪亮工程后端机房租赁服务,共计77个机柜,租赁周期为36个月。项目已于2024年7月完成招标采购,服务期限3年,逐年支付费用。"))
    rows = _rows(d)
    assert rows.get("机柜数量") == "77个" and rows.get("租赁周期") == "36个月" and rows.get("服务期限") == "3年"
    assert any("2024年7月" in n and "已过去" in n for n in d.notes)
    assert "2024" not in " ".join(rows.values())
    _clean(d, 2026)


def test_a_standard_is_checked_against_the_budget(drafter):
    d = drafter.draft(DraftRequest(name="学前教育资助", budget=8, year=2026, purpose="每人1000元，计划资助63人。"))
    assert _rows(d).get("资助标准") == "1000元/人"
    assert any("63人×1000元/人=6.3万元" in n and "不一致" in n for n in d.notes)


def test_no_numbers_still_a_measurable_table(drafter):
    d = drafter.draft(DraftRequest(name="安全隐患维修", budget=20, year=2026, purpose="维修审判大楼玻璃幕墙等,消除外延脱落安全隐患。"))
    quantity = [r for r in d.rows if canonical_level2(r.indicator.level2) == "数量指标"]
    assert quantity[0].indicator.level3 == "审判大楼玻璃幕墙维修数量" and "请按实际" in quantity[0].note
    _clean(d, 2026)


@pytest.mark.parametrize("case_id", ["sec-aid-03", "sec-yb-01", "sec-civil-01", "sec-it-02", "sec-house-01", "sec-rr-01", "sec-sport-01", "sec-train-01"])
def test_sector_cases_pass_every_gate(drafter, case_id):
    case = SECTOR_CASES[case_id]
    d = drafter.draft(case.request())
    score = score_draft(d, case=case)
    assert score.passed, {k: getattr(score, k).reason for k in score.GATES if getattr(score, k) is not None and not getattr(score, k).passed}
    assert score.numbers.score == 1.0
