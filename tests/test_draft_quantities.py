"""The description grammar: every number of a description becomes a well-named row or is listed as
unused with why, in the many ways staff write them (not only the examples of issue 13)."""

import pytest

from assistant.draft.numbers import scan
from assistant.draft.quality import garbage_name
from assistant.draft.quantities import read_description

YEAR = 2026

# (description, [(row name, value)]): names as a clerk writes them, values as the description says.
PHRASINGS = [
    # number + classifier + noun; verb + object + number; totals with parts (issue 13)
    ("在7个林场和11个乡镇实施营造林8万亩，其中新造林3万亩，未成林抚育提升及退化林改造5万亩；修建作业道30公里。",
     [("林场数量", "7个"), ("乡镇数量", "11个"), ("营造林面积", "8万亩"), ("新造林面积", "3万亩"),
      ("未成林抚育提升及退化林改造面积", "5万亩"), ("作业道修建长度", "30公里")]),
    # frequency with an operator, area in 万平方米
    ("对城区主次干道开展每日不少于2次的雾炮降尘作业，覆盖道路面积120万平方米，改善城区空气质量。",
     [("雾炮降尘作业频次", "≥2次/日"), ("覆盖道路面积", "120万平方米")]),
    # Chinese numerals, a deadline before an event, a standard per 园
    ("为全县三十二所农村公办幼儿园配备户外大型玩具和室内玩教具，每园补助2万元，9月开学前配备到位。",
     [("农村公办幼儿园数量", "32所"), ("补助标准", "2万元/园"), ("户外大型玩具配备时间", "2026年8月底前配备到位")]),
    # a standard with no words of its own is named after the money the sentence pays
    ("对在园家庭经济困难幼儿减免保育教育费，每生每年1000元，计划资助63人。",
     [("资助标准", "1000元/人·年"), ("资助人数", "63人")]),
    ("全年发放高龄津贴3200人，每人每月100元，按季度发放。", [("高龄津贴发放人数", "3200人"), ("高龄津贴标准", "100元/人·月")]),
    ("资助家庭经济困难高中生420人，每生每年2000元，分春秋两学期发放。",
     [("家庭经济困难高中生资助人数", "420人"), ("资助标准", "2000元/人·年")]),
    ("慰问困难党员和老党员350人，每人慰问金500元，春节前发放到位。",
     [("慰问困难党员和老党员人数", "350人"), ("慰问金标准", "500元/人"), ("慰问金发放时间", "2026年1月底前发放到位")]),
    # 万 with a following population noun; beneficiaries named 受益…
    ("对全县126处农村集中供水工程进行维修养护，更换老化管网18.5公里，保障4.6万农村人口饮水安全，水质达标率不低于95%。",
     [("农村集中供水工程数量", "126处"), ("老化管网更换长度", "18.5公里"), ("受益农村人口", "4.6万人"), ("水质达标率", "≥95%")]),
    ("为全县农村留守儿童开展心理健康辅导活动不少于24场次，受益儿童600人。",
     [("心理健康辅导活动场次", "≥24场次"), ("受益儿童人数", "600人")]),
    ("新建乡村公路5.2公里，惠及群众3000人，2025年10月底前完成，合格率达到95%",
     [("新建乡村公路长度", "5.2公里"), ("受益群众人数", "3000人"), ("合格率", "≥95%")]),
    # lists: a verb shared by the list, per words shared by the list
    ("配套建设灌溉渠道46公里、机耕路32公里，11月底前完工。", [("灌溉渠道建设长度", "46公里"), ("机耕路建设长度", "32公里")]),
    ("户均补助C级1.5万元、D级3.5万元。", [("C级户均补助标准", "1.5万元/户"), ("D级补助标准", "3.5万元/户")]),
    ("为3所敬老院购置护理床60张、轮椅40台。", [("敬老院数量", "3所"), ("护理床购置数量", "60张"), ("轮椅购置数量", "40台")]),
    # verbs clerks put first; compounds that keep their order
    ("新建改建旅游厕所12座，其中新建5座、改建7座，6月底前投入使用。",
     [("新建改建旅游厕所数量", "12座"), ("新建旅游厕所数量", "5座"), ("改建旅游厕所数量", "7座"), ("旅游厕所投入使用时间", "2026年6月底前投入使用")]),
    ("实施土地综合整治新增耕地2000亩，每亩投资1.2万元。", [("新增耕地面积", "2000亩"), ("投资标准", "1.2万元/亩")]),
    # durations, per-person days, dimensions, rates that name themselves
    ("租赁周期为36个月，故障响应时间不超过2小时。", [("租赁周期", "36个月"), ("故障响应时间", "≤2小时")]),
    ("选派科技特派员45名，每人全年服务不少于60天。", [("科技特派员选派人数", "45人"), ("人均服务天数", "≥60天")]),
    ("硬化村内道路12.6公里，路面宽3.5米、厚18厘米。", [("村内道路硬化长度", "12.6公里"), ("路面宽度", "3.5米"), ("路面厚度", "18厘米")]),
    ("完成全县3.2万头生猪口蹄疫强制免疫，免疫密度达到100%。", [("免疫密度", "100%")]),
    # units beyond counts: energy, pages, incidents; money as an output and as a benefit
    ("在5个乡镇建设村级光伏电站5座，总装机容量1.5兆瓦。", [("乡镇数量", "5个"), ("村级光伏电站建设数量", "5座"), ("总装机容量", "1.5兆瓦")]),
    ("完成不动产登记档案数字化扫描120万页，建立电子档案库1个。", [("不动产登记档案数字化扫描页数", "120万页"), ("电子档案库建立数量", "1个")]),
    ("全年接处警不少于1.2万起，群众报警求助按时处置率100%。", [("接处警起数", "≥1.2万起"), ("群众报警求助按时处置率", "100%")]),
    ("增加特色产业产值80万元，完成勘察设计费结算532万元。", [("特色产业产值", "80万元"), ("勘察设计费结算金额", "532万元")]),
    # a frequency whose activity is in the clause before; a frequency unit that names its activity
    ("对全县17家养老机构开展消防安全检查，全年不少于4次。", [("养老机构数量", "17家"), ("消防安全检查次数", "≥4次")]),
    ("为一百八十名特困人员提供日常生活照料，每日三餐，每月组织一次健康巡诊。",
     [("特困人员人数", "180人"), ("供餐频次", "3餐/日"), ("健康巡诊频次", "1次/月")]),
    ("开展禁毒宣传活动，发放宣传册3万份，组织知识竞赛2场。", [("宣传册发放数量", "3万份"), ("知识竞赛场次", "2场")]),
    ("更新消防车2辆，购置个人防护装备300套，10月底前完成采购。",
     [("消防车更新数量", "2辆"), ("个人防护装备购置数量", "300套"), ("采购完成时间", "2026年10月底前完成")]),
]


@pytest.mark.parametrize("text,expected", PHRASINGS, ids=[p[0][:12] for p in PHRASINGS])
def test_numbers_become_well_named_rows(text, expected):
    r = read_description(text, YEAR, None, "某项目")
    got = {(q.name, q.value) for q in r.quantities}
    for row in expected:
        assert row in got, (row, sorted(got))
    for q in r.quantities:
        assert not garbage_name(q.name), (q.name, garbage_name(q.name))


@pytest.mark.parametrize("text", [p[0] for p in PHRASINGS])
def test_every_number_is_a_row_or_unused_with_a_reason(text):
    """No number is silently dropped: each Arabic digit run lies in a row's source or an unused entry."""
    r = read_description(text, YEAR, None, "某项目")
    s = scan(text, YEAR)
    covered = [(m.start, m.end) for m in s.mentions] + [(d.start, d.end) for d in s.deadlines]
    covered += [(u.start, u.start + len(u.text)) for u in r.unused]
    import re

    for m in re.finditer(r"\d+(?:\.\d+)?", r.text):
        assert any(a <= m.start() < b for a, b in covered), (m.group(0), text)
    assert all(u.reason for u in r.unused)


@pytest.mark.parametrize(
    "text,unused,reason",
    [
        ("围绕人感染H7N9禽流感等重点传染病开展防治。", "H7N9", "编号"),
        ("举办第十届全县农民运动会，参赛运动员一千二百人。", "第十", "序数"),
        ("其中三级系统4个、二级系统8个。", "三级", "等级"),
        ("项目已于2024年7月完成招标采购，服务期限3年。", "2024年7月", "已过去"),
        ("为全县65岁以上老年人开展免费健康筛查。", "65岁", "条件"),
        ("贯彻党的二十大精神，落实“三品一标”。", "二十大", "术语"),
        ("依据冀财资环[2023]107号文件支付补助。", "[2023]107号", "文号"),
    ],
)
def test_numbers_that_are_not_quantities_say_why(text, unused, reason):
    r = read_description(text, YEAR, None, "某项目")
    hit = [u for u in r.unused if u.text == unused]
    assert hit and reason in hit[0].reason, r.unused
    assert not any(unused in q.source for q in r.quantities)


def test_chinese_numerals_and_wan():
    r = read_description("发放宣传资料两万份，培训二百一十五人，惠及1.2万名学生。", YEAR)
    values = [q.value for q in r.quantities]
    assert values == ["2万份", "215人", "1.2万人"]
    assert r.quantities[2].amount == 12000


def test_a_number_inside_a_word_is_not_a_number():
    r = read_description("每人一次性资助5000元，实行一站式服务。", YEAR)
    assert [q.value for q in r.quantities] == ["5000元/人"]


def test_parts_are_checked_against_their_total():
    r = read_description("防控面积15万亩，其中小麦10万亩、玉米5万亩。", YEAR)
    names = [q.name for q in r.quantities]
    assert names == ["防控面积", "小麦防控面积", "玉米防控面积"]
    assert any("合计与防控面积15万亩一致" in c for c in r.checks)
    bad = read_description("营造林8万亩，其中新造林3万亩，退化林改造4万亩。", YEAR)
    assert any("不一致" in c for c in bad.checks)


@pytest.mark.parametrize(
    "text,budget,ok",
    [
        ("计划资助63人，每人1000元。", 6.3, True),
        ("对全县在岗乡村医生发放补助，每人每月300元，共二百一十五人。", 77.4, True),
        ("为全县4200名农村低保对象按月发放低保金，月人均补助350元。", 1764, True),
        ("特困人员全额资助每人400元，低保对象定额资助每人200元，计划资助特困人员1500人、低保对象6000人。", 180, True),
        ("每生每天5元，按在校200天计算，惠及1.2万名学生。", 1200, True),
        ("新建高标准农田2.5万亩，亩均投资3000元。", 7500, True),
        ("城区63座公厕委托专业公司保洁，每座每年保洁费1.2万元。", 75.6, True),
        ("计划资助63人，每人1000元。", 8.0, False),
    ],
)
def test_standards_times_numbers_are_checked_against_the_budget(text, budget, ok):
    r = read_description(text, YEAR, budget)
    line = next(c for c in r.checks if c.startswith("测算"))
    assert ("一致" in line and "不一致" not in line) == ok, line


def test_several_standards_get_a_cost_row_each_when_they_add_up():
    r = read_description("首次认定的高新技术企业每家奖励10万元，预计8家；对重新认定的每家奖励5万元，预计4家。", YEAR, 100)
    costs = {q.name: q.value for q in r.quantities if q.level2 == "成本指标" and q.kind == "money"}
    assert costs == {"首次认定奖励资金": "≤80万元", "重新认定奖励资金": "≤20万元"}
    assert {q.name for q in r.quantities if q.kind == "count"} == {"首次认定高新技术企业数量", "重新认定高新技术企业数量"}


def test_a_per_unit_number_implies_a_total():
    r = read_description("为二十个行政村更新全民健身路径器材，每村一套，每套3.5万元。", YEAR, 70)
    derived = [q for q in r.quantities if q.role == "derived" and q.kind == "derived"]
    assert [(q.name, q.value) for q in derived] == [("全民健身路径器材更新套数", "20套")]
    assert any("一致" in c for c in r.checks)


def test_deadlines_in_the_budget_year():
    cases = {
        "8月底前完成": "2026年8月底前完成",
        "年底前全部建成通车": "2026年12月底前建成通车",
        "5月下旬前完成": "2026年5月下旬前完成",
        "汛期前完工": "2026年5月底前完工",
        "每月10日前发放到户": "每月10日前发放到户",
    }
    for text, value in cases.items():
        r = read_description(f"维修道路3公里，{text}。", YEAR)
        assert r.quantities[-1].value == value, (text, r.quantities[-1].value)
        assert r.quantities[-1].level2 == "时效指标"


@pytest.mark.parametrize(
    "name",
    ["在数量", "林场和数量", "乡镇实施营造林面积", "城区主次干道开展每日次数", "开展宣传活动次数", "对象和", "总面积", "数量"],
)
def test_garbage_names_are_rejected(name):
    assert garbage_name(name)


@pytest.mark.parametrize("name", ["林场数量", "作业道修建长度", "因灾死亡失踪人数", "农村自来水普及率", "对象人数", "参与人次"])
def test_good_names_pass(name):
    assert not garbage_name(name)
