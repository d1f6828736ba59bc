"""The seed's Word text export parses into the full document."""

from assistant.categories import canonical_level1


def test_seed_projects_and_budget(seed_doc):
    assert len(seed_doc.projects) == 18
    assert seed_doc.total_budget() == 1623.79
    assert [u.code for u in seed_doc.units] == ["324001", "324004"]
    assert seed_doc.budget_year == 2024
    assert seed_doc.department == "卢龙县自然资源和规划局"
    assert seed_doc.warnings == []


def test_seed_goal_areas(seed_doc):
    assert [g.number for g in seed_doc.goal_areas] == list(range(1, 9))
    assert seed_doc.goal_areas[0].title == "全面做好耕地保护"
    assert "新增耕地2000亩" in seed_doc.goal_areas[0].indicators_text
    assert "26处历史遗留矿山" in seed_doc.goal_areas[2].indicators_text
    assert "营造林0.5万亩" in seed_doc.goal_areas[4].indicators_text
    assert seed_doc.overall_goal.startswith("组织实施耕地与基本农田保护工作")
    assert "完善制度建设" in seed_doc.safeguards


def test_seed_project_fields(seed_doc):
    p = seed_doc.projects[7]
    assert p.name.startswith("冀财资环【2022】91号")
    assert p.budget == 31.98 and p.fiscal_funds == 31.98 and p.other_funds is None
    assert p.code == "13032423P00000110083E"
    assert p.unit_code == "324001" and p.unit_name == "卢龙县自然资源和规划局本级"
    assert p.spending_plan.as_list() == [0.0, 100.0, 100.0, 100.0]
    assert p.purpose == "支付造林补贴，加强森林抚育"
    cost = next(i for i in p.indicators if i.level3 == "预算控制数")
    assert cost.value_raw == "101.73万元" and cost.value.normalized == 101.73
    assert cost.level1 == "产出指标" and cost.level2 == "成本指标"
    assert cost.basis == "冀财资环【2022】91号文"
    assert cost.source.table == 8 and cost.source.row == 5 and cost.source.line > 0


def test_seed_multiline_goal_and_continuation_cells(seed_doc):
    p = seed_doc.projects[0]
    assert p.goal.splitlines()[1].startswith("2.下属局属场员工")
    first = p.indicators[0]
    assert (first.level1, first.level2, first.level3, first.value_raw) == ("产出指标", "数量指标", "保障人数", "57人")
    # merged 一级 cells continue down the rows
    assert all(canonical_level1(i.level1) for p in seed_doc.projects for i in p.indicators)


def test_every_row_has_all_columns(seed_doc):
    rows = [i for p in seed_doc.projects for i in p.indicators]
    assert len(rows) == 124
    assert all(i.level3 and i.value_raw and i.basis for i in rows if i.value.kind != "placeholder")


def test_one_line_title_gives_department_and_year():
    from assistant.readers.layout import Block, build_document

    blocks = [
        Block(["某县林业局2025年部门预算绩效文本"], False),
        Block(["项目名称", "造林补贴"], True),
        Block(["预算数", "10.00"], True),
    ]
    doc = build_document(blocks, "x.txt")
    assert (doc.department, doc.budget_year) == ("某县林业局", 2025)


def test_six_digit_amount_is_not_a_budget_unit():
    from assistant.readers.layout import build_document
    from assistant.readers.text import text_blocks

    text = "\n".join([
        "| 项目名称 | 学生资助 |", "| 预算数 | 64.00 |",
        "| 一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据 |",
        "| 产出指标 | 数量指标 | 资助人数 | 资助学生人数 | 800人 | 年度计划 |",
        "| | 成本指标 | 补贴资金总额 | 全年补贴资金 | 640000元 | 年初预算 |",
        "| 满意度指标 | 服务对象满意度指标 | 学生满意度 | 问卷调查 | ≥90% | 问卷调查 |",
    ])
    doc = build_document(text_blocks(text), "p.txt")
    assert len(doc.projects) == 1
    assert [i.value_raw for i in doc.projects[0].indicators] == ["800人", "640000元", "≥90%"]
    assert doc.projects[0].indicators[1].value.normalized == 64.0


def test_project_location_has_no_row(seed_doc):
    assert all(p.source.row is None and p.source.table for p in seed_doc.projects)
