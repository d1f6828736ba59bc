"""Cell checks on small tables: placeholders, residue, missing cells, vague values, copied text."""

from __future__ import annotations

from rule_tables import BEN, OUT, SAT, doc, ids, project, replace, row

from assistant.review import review_document


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
