"""Text pasted from a web page, in its three shapes (pipe rows, tab rows, one cell per line), with
the naming variants provinces use: 指标内容, 项目完成指标, 社会公众或服务对象满意度指标, (必填)/★, units in
the 三级 name or in a 计量单位 column."""

from __future__ import annotations

import pytest
from builders import pasted_cell_per_line, pasted_pipes, pasted_tabs

from assistant.categories import canonical_level1
from assistant.readers import read_bytes
from assistant.readers.text import text_blocks


def fields(ind):
    return (ind.level1, ind.level2, ind.level3, ind.description, ind.value_raw, ind.basis)


# --- pasted web text: pipe rows, tab rows, one cell per line --------------------------------

VARIANT_ROWS = [
    ["预算单位", "324001某县林业局本级", "单位：万元"],
    ["项目名称★", "森林防火专项", "项目编码", "130324P001"],
    ["预算数（万元）", "15.00", "其中：财政资金", "15.00", "其他资金", "0"],
    ["资金用途", "购置防火物资"],
    ["资金支出计划（%）", "3月底", "6月底", "10月底", "12月底"],
    ["", "30%", "60%", "90%", "100%"],
    ["年度绩效目标", "购置防火物资，保障森林安全"],
    ["一级指标(必填)", "二级指标(必填)", "指标内容", "计量单位", "指标值", "指标值确定依据"],
    ["成本指标", "经济成本指标", "物资购置成本", "万元", "≤15", "预算"],
    ["项目完成指标", "数量指标", "实施营造林总面积(亩)", "亩", "≥720", "计划标准"],
    ["", "时效指标", "完成时间", "", "2024年10月前完成", "计划"],
    ["项目效益指标", "社会效益指标", "火灾发生率", "%", "≤1", "历史标准"],
    ["社会公众或服务对象满意度指标", "服务对象满意度指标", "群众满意度", "%", "≥95", "调查问卷"],
]


def _check_variant(doc):
    assert doc.warnings == []
    (p,) = doc.projects
    assert (p.unit_code, p.name, p.code, p.budget, p.fiscal_funds, p.other_funds) == (
        "324001",
        "森林防火专项",
        "130324P001",
        15.0,
        15.0,
        0.0,
    )
    assert p.spending_plan.as_list() == [30.0, 60.0, 90.0, 100.0] and p.goal == "购置防火物资，保障森林安全"
    levels = [canonical_level1(i.level1) for i in p.indicators]
    assert levels == ["成本指标", "产出指标", "产出指标", "效益指标", "满意度指标"]
    assert p.indicators[2].level2 == "时效指标" and p.indicators[2].level1 == "项目完成指标"
    area = p.indicators[1].value
    assert (area.operator, area.number, area.unit, area.normalized_unit) == (">=", 720, "亩", "亩")
    assert p.indicators[0].value.kind == "money" and p.indicators[0].unit_column == "万元"
    assert p.indicators[3].value.kind == "percentage"


@pytest.mark.parametrize("shape", ["pipe", "tab"])
def test_pasted_rows_with_naming_variants(shape):
    rows = VARIANT_ROWS
    if shape == "pipe":
        body = "\n".join("| " + " | ".join(r) + " |" for r in rows)
    else:
        body = "\n".join("\t".join(r) for r in rows)
    _check_variant(read_bytes(f"某县林业局2024年部门预算绩效文本\n{body}\n".encode(), f"{shape}.txt"))


CELL_PER_LINE = """某县林业局
2024年部门预算绩效文本
第一部分 部门整体绩效目标
二、分项绩效目标
1、加强林业资源管理
绩效目标：完成造林任务。
绩效指标：完成营造林0.5万亩以上。
第二部分 预算项目绩效目标
1.森林防火专项绩效目标表
324001某县林业局本级
单位：万元
项目编码：130324P001
项目名称★
森林防火专项
预算规模及资金用途
预算数（万元）
15.00
其中：财政资金
15.00
其他资金
购置防火物资，
保障森林安全
资金支出计划（%）
3月底
6月底
10月底
12月底
30%
60%
90%
100%
年度绩效目标
1.购置防火物资
2.保障森林安全
一级指标(必填)
二级指标(必填)
★指标内容
指标值
指标值确定依据
成本指标
经济成本指标
物资购置成本
≤15万元
预算
项目完成指标
数量指标
实施营造林总面积(亩)
≥720
计划标准
时效指标
完成时间
2024年10月前完成
计划
项目效益指标
社会效益指标
火灾发生率
≤1%
历史标准
社会公众或服务对象满意度指标
服务对象满意度指标
群众满意度
≥95%
调查问卷
2.综合业务经费绩效目标表
项目名称 综合业务经费
预算数 100.00
资金用途
保障运转
资金支出计划
25%
50%
75%
100%
绩效目标
保障全局运转
一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据
产出指标
数量指标
保障办公人数
保障办公人数
≥201人
单位实有在职人数
成本指标
预算控制数
预算控制数
100万元
年初预算安排
满意度指标
员工满意度
员工满意度
≥95%
日常工作要求
"""


def test_pasted_cell_per_line_with_naming_variants():
    doc = read_bytes(CELL_PER_LINE.encode(), "paste.txt")
    assert doc.warnings == []
    assert doc.goal_areas[0].indicators_text == "完成营造林0.5万亩以上。"
    first, second = doc.projects
    assert (first.unit_code, first.code, first.name, first.budget, first.other_funds) == (
        "324001",
        "130324P001",
        "森林防火专项",
        15.0,
        None,
    )
    assert first.purpose == "购置防火物资，\n保障森林安全" and first.goal == "1.购置防火物资\n2.保障森林安全"
    assert first.spending_plan.as_list() == [30.0, 60.0, 90.0, 100.0]
    assert [canonical_level1(i.level1) for i in first.indicators] == [
        "成本指标",
        "产出指标",
        "产出指标",
        "效益指标",
        "满意度指标",
    ]
    assert [i.level2 for i in first.indicators] == [
        "经济成本指标",
        "数量指标",
        "时效指标",
        "社会效益指标",
        "服务对象满意度指标",
    ]
    assert [i.basis for i in first.indicators] == ["预算", "计划标准", "计划", "历史标准", "调查问卷"]
    assert first.indicators[1].value.unit == "亩"  # from the 三级 name
    assert (second.name, second.budget, second.purpose, second.goal) == (
        "综合业务经费",
        100.0,
        "保障运转",
        "保障全局运转",
    )
    # 成本指标 after 产出 rows, with no 二级 after it, is the three-一级 layout's 二级
    assert [(i.level1, i.level2) for i in second.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "成本指标"),
        ("满意度指标", ""),
    ]


def test_pasted_cell_per_line_warns_instead_of_guessing():
    broken = CELL_PER_LINE.replace("单位实有在职人数\n", "").replace("资金支出计划\n25%\n", "资金支出计划\n")
    doc = read_bytes(broken.encode(), "broken.txt")
    assert any("指标行只有" in w and "请核对" in w for w in doc.warnings)
    assert any("资金支出计划只找到3个百分比" in w for w in doc.warnings)
    assert doc.projects[1].indicators[0].value_raw == "≥201人"


@pytest.mark.parametrize(
    "make", [pasted_pipes, pasted_tabs, pasted_cell_per_line], ids=["pipes", "tabs", "cell_per_line"]
)
def test_pasted_seed_in_each_shape(make, seed_doc):
    doc = read_bytes(make(seed_doc).encode(), "pasted.txt")
    assert doc.warnings == []
    assert len(doc.projects) == 18 and doc.total_budget() == 1623.79
    for a, b in zip(seed_doc.projects, doc.projects):
        assert (b.code, b.name, b.purpose, b.spending_plan.as_list()) == (
            a.code,
            a.name,
            a.purpose,
            a.spending_plan.as_list(),
        )
        assert [fields(i) for i in b.indicators] == [fields(i) for i in a.indicators]


def test_shape_detection():
    assert all(
        b.is_row for b in text_blocks("a\tb\tc\n" * 5 + "\td\te\n")
    )  # leading tab: pasted row, not export
    assert text_blocks("\t单元\n\t格\n\n")[0].cells == ["单元", "格"]
