"""绩效目标 text against indicators, and projects against the department's 分项绩效目标."""

from __future__ import annotations

import numpy as np
from rule_tables import BEN, OUT, doc, ids, project, row

from assistant.models import GoalArea
from assistant.review.goals import extract_targets, map_goals
from assistant.review.reviewer import Reviewer, review_document, review_project
from assistant.rules import load_lexicon
from assistant.rules.mentions import find_mentions


def _rows(*extra):
    return [*project().indicators[1:], *extra]


def test_goal_numbers_match_single_values_and_sums():
    rows = _rows(
        row(OUT, "数量指标", "人工造林绿化补助面积", "≥1000亩"),
        row(OUT, "数量指标", "森林质量精准提升面积", "≥2000亩"),
        row(OUT, "数量指标", "省级森林乡村数量", "1个"),
        row(OUT, "数量指标", "村庄绿化提升村数量", "11个"),
    )
    goal = "1.人工造林1000亩、森林质量精准提升2000亩、乡村奖补12个村验收合格，提高森林绿化面积。"
    assert review_document(doc(project(rows, goal=goal))).findings == []
    rows = _rows(row(OUT, "数量指标", "登记发证数量", "≥18000件"))
    goal = "1.2024年发证大约3000件左右，农宅发证15000件左右。不动产登记宣传二次。"
    [f] = review_document(doc(project(rows, goal=goal))).findings
    assert (f.rule_id, f.evidence) == ("GAP-NUMBER", "不动产登记宣传二次")


def test_goal_unit_price_matches_a_unit_price_row():
    rows = [
        row(OUT, "数量指标", "资助学生人数", "≥210人"),
        *project().indicators[1:3],
        row(OUT, "成本指标", "国家助学金资助标准", "2000元/人"),
        *project().indicators[4:],
    ]
    goal = "1.资助普通高中家庭经济困难学生210人，每生每年2000元。"
    assert review_document(doc(project(rows, goal=goal, budget=42.0))).findings == []
    goal = "1.资助普通高中家庭经济困难学生210人，每生每年2500元。"
    [f] = review_document(doc(project(rows, goal=goal, budget=42.0))).findings
    assert (f.rule_id, f.evidence) == ("GAP-NUMBER", "每生每年2500元")


def test_goal_number_that_differs_from_indicator():
    [f] = review_document(doc(project(goal="1.完成人工造林1500亩。"))).findings
    assert f.rule_id == "GAP-NUMBER" and f.evidence == "完成人工造林1500亩"


def test_descriptive_numbers_in_a_measured_clause_are_fine():
    rows = _rows(row(OUT, "数量指标", "保障人数", "57人"))
    goal = "1.保障下属苗圃场、东风林场、果树场等四个单位57人的医疗保险及时缴纳。"
    assert review_document(doc(project(rows, goal=goal))).findings == []


def test_mentions_skip_years_and_ordinals():
    units = load_lexicon().measure_units
    found = [
        (m.number, m.unit)
        for m in find_mentions(
            "完成2005、2006两个年度退耕任务，第四轮规划，2024年完成营造林0.5万亩以上", units
        )
    ]
    assert found == [(0.5, "万亩")]


def test_promises_without_indicators():
    goal = "1.通过实施该项目及时支付造林补贴，增加农民收入；增加绿化面积，提高森林覆盖率。"
    rows = [*project().indicators, row(BEN, "生态效益指标", "森林覆盖率", "≥35%")]
    [f] = review_document(doc(project(rows, goal=goal))).findings
    assert (f.rule_id, f.evidence) == ("GAP-PROMISE", "增加农民收入")


def test_each_joined_promise_needs_its_own_indicator():
    rows = [
        *project().indicators,
        row(BEN, "社会效益指标", "教师教育教学能力", "达成年度指标"),
        row(BEN, "社会效益指标", "不动产登记办理时限", "≤5个工作日"),
    ]
    goal = "1.提升教师教育教学能力和信息技术应用能力。"
    [f] = review_document(doc(project(rows, goal=goal))).findings
    assert (f.rule_id, f.evidence) == ("GAP-PROMISE", "提升教师教育教学能力和信息技术应用能力")
    assert "信息技术" in f.message and "教师" not in f.message.split("未出现")[1]
    # a one-word part only qualifies the part before it: 标准化 shares 不动产登记's indicator
    goal = "1.提升教师教育教学能力，促进不动产登记规范化、标准化。"
    assert review_document(doc(project(rows, goal=goal))).findings == []


AREAS = [
    GoalArea(
        number=1,
        title="全面做好耕地保护",
        goal="全面加强耕地保护，实现基本农田面积不减少。",
        indicators_text="认真做好耕地占补平衡工作, 力争全年新增耕地2000亩，完成新增耕地入库3000亩。",
    ),
    GoalArea(
        number=2,
        title="加强林业资源管理",
        goal="完成2024年造林绿化任务，维护森林生态安全。",
        indicators_text="扎实推进林长制、绿化造林等工作，2024年完成营造林0.5万亩以上。",
    ),
    GoalArea(
        number=3,
        title="不动产工作",
        goal="继续抓好不动产登记服务工作。",
        indicators_text="完成不动产权属登记与发证。",
    ),
]


def _office():
    rows = [
        row(OUT, "数量指标", "涉及人员数量", "13人"),
        row(OUT, "质量指标", "费用覆盖率", "100%"),
        row(OUT, "时效指标", "支付时间", "2024年6月底前完成"),
        row(OUT, "成本指标", "预算控制数", "≤10万元"),
        row(BEN, "社会效益指标", "人员归属感", "达成年度指标"),
        row("满意度指标", "服务对象满意度指标", "人员满意度", "≥95%"),
    ]
    return project(
        rows, name="企业改制资金", purpose="支付原下属企业改制人员费用", goal="1.支付原下属企业改制人员费用。"
    )


def test_targets_are_extracted_verbatim():
    targets = [(t.area, t.text, t.key, t.value) for a in AREAS for t in extract_targets(a, load_lexicon())]
    assert targets == [
        (1, "新增耕地2000亩", "新增耕地", 2000.0),
        (1, "新增耕地入库3000亩", "新增耕地入库", 3000.0),
        (2, "营造林0.5万亩以上", "营造林", 5000.0),
    ]


def test_goal_map_and_department_findings():
    forest = project(name="造林补贴")
    d = doc(forest, _office(), areas=AREAS)
    gm = map_goals(d)
    assert [link.area for link in gm.areas_for("造林补贴")] == [2]
    assert [p.project for p in gm.uncovered_projects()] == ["企业改制资金"]
    assert [a.number for a in gm.unfunded_areas()] == [1, 3]
    f = review_document(d).findings
    assert sorted((x.rule_id, x.project, x.evidence) for x in f if x.category == "dept_misalignment") == [
        ("DEPT-UNCOVERED", "企业改制资金", "企业改制资金"),
        ("DEPT-UNFUNDED", None, "新增耕地2000亩"),
    ]


def test_department_conflict():
    areas = [GoalArea(number=1, title="耕地保护", goal="", indicators_text="力争全年新增耕地2000亩。")]
    rows = [*project().indicators, row(OUT, "数量指标", "新增耕地面积", "≥3000亩")]
    p = project(rows, name="耕地占补平衡项目", goal="1.新增耕地3000亩。")
    assert "DEPT-CONFLICT" in ids(review_document(doc(p, areas=areas)).findings)


class FakeEmbedder:
    """Deterministic vectors: texts about 林 point one way, the rest another."""

    def embed_passages(self, texts):
        v = np.array([[1.0, 0.0] if "林" in t else [0.0, 1.0] for t in texts], dtype=np.float32)
        return v


def test_embeddings_rank_but_do_not_change_findings():
    d = doc(project(name="造林补贴"), areas=AREAS)
    gm = map_goals(d, FakeEmbedder())
    assert gm.method == "keywords+embeddings"
    best = gm.projects[0].scores[0]
    assert best.area == 2 and best.embedding_score == 1.0
    assert Reviewer(embedder=FakeEmbedder()).review(d).findings == review_document(d).findings


def test_review_project_for_drafts():
    p = project(goal="1.完成人工造林1000亩，增加农民收入。")
    r = review_project(p, 2024)
    assert ids(r.findings) == ["GAP-PROMISE"]
    r = review_project(_office(), 2024, AREAS)
    assert ids(r.findings) == ["DEPT-UNCOVERED"]  # document-wide rules (unfunded areas) are skipped
