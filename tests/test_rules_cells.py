"""Cell checks on small tables: placeholders, residue, missing cells, vague values, copied text."""

from __future__ import annotations

from rule_tables import BEN, OUT, SAT, doc, ids, project, replace, row

from assistant.review.reviewer import review_document


def _with(l3: str, new) -> list:
    return replace(project().indicators, l3, new)


def test_redacted_project_is_one_error():
    secret = [
        row(l1, l2, "密", "密", desc="密", basis="密")
        for l1, l2 in [
            (OUT, "数量指标"),
            (OUT, "质量指标"),
            (OUT, "时效指标"),
            (BEN, "社会效益指标"),
            (SAT, "服务对象满意度指标"),
        ]
    ]
    secret.append(row(OUT, "成本指标", "密", "60万", desc="密", basis="密"))
    p = project(secret, name="冀财建【2023】182号资金", goal="1.密", purpose="密", budget=60.0)
    f = review_document(doc(project(), p)).findings
    assert ids(f) == ["PH-REDACTED"]
    assert f[0].project == "冀财建【2023】182号资金" and f[0].severity == "error" and f[0].evidence == "密"


def test_placeholder_cells_one_finding_per_row():
    rows = _with("造林成活率", row(OUT, "质量指标", "造林成活率", "(≥**%)", desc="XX县造林成活率"))
    [f] = review_document(doc(project(rows))).findings
    assert (f.rule_id, f.indicator, f.evidence) == ("PH-CELL", "造林成活率", "XX县造林成活率")
    assert "指标描述、指标值" in f.message


def test_residue_in_fields_and_in_raw_lines():
    d = doc(title="卢龙县自然资源和规划局2024年部门预算绩效文本（草案）")
    text = "卢龙县自然资源和规划局编制\n卢龙县财政（厅/局）审核\n"
    [f] = review_document(d, source_text=text).findings
    assert (f.rule_id, f.evidence, f.location.line) == ("PH-RESIDUE", "卢龙县财政（厅/局）审核", 2)
    p = project(purpose="报县财政（厅/局）审核后支付")
    [g] = review_document(doc(p)).findings
    assert g.rule_id == "PH-RESIDUE" and g.project == "造林项目"


def test_missing_value_basis_goal():
    rows = _with("造林成活率", row(OUT, "质量指标", "造林成活率", "", basis=""))
    f = review_document(doc(project(rows, goal=""))).findings
    assert {"MISSING-VALUE", "MISSING-BASIS", "MISSING-GOAL"} <= set(ids(f))


def test_vague_phrases_need_no_number_or_scale():
    for value in (
        "较上年提高",
        "持续发挥",
        "保障运转",
        "保障学校正常运转",
        "维持单位正常运转",
        "保障系统正常运行",
        "有效提升",
        "明显改善",
        "进一步提高",
        "便民利民",
    ):
        f = review_document(
            doc(project(_with("新增森林面积", row(BEN, "生态效益指标", "新增森林面积", value))))
        ).findings
        assert ids(f) == ["VAGUE-PHRASE"], value
        assert f[0].evidence == value
    for value in ("较上年提高5%", "达成年度指标", "优良中差", "保障120所学校正常运转", "正常运转率≥98%"):
        f = review_document(
            doc(project(_with("新增森林面积", row(BEN, "生态效益指标", "新增森林面积", value))))
        ).findings
        assert "VAGUE-PHRASE" not in ids(f), value


def test_timeliness_without_a_date():
    f = review_document(
        doc(project(_with("完成时间", row(OUT, "时效指标", "完成时间", "按时缴纳"))))
    ).findings
    assert ids(f) == ["VAGUE-TIMELINESS"]
    f = review_document(
        doc(project(_with("完成时间", row(OUT, "时效指标", "完成时间", "2024年6月底前完成"))))
    ).findings
    assert f == []


def test_copied_description_is_one_info_per_project():
    rows = [row(i.level1, i.level2, i.level3, i.value_raw, desc=i.level3) for i in project().indicators]
    [f] = review_document(doc(project(rows))).findings
    assert (f.rule_id, f.severity, f.indicator) == ("COPY-DESC", "info", None)
    assert "6个指标中有6个" in f.message and f.evidence == "人工造林面积"


def test_copied_level2_value_and_basis():
    rows = _with("群众满意度", row(SAT, "服务对象满意度指标", "服务对象满意度指标", "≥95%"))
    assert ids(review_document(doc(project(rows))).findings) == ["COPY-LEVEL2"]
    rows = _with("新增森林面积", row(BEN, "生态效益指标", "改善生态环境质量", "改善生态环境质量"))
    assert ids(review_document(doc(project(rows))).findings) == ["COPY-VALUE"]  # not also VAGUE-PHRASE
    rows = _with("人工造林面积", row(OUT, "数量指标", "人工造林面积", "≥1000亩", basis="人工造林面积"))
    assert ids(review_document(doc(project(rows))).findings) == ["COPY-BASIS"]


def _sat(basis: str, desc: str = "群众对项目实施的满意比例", l1: str = SAT, value: str = "≥90%"):
    rows = _with("群众满意度", row(l1, "服务对象满意度指标", "群众满意度", value, desc=desc, basis=basis))
    return review_document(doc(project(rows))).findings


def test_satisfaction_basis_names_no_survey_method():
    [f] = _sat("项目执行效果")
    assert (f.rule_id, f.category, f.severity) == ("SAT-METHOD", "missing_value", "info")
    assert (f.indicator, f.evidence) == ("群众满意度", "项目执行效果")
    assert "“群众满意度”" in f.message and "“项目执行效果”" in f.message
    assert "问卷调查" in f.suggestion
    for basis in ("群众反映", "冀财资环[2023]107号", "以前年度经验值"):
        assert ids(_sat(basis)) == ["SAT-METHOD"], basis
    # a 满意度 三级 under another 一级 is a 满意度 row too (misfiled as well, and 满意度 then missing)
    assert "SAT-METHOD" in ids(_sat("项目实施效果", l1=BEN))
    # a multi-line 依据: evidence is a verbatim line of the cell
    [f] = _sat("项目实施效果\n群众反映")
    assert f.evidence == "项目实施效果"


def test_satisfaction_with_a_survey_method_is_not_flagged():
    for basis in ("问卷调查", "调查问卷", "电话回访", "入户走访", "第三方满意度测评", "12345热线", "座谈会"):
        assert _sat(basis) == [], basis
    assert _sat("上级文件", desc="随机抽取受助家庭开展问卷调查的满意比例") == []  # method in 描述
    assert _sat("上级文件\n抽样调查不少于100户") == []


def test_satisfaction_method_leaves_other_rules_their_rows():
    assert ids(_sat("")) == ["MISSING-BASIS"]  # empty 依据: another rule
    assert ids(_sat("群众满意度")) == ["COPY-BASIS"]  # 依据 repeating the name: another rule
    assert ids(_sat("待填写")) == ["PH-CELL"]
    assert ids(_sat("项目实施效果", value="≥XX%")) == ["PH-CELL"]
    secret = [
        row(l1, l2, "密", "密", desc="密", basis="密")
        for l1, l2 in [(OUT, "数量指标"), (BEN, "社会效益指标")]
    ]
    # a wholly redacted table gets PH-REDACTED only, even where its 满意度 row has a value and a 依据
    secret.append(row(SAT, "服务对象满意度指标", "群众满意度", "≥90%", desc="密", basis="项目实施效果"))
    assert ids(review_document(doc(project(secret, goal="1.密", purpose="密"))).findings) == ["PH-REDACTED"]
