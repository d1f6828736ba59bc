"""Rule packs as data: loading, policies, word lists, and every category covered."""

from __future__ import annotations

import pytest
import yaml
from rule_tables import doc, ids, project, replace, row

from assistant.errors import InputError
from assistant.models import CATEGORY_LABELS, Finding
from assistant.review.reviewer import NO_LLM_NOTICE, Reviewer, review_document
from assistant.rules import CHECKS, Policy, default_rules, load_lexicon, load_policy, load_rules, run_rules
from assistant.rules.engine import find_phrase


def test_default_pack_loads_and_covers_every_category():
    rules = default_rules()
    assert len({r.id for r in rules}) == len(rules)
    assert {r.category for r in rules} == set(CATEGORY_LABELS)
    assert all(r.kind in CHECKS for r in rules)
    assert all(r.message and r.suggestion for r in rules)


def test_clean_table_has_no_findings():
    assert review_document(doc()).findings == []


def test_policy_switches_off_and_changes_level(tmp_path):
    d = doc(
        project(
            rows=replace(
                project().indicators,
                "新增森林面积",
                row("效益指标", "生态效益指标", "新增森林面积", "较上年提高"),
            )
        )
    )
    assert ids(review_document(d).findings) == ["VAGUE-PHRASE"]
    path = tmp_path / "policy.yaml"
    path.write_text("rules:\n  VAGUE-PHRASE: error\n", encoding="utf-8")
    [f] = review_document(d, load_policy(path)).findings
    assert f.severity == "error"
    path.write_text("rules:\n  VAGUE-PHRASE: off\n", encoding="utf-8")  # YAML reads a bare off as False
    assert review_document(d, load_policy(path)).findings == []


@pytest.mark.parametrize(
    "content, words",
    [
        ("rules:\n  VAGUE-PHRASE: loud\n", "级别只能是"),
        ("rules:\n  NO-SUCH-RULE: off\n", "未知的规则编号"),
        ("rules: [VAGUE-PHRASE\n", "不是合法的 YAML"),
        ("- just a list\n", "rules:"),
        ("rulez:\n  VAGUE-PHRASE: off\n", "策略文件"),
    ],
)
def test_bad_policy_is_input_error_in_chinese(tmp_path, content, words):
    path = tmp_path / "policy.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_policy(path)
    assert words in str(e.value)


def test_missing_policy_file(tmp_path):
    with pytest.raises(InputError, match="找不到策略文件"):
        load_policy(tmp_path / "none.yaml")


def test_custom_rule_pack(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "rules:\n"
        "  - id: MY-VAGUE\n    category: vague_value\n    severity: error\n    kind: vague_phrase\n"
        "    message: 值“{value}”不可衡量\n    suggestion: 写成数值，如“≥95%”\n",
        encoding="utf-8",
    )
    rules = load_rules(pack)
    d = doc(
        project(
            rows=replace(
                project().indicators,
                "新增森林面积",
                row("效益指标", "生态效益指标", "新增森林面积", "持续发挥"),
            )
        )
    )
    [f] = run_rules(d, rules)
    assert (f.rule_id, f.severity, f.message) == ("MY-VAGUE", "error", "值“持续发挥”不可衡量")


def test_bad_rule_pack(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "rules:\n  - id: X\n    category: vague_value\n    severity: error\n    kind: nope\n"
        "    message: m\n    suggestion: s\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="未知的检查类型"):
        load_rules(pack)


def test_phrases_match_across_widths_and_gaps():
    lex = load_lexicon()
    assert find_phrase("提升动物保护意识", lex.vague_phrases)[1] == "提升动物保护意识"
    assert find_phrase("较 上年 提高", ["较上年提高"])[1] == "较 上年 提高"
    assert find_phrase("卢龙县财政(厅/局)审核", ["（厅/局）"])[1] == "(厅/局)"
    assert find_phrase("≥95%", lex.vague_phrases) is None


class FakeLLMChecker:
    """Stands in for the LLM review: one grounded finding, one with a quote the document lacks."""

    def review(self, doc, findings):
        base = {
            "category": "goal_indicator_gap",
            "severity": "warning",
            "rule_id": "LLM-GAP",
            "message": "m",
            "suggestion": "补充指标",
        }
        return [
            Finding(**base, evidence="支付造林补助", project="造林项目"),
            Finding(**base, evidence="编造的原文", project="造林项目"),
        ], ["大模型审核完成"]


def test_llm_hook_keeps_only_grounded_findings():
    r = Reviewer(llm=FakeLLMChecker(), use_embeddings=False).review(doc())
    assert [(f.rule_id, f.source, f.evidence) for f in r.findings] == [("LLM-GAP", "llm", "支付造林补助")]
    assert r.notices[0] == "大模型审核完成" and "1条" in r.notices[1]
    r = Reviewer(llm=FakeLLMChecker(), use_embeddings=False, policy=Policy(rules={"LLM-GAP": "off"})).review(
        doc()
    )
    assert r.findings == []
    assert NO_LLM_NOTICE in Reviewer(llm_requested=True, use_embeddings=False).review(doc()).notices


def test_policy_may_name_llm_finding_ids(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("rules:\n  LLM-vague_value: off\n  LLM-cost_mismatch: warning\n", encoding="utf-8")
    policy = load_policy(f)
    assert policy.rules["LLM-vague_value"] == "off"
    f.write_text("rules:\n  LLM-typo: off\n", encoding="utf-8")
    with pytest.raises(InputError, match="未知的规则编号"):
        load_policy(f)


# --- rule contracts: checked when the pack loads --------------------------------------------------------
def _pack(tmp_path, **rule):
    base = {"id": "T-1", "category": "vague_value", "severity": "warning", "kind": "vague_timeliness",
            "message": "指标“{indicator}”的指标值“{value}”不可衡量。", "suggestion": "写明时限。"}
    base.update(rule)
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump({"rules": [base]}, allow_unicode=True), encoding="utf-8")
    return path


def test_a_message_naming_a_field_its_kind_does_not_fill_fails_at_load(tmp_path):
    assert load_rules(_pack(tmp_path))[0].id == "T-1"
    with pytest.raises(InputError, match=r"T-1.*message.*valeu.*可用字段：project、indicator、year.*value"):
        load_rules(_pack(tmp_path, message="指标值“{valeu}”不可衡量。"))
    with pytest.raises(InputError, match=r"T-1.*suggestion.*budget"):
        load_rules(_pack(tmp_path, suggestion="控制在{budget}万元以内。"))
    with pytest.raises(InputError, match=r"T-1.*模板有误"):
        load_rules(_pack(tmp_path, message="指标值“{value”不可衡量。"))


def test_params_are_validated_by_the_kind_at_load(tmp_path):
    ok = load_rules(_pack(tmp_path, kind="implausible_percent", message="“{value}”超过{limit}%。", params={"test": "growth"}))
    assert ok[0].params == {"test": "growth", "limit": 50}
    with pytest.raises(InputError, match=r"T-1.*“tset”是未知参数.*test、limit"):
        load_rules(_pack(tmp_path, kind="implausible_percent", params={"tset": "growth"}))
    with pytest.raises(InputError, match=r"T-1.*“test”取值不对"):
        load_rules(_pack(tmp_path, kind="implausible_percent", params={"test": "over100"}))
    with pytest.raises(InputError, match=r"T-1.*“field”是未知参数"):
        load_rules(_pack(tmp_path, params={"field": "goal"}))
