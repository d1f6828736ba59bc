"""Projects against the department's 分项绩效目标 beyond 自然资源: themes, name links, funded targets."""

from __future__ import annotations

from rule_tables import BEN, OUT, SAT, doc, project, row

from assistant.models import GoalArea
from assistant.review.goals import map_goals
from assistant.review.reviewer import review_document
from assistant.rules import load_lexicon

ROADS = [
    GoalArea(
        number=1,
        title="农村公路养护",
        goal="提升农村公路路况水平。",
        indicators_text="完成420公里农村公路日常养护。",
    ),
    GoalArea(
        number=2,
        title="农村公路建设",
        goal="完善农村公路网络，提升通行能力。",
        indicators_text="新改建农村公路30公里，完成危旧桥梁改造4座。",
    ),
    GoalArea(
        number=3,
        title="交通安全与执法",
        goal="消除公路安全隐患，规范交通运输市场秩序。",
        indicators_text="安装波形护栏35公里，全年开展执法检查240次，治超检测站全年运行。",
    ),
]


def _job(name: str, purpose: str, goal: str, qty: tuple[str, str], budget: float = 10.0):
    rows = [
        row(OUT, "数量指标", qty[0], qty[1]),
        row(OUT, "质量指标", "验收合格率", "100%"),
        row(OUT, "时效指标", "完成时间", "2025年10月底前完成"),
        row(OUT, "成本指标", "预算控制数", f"≤{budget:g}万元"),
        row(BEN, "社会效益指标", "群众出行条件", "达成年度指标"),
        row(SAT, "服务对象满意度指标", "群众满意度", "≥90%"),
    ]
    return project(rows, name=name, purpose=purpose, goal=goal, budget=budget)


def _upkeep():
    return _job(
        "农村公路日常养护",
        "用于全县420公里农村公路路面保洁、坑槽修补等日常养护。",
        "1.完成全县420公里农村公路日常养护。",
        ("养护里程", "≥420公里"),
    )


def _guardrail():
    return _job(
        "公路安全生命防护工程",
        "在急弯陡坡路段安装波形护栏和警示标志。",
        "1.安装波形护栏35公里，降低交通事故发生率。",
        ("安装波形护栏长度", "35公里"),
    )


def _weigh_station():
    return _job(
        "治超检测站运行经费",
        "支付检测站水电和称重设备维护费用。",
        "1.保障治超检测站全年运行，检测过站货车30000辆次。",
        ("检测货车数量", "≥30000辆次"),
    )


def _dept(d, lexicon=None):
    gm = map_goals(d, lexicon=lexicon)
    return gm, [
        (f.rule_id, f.project, f.evidence)
        for f in review_document(d, goal_map=gm).findings
        if f.category == "dept_misalignment"
    ]


def _unfunded(d, lexicon=None) -> list[str]:
    return [e for rule, _, e in _dept(d, lexicon)[1] if rule == "DEPT-UNFUNDED"]


def test_transport_themes_link_projects_and_find_the_unfunded_area():
    gm, found = _dept(doc(_upkeep(), _guardrail(), _weigh_station(), areas=ROADS))
    assert [link.area for link in gm.areas_for("公路安全生命防护工程")] == [3]
    assert [link.area for link in gm.areas_for("治超检测站运行经费")] == [3]
    # 农村公路 alone does not make the upkeep project fund 新改建农村公路
    assert found == [("DEPT-UNFUNDED", None, "新改建农村公路30公里")]


def test_distinctive_name_words_link_without_a_theme():
    lex = load_lexicon().model_copy(update={"topics": {"执法": ["执法"]}})
    gm = map_goals(doc(_upkeep(), _weigh_station(), areas=ROADS), lexicon=lex)
    [link] = gm.areas_for("治超检测站运行经费")
    assert (link.area, link.basis) == (3, "name")
    assert {"治超", "检测站"} <= set(link.shared)


def test_a_target_is_funded_only_by_its_object_with_a_matching_count():
    lex = load_lexicon().model_copy(update={"topics": {}})
    _, found = _dept(doc(_upkeep(), areas=ROADS[:2]), lex)
    assert found == [("DEPT-UNFUNDED", None, "新改建农村公路30公里")]
    rebuild = _job(
        "农村公路改建工程",
        "改建通村农村公路。",
        "1.改建农村公路30公里。",
        ("改建里程", "≥30公里"),
    )
    assert _unfunded(doc(_upkeep(), rebuild, areas=ROADS[:2]), lex) == []
    # the object named, but nothing counted in 座: the bridges are not funded by this project
    areas = [GoalArea(number=1, title="桥梁", goal="", indicators_text="完成危旧桥梁改造4座。")]
    bridges = _job(
        "危旧桥梁改造前期", "危旧桥梁改造勘察设计。", "1.完成危旧桥梁改造设计。", ("设计文件", "4份")
    )
    assert _unfunded(doc(bridges, areas=areas), lex) == ["危旧桥梁改造4座"]


def test_a_shared_theme_serves_an_area_whose_target_wording_differs():
    areas = [
        GoalArea(
            number=1,
            title="健康促进",
            goal="普及健康知识，提升居民健康素养。",
            indicators_text="全年开展健康教育讲座120场。",
        ),
        GoalArea(
            number=2,
            title="学前教育发展",
            goal="扩大普惠性学前教育资源。",
            indicators_text="新建公办幼儿园2所。",
        ),
    ]
    health = _job(
        "基本公共卫生服务补助资金",
        "拨付基层医疗卫生机构开展国家基本公共卫生服务。",
        "1.为全县40045名常住居民提供基本公共卫生服务。",
        ("服务常住人口数", "40045人"),
    )
    # a side mention of 幼儿园 in a camera project does not fund the kindergartens either
    cameras = _job(
        "校园视频监控设备购置",
        "为全县中小学和幼儿园新增视频监控点位，接入校园安全监控平台。",
        "1.新增校园视频监控点位160个。",
        ("新增监控点位数量", "≥160个"),
    )
    gm, found = _dept(doc(health, cameras, areas=areas))
    assert found == [("DEPT-UNFUNDED", None, "新建公办幼儿园2所")]
    assert [(s.area, s.basis) for s in gm.areas_for("校园视频监控设备购置")] == [(2, "side_theme")]
